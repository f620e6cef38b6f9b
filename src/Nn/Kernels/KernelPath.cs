using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nn.Kernels;

/// <summary>Which micro-kernels the matrix products of <see cref="DenseKernels"/> use.</summary>
/// <example><code>
/// DenseKernels.MultiplyByTransposeInto(x, rows, inputs, w, outputs, z, KernelPath.Portable); // force the scalar path
/// </code></example>
public enum KernelPath
{
    /// <summary>The fastest path this CPU supports (<see cref="KernelSelection.Best"/>).</summary>
    Auto = 0,

    /// <summary>Scalar code that runs on every CPU; the reference the vector paths are tested against.</summary>
    Portable = 1,

    /// <summary>256-bit vectors with fused multiply–add (x86 AVX2 + FMA).</summary>
    Vector256 = 2,

    /// <summary>512-bit vectors with fused multiply–add (x86 AVX-512F).</summary>
    Vector512 = 3,
}

/// <summary>What the CPU supports, decided once at run time from the JIT's hardware intrinsics.</summary>
/// <example><code>
/// Console.WriteLine(KernelSelection.Best); // Vector512 on a CPU with AVX-512
/// </code></example>
public static class KernelSelection
{
    /// <summary>The fastest supported path: <see cref="KernelPath.Vector512"/>, else <see cref="KernelPath.Vector256"/>, else <see cref="KernelPath.Portable"/>.</summary>
    public static KernelPath Best { get; } =
        IsSupported(KernelPath.Vector512) ? KernelPath.Vector512 : IsSupported(KernelPath.Vector256) ? KernelPath.Vector256 : KernelPath.Portable;

    /// <summary>Whether this CPU (and the JIT) can run <paramref name="path"/>.</summary>
    /// <param name="path">The path.</param>
    /// <returns>True for <see cref="KernelPath.Auto"/> and <see cref="KernelPath.Portable"/>; for a vector path, whether its instructions are available.</returns>
    public static bool IsSupported(KernelPath path) => path switch
    {
        KernelPath.Vector512 => Vector512.IsHardwareAccelerated && Avx512F.IsSupported,
        KernelPath.Vector256 => Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported,
        _ => true,
    };

    /// <summary>
    /// The path a request runs on: <see cref="KernelPath.Auto"/> becomes <see cref="Best"/>, and a vector path the
    /// CPU lacks falls back to the next narrower supported one, so a forced path never fails.
    /// </summary>
    /// <param name="requested">The requested path.</param>
    /// <returns>The path that will run.</returns>
    public static KernelPath Resolve(KernelPath requested) => requested switch
    {
        KernelPath.Auto => Best,
        KernelPath.Vector512 when !IsSupported(KernelPath.Vector512) => Resolve(KernelPath.Vector256),
        KernelPath.Vector256 when !IsSupported(KernelPath.Vector256) => KernelPath.Portable,
        _ => requested,
    };
}
