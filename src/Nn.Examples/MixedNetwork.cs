namespace Nn.Examples;

/// <summary>
/// A 12-6-4-3 stack whose first layer (72 weights) takes the SIMD path and whose others are unrolled, with
/// tanh and identity hidden layers and a softmax output under the quadratic cost, in double precision: it covers
/// the hand-over between the two code shapes and the chain rule through softmax's Jacobian.
/// </summary>
[Network(typeof(double), Inputs = 12, Loss = LossKind.Quadratic)]
[Dense(0, 6, ActivationKind.Tanh)]
[Dense(1, 4, ActivationKind.Identity, HasBias = false)]
[Dense(2, 3, ActivationKind.Softmax)]
public static partial class MixedDouble;

/// <summary>The mixed 12-6-4-3 stack in single precision.</summary>
[Network(typeof(float), Inputs = 12, Loss = LossKind.Quadratic)]
[Dense(0, 6, ActivationKind.Tanh)]
[Dense(1, 4, ActivationKind.Identity, HasBias = false)]
[Dense(2, 3, ActivationKind.Softmax)]
public static partial class MixedFloat;
