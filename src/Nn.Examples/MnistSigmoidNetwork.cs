namespace Nn.Examples;

/// <summary>The classic MNIST tutorial network: 784-100-10, sigmoid layers, quadratic cost, in double precision.</summary>
[Network(typeof(double), Inputs = 784, Loss = LossKind.Quadratic)]
[Dense(0, 100, ActivationKind.Sigmoid)]
[Dense(1, 10, ActivationKind.Sigmoid)]
public static partial class MnistSigmoidDouble;

/// <summary>The classic MNIST tutorial network in single precision.</summary>
[Network(typeof(float), Inputs = 784, Loss = LossKind.Quadratic)]
[Dense(0, 100, ActivationKind.Sigmoid)]
[Dense(1, 10, ActivationKind.Sigmoid)]
public static partial class MnistSigmoidFloat;
