namespace Nn.Kernels;

/// <summary>
/// Which code every kernel runs — the matrix products, the element-wise loops (activations, optimiser updates,
/// finiteness checks), the packing and transposes, and the runtime helpers of generated code — chosen in one place
/// (<see cref="KernelSelection"/>).
/// </summary>
/// <example><code>
/// var options = new TrainingOptions(Epochs: 5) { Kernels = KernelPath.Portable };   // scalar code end to end
/// </code></example>
public enum KernelPath
{
    /// <summary>The process's default path: <see cref="KernelSelection.Default"/> (the fastest this CPU supports unless the <c>NN_KERNELS</c> environment variable names another).</summary>
    Auto = 0,

    /// <summary>Scalar code that runs on every CPU, with no vector instructions; the reference the vector paths are tested against.</summary>
    Portable = 1,

    /// <summary>256-bit vectors with fused multiply–add (x86 AVX2 + FMA).</summary>
    Vector256 = 2,

    /// <summary>512-bit vectors with fused multiply–add (x86 AVX-512F).</summary>
    Vector512 = 3,

    /// <summary>128-bit vectors with fused multiply–add: ARM64 NEON (Apple Silicon, Graviton), or x86 SSE with FMA.</summary>
    Vector128 = 4,
}
