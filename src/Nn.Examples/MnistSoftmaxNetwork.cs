namespace Nn.Examples;

/// <summary>The two-layer 784-50-10 network: ReLU hidden layer, softmax output, cross-entropy, in double precision.</summary>
[Network(typeof(double), Inputs = 784, Loss = LossKind.SoftmaxCrossEntropy)]
[Dense(0, 50, ActivationKind.Relu)]
[Dense(1, 10, ActivationKind.Softmax)]
public static partial class MnistSoftmaxDouble;

/// <summary>The two-layer 784-50-10 network in single precision.</summary>
[Network(typeof(float), Inputs = 784, Loss = LossKind.SoftmaxCrossEntropy)]
[Dense(0, 50, ActivationKind.Relu)]
[Dense(1, 10, ActivationKind.Softmax)]
public static partial class MnistSoftmaxFloat;
