namespace Nn.Generators.Tests;

/// <summary>Declarations the tests feed to the generator.</summary>
internal static class Declarations
{
    /// <summary>A small stack that covers both code shapes (its first layer, 4 × 20 = 80 weights, takes the SIMD path).</summary>
    public const string SmallStack = """
        namespace Consumer;

        /// <summary>A small declared stack.</summary>
        [Nn.Network(typeof(double), Inputs = 20, Loss = Nn.LossKind.SoftmaxCrossEntropy)]
        [Nn.Dense(0, 4, Nn.ActivationKind.Relu)]
        [Nn.Dense(1, 3, Nn.ActivationKind.Softmax)]
        public static partial class SmallStack;
        """;

    /// <summary>A network with an L2 term, in single precision, nested in another partial type.</summary>
    public const string NestedWithL2 = """
        namespace Consumer.Nested;

        /// <summary>The outer type.</summary>
        public partial class Outer
        {
            /// <summary>A declared stack with L2.</summary>
            [Nn.Network(typeof(float), Inputs = 2, Loss = Nn.LossKind.BinaryCrossEntropy, L2 = 0.5)]
            [Nn.Dense(1, 3, Nn.ActivationKind.Tanh)]
            [Nn.Dense(2, 2, Nn.ActivationKind.Sigmoid, HasBias = false)]
            public partial struct Inner;
        }
        """;

    /// <summary>A tiny stack in the global namespace on a record.</summary>
    public const string GlobalRecord = """
        /// <summary>A declared stack on a record.</summary>
        [Nn.Network(typeof(double), Inputs = 1, Loss = Nn.LossKind.Quadratic)]
        [Nn.Dense(0, 1, Nn.ActivationKind.Identity)]
        public partial record GlobalRecord;
        """;

    /// <summary>One layer of long rows: z^1 comes from the block kernel and is also the output layer's z.</summary>
    public const string SingleLongLayer = """
        namespace Consumer;

        /// <summary>A single sigmoid layer over 300 inputs.</summary>
        [Nn.Network(typeof(float), Inputs = 300, Loss = Nn.LossKind.BinaryCrossEntropy)]
        [Nn.Dense(0, 5, Nn.ActivationKind.Sigmoid)]
        public static partial class SingleLongLayer;
        """;

    /// <summary>A generic declaring type: the generated part repeats its type parameters.</summary>
    public const string GenericType = """
        namespace Consumer;

        /// <summary>A declared stack on a generic type.</summary>
        /// <typeparam name="TTag">A tag.</typeparam>
        [Nn.Network(typeof(double), Inputs = 2)]
        [Nn.Dense(0, 1, Nn.ActivationKind.Sigmoid)]
        public static partial class Tagged<TTag>;
        """;

    /// <summary>Softmax on hidden layers of every code shape: long rows, short SIMD rows, and unrolled locals.</summary>
    public const string HiddenSoftmax = """
        namespace Consumer;

        /// <summary>Three hidden softmax layers under a tanh output.</summary>
        [Nn.Network(typeof(float), Inputs = 300, Loss = Nn.LossKind.Quadratic)]
        [Nn.Dense(0, 6, Nn.ActivationKind.Softmax)]
        [Nn.Dense(1, 12, Nn.ActivationKind.Softmax)]
        [Nn.Dense(2, 3, Nn.ActivationKind.Softmax)]
        [Nn.Dense(3, 2, Nn.ActivationKind.Tanh)]
        public static partial class HiddenSoftmax;
        """;

    /// <summary>A convolution small enough for the direct loops (3×3 taps unrolled), pooling, a dense output, L2.</summary>
    public const string SmallConvolution = """
        namespace Consumer;

        /// <summary>A 1×6×6 image, 2 filters of 3×3, 2×2 pooling, 2 sigmoid outputs.</summary>
        [Nn.Network(typeof(double), InputShape = new[] { 1, 6, 6 }, Loss = Nn.LossKind.BinaryCrossEntropy, L2 = 0.5)]
        [Nn.Conv2D(0, 2, 3, Nn.ActivationKind.Tanh)]
        [Nn.MaxPool2D(1, 2)]
        [Nn.Dense(2, 2, Nn.ActivationKind.Sigmoid)]
        public static partial class SmallConvolution;
        """;

    /// <summary>Two padded, strided convolutions large enough for the GEMM path, one with a 6×7 kernel (past the unroll limit), overlapping pooling.</summary>
    public const string LargeConvolution = """
        namespace Consumer;

        /// <summary>A 3×16×16 image through two padded convolutions and overlapping pooling to a softmax of 4.</summary>
        [Nn.Network(typeof(float), InputShape = new[] { 3, 16, 16 }, Loss = Nn.LossKind.SoftmaxCrossEntropy)]
        [Nn.Conv2D(0, 8, 6, 7, Nn.ActivationKind.Relu, Padding = 2, Stride = 2, HasBias = false)]
        [Nn.MaxPool2D(1, 3, Stride = 1)]
        [Nn.Conv2D(2, 4, 3, Nn.ActivationKind.Identity, Padding = 1)]
        [Nn.Dense(3, 4, Nn.ActivationKind.Softmax)]
        public static partial class LargeConvolution;
        """;
}
