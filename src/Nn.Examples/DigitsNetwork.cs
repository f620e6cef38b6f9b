namespace Nn.Examples;

/// <summary>The 64-32-10 network for the embedded 8×8 digits: ReLU hidden layer, softmax output, cross-entropy, in double precision.</summary>
[Network(typeof(double), Inputs = 64, Loss = LossKind.SoftmaxCrossEntropy)]
[Dense(0, 32, ActivationKind.Relu)]
[Dense(1, 10, ActivationKind.Softmax)]
public static partial class DigitsDouble;

/// <summary>The 64-32-10 digits network in single precision.</summary>
[Network(typeof(float), Inputs = 64, Loss = LossKind.SoftmaxCrossEntropy)]
[Dense(0, 32, ActivationKind.Relu)]
[Dense(1, 10, ActivationKind.Softmax)]
public static partial class DigitsFloat;
