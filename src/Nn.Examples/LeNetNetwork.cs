namespace Nn.Examples;

/// <summary>
/// LeNet-5 in single precision for 28×28 images such as Fashion-MNIST: 6 ReLU filters of 5×5 (6×24×24), 2×2
/// max-pooling (6×12×12), 16 ReLU filters of 5×5 (16×8×8), 2×2 max-pooling (16×4×4), then dense layers of 120 and
/// 84 ReLU units and a softmax output of 10, with cross-entropy: the runtime's <c>1x28x28-conv6k5-maxpool2-conv16k5-maxpool2-120-84-10</c>.
/// </summary>
[Network(typeof(float), InputShape = new[] { 1, 28, 28 }, Loss = LossKind.SoftmaxCrossEntropy)]
[Conv2D(0, 6, 5, ActivationKind.Relu)]
[MaxPool2D(1, 2)]
[Conv2D(2, 16, 5, ActivationKind.Relu)]
[MaxPool2D(3, 2)]
[Dense(4, 120, ActivationKind.Relu)]
[Dense(5, 84, ActivationKind.Relu)]
[Dense(6, 10, ActivationKind.Softmax)]
public static partial class LeNetFloat;
