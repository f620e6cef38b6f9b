namespace Nn.Examples;

/// <summary>
/// The textbook's tiny 3-2-1 network: sigmoid hidden and output layers, no biases, quadratic cost
/// (golden numbers in golden_tiny.txt), in double precision.
/// </summary>
[Network(typeof(double), Inputs = 3, Loss = LossKind.Quadratic)]
[Dense(0, 2, ActivationKind.Sigmoid, HasBias = false)]
[Dense(1, 1, ActivationKind.Sigmoid, HasBias = false)]
public static partial class TinyDouble;

/// <summary>The tiny 3-2-1 network in single precision.</summary>
[Network(typeof(float), Inputs = 3, Loss = LossKind.Quadratic)]
[Dense(0, 2, ActivationKind.Sigmoid, HasBias = false)]
[Dense(1, 1, ActivationKind.Sigmoid, HasBias = false)]
public static partial class TinyFloat;
