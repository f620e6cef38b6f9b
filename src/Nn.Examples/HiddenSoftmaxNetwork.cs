namespace Nn.Examples;

/// <summary>
/// A 260-12-8-4-3 stack with softmax on every hidden layer and sigmoid outputs under binary cross-entropy, in double
/// precision, so the chain rule through a hidden softmax's Jacobian is generated in every code shape: layer 1 has
/// rows of 260 inputs (applied per block of samples), layer 2 (96 weights) is a SIMD loop over short rows, layer 3
/// (32 weights) is unrolled into scalar locals, and batches of 16 rows or more take the GEMM path.
/// </summary>
[Network(typeof(double), Inputs = 260, Loss = LossKind.BinaryCrossEntropy)]
[Dense(0, 12, ActivationKind.Softmax)]
[Dense(1, 8, ActivationKind.Softmax)]
[Dense(2, 4, ActivationKind.Softmax)]
[Dense(3, 3, ActivationKind.Sigmoid)]
public static partial class HiddenSoftmaxDouble;

/// <summary>The 260-12-8-4-3 hidden-softmax stack in single precision.</summary>
[Network(typeof(float), Inputs = 260, Loss = LossKind.BinaryCrossEntropy)]
[Dense(0, 12, ActivationKind.Softmax)]
[Dense(1, 8, ActivationKind.Softmax)]
[Dense(2, 4, ActivationKind.Softmax)]
[Dense(3, 3, ActivationKind.Sigmoid)]
public static partial class HiddenSoftmaxFloat;
