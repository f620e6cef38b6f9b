namespace Nn.Examples;

/// <summary>
/// The 64-64-10 digits network with batch normalisation and dropout (p = 0.2) after its ReLU hidden layer, in single
/// precision: the runtime's Architecture.Input(64).Dense(64, Relu).BatchNorm().Dropout(0.2).Dense(10, Softmax).
/// </summary>
[Network(typeof(float), Inputs = 64, Loss = LossKind.SoftmaxCrossEntropy)]
[Dense(0, 64, ActivationKind.Relu)]
[BatchNorm(1)]
[Dropout(2, 0.2)]
[Dense(3, 10, ActivationKind.Softmax)]
public static partial class RegularisedDigitsFloat;
