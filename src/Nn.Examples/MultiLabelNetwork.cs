namespace Nn.Examples;

/// <summary>
/// The 400-25-10 course network on 20×20 digits: sigmoid layers, multi-label (binary) cross-entropy and L2 with
/// λ = 1, in double precision.
/// </summary>
[Network(typeof(double), Inputs = 400, Loss = LossKind.BinaryCrossEntropy, L2 = 1.0)]
[Dense(0, 25, ActivationKind.Sigmoid)]
[Dense(1, 10, ActivationKind.Sigmoid)]
public static partial class MultiLabelDouble;

/// <summary>The 400-25-10 course network in single precision.</summary>
[Network(typeof(float), Inputs = 400, Loss = LossKind.BinaryCrossEntropy, L2 = 1.0)]
[Dense(0, 25, ActivationKind.Sigmoid)]
[Dense(1, 10, ActivationKind.Sigmoid)]
public static partial class MultiLabelFloat;
