using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Nn.Kernels;

/// <summary>
/// The one place that decides which <see cref="KernelPath"/> runs: what the CPU supports (decided once from the
/// JIT's hardware intrinsics), the process's default, and the path of the scope the calling code runs in, which
/// every kernel reads.
/// </summary>
/// <example><code>
/// Console.WriteLine(KernelSelection.Best);     // Vector512 on a CPU with AVX-512, Vector128 on Apple Silicon
/// Console.WriteLine(KernelSelection.Default);  // Best, unless NN_KERNELS=portable (or another path) is set
/// </code></example>
public static class KernelSelection
{
    /// <summary>The environment variable that sets <see cref="Default"/>: auto, portable, vector128, vector256 or vector512.</summary>
    public const string EnvironmentVariable = "NN_KERNELS";

    private static readonly Lazy<KernelPath> DefaultPath = new(() => FromEnvironment(Environment.GetEnvironmentVariable(EnvironmentVariable)));

    /// <summary>
    /// The path that a kernel called on this thread runs now: the path of the scope it runs in (a training run's
    /// <see cref="TrainingOptions.Kernels"/>, or <see cref="Enter"/>'s), else <see cref="Default"/>. Never <see cref="KernelPath.Auto"/>.
    /// </summary>
    internal static KernelPath Current => KernelScope.Active is var active && active != KernelPath.Auto ? active : Default;

    /// <summary>The fastest supported path: <see cref="KernelPath.Vector512"/>, else <see cref="KernelPath.Vector256"/>, else <see cref="KernelPath.Vector128"/> (every ARM64 CPU), else <see cref="KernelPath.Portable"/>.</summary>
    public static KernelPath Best { get; } =
        IsSupported(KernelPath.Vector512) ? KernelPath.Vector512
        : IsSupported(KernelPath.Vector256) ? KernelPath.Vector256
        : IsSupported(KernelPath.Vector128) ? KernelPath.Vector128
        : KernelPath.Portable;

    /// <summary>
    /// The path of this process when nothing else is asked for: the one <see cref="EnvironmentVariable"/> names
    /// (read once), else <see cref="Best"/>.
    /// </summary>
    /// <exception cref="NotSupportedException">The environment variable names no path, or one this CPU cannot run.</exception>
    public static KernelPath Default => DefaultPath.Value;

    /// <summary>Whether this CPU (and the JIT) can run <paramref name="path"/>.</summary>
    /// <param name="path">The path.</param>
    /// <returns>True for <see cref="KernelPath.Auto"/> and <see cref="KernelPath.Portable"/>; for a vector path, whether its instructions (fused multiply–add included) are available.</returns>
    public static bool IsSupported(KernelPath path) => path switch
    {
        KernelPath.Vector512 => Vector512.IsHardwareAccelerated && Avx512F.IsSupported,
        KernelPath.Vector256 => Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported,

        // Without a fused multiply–add instruction Vector128.FusedMultiplyAdd is emulated lane by lane, slower than scalar code.
        KernelPath.Vector128 => Vector128.IsHardwareAccelerated && (AdvSimd.Arm64.IsSupported || Fma.IsSupported),
        KernelPath.Auto or KernelPath.Portable => true,
        _ => false,
    };

    /// <summary>
    /// The path a request runs on: <see cref="KernelPath.Auto"/> becomes the path in use on this thread (a training
    /// run's, else <see cref="Default"/>); a path this CPU cannot run is refused rather than quietly replaced.
    /// </summary>
    /// <param name="requested">The requested path.</param>
    /// <returns>The path that will run, never <see cref="KernelPath.Auto"/>.</returns>
    /// <exception cref="NotSupportedException"><paramref name="requested"/> needs instructions this CPU lacks.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="requested"/> is no <see cref="KernelPath"/> (a cast integer).</exception>
    public static KernelPath Resolve(KernelPath requested)
    {
        if (requested == KernelPath.Auto)
        {
            return Current;
        }

        if (!Enum.IsDefined(requested))
        {
            // Without this a cast integer would be reported as a path the CPU lacks, which no CPU has.
            throw new ArgumentOutOfRangeException(
                nameof(requested),
                string.Create(System.Globalization.CultureInfo.InvariantCulture, $"a kernel path must be one of {string.Join(", ", Enum.GetNames<KernelPath>())}, but is {(int)requested}."));
        }

        if (!IsSupported(requested))
        {
            throw new NotSupportedException(Unsupported(requested));
        }

        return requested;
    }

    /// <summary>
    /// Runs every kernel called inside the scope — training, evaluation, prediction, generated code's helpers — on
    /// <paramref name="path"/> until the returned scope is disposed (a training run's
    /// <see cref="TrainingOptions.Kernels"/> still decides inside the run). The scope flows as
    /// <see cref="System.Globalization.CultureInfo.CurrentCulture"/> does: across an <c>await</c>, to whichever thread
    /// the code goes on, and to the threads and tasks started inside it, while the thread an <c>await</c> leaves keeps
    /// its own path. Scopes nest; disposing one restores the path before it.
    /// </summary>
    /// <param name="path">The path; <see cref="KernelPath.Auto"/> keeps the one in use.</param>
    /// <returns>The scope. Disposing it a second time does nothing; disposing it while a scope entered after it is
    /// still open throws <see cref="InvalidOperationException"/> and changes nothing.</returns>
    /// <exception cref="NotSupportedException">The CPU cannot run <paramref name="path"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="path"/> is no <see cref="KernelPath"/>.</exception>
    /// <example><code>
    /// using (KernelSelection.Enter(KernelPath.Portable)) { var report = Evaluation.Evaluate(network, test); }
    /// </code></example>
    public static IDisposable Enter(KernelPath path) => KernelScope.Enter(path);

    /// <summary>The paths this CPU can run, narrowest first: Portable, then each supported vector width.</summary>
    /// <returns>The supported paths other than <see cref="KernelPath.Auto"/>.</returns>
    public static KernelPath[] Supported() =>
        Array.FindAll([KernelPath.Portable, KernelPath.Vector128, KernelPath.Vector256, KernelPath.Vector512], IsSupported);

    /// <summary>Reads a path's name as the command line and <see cref="EnvironmentVariable"/> spell it (auto, portable, vector128, vector256, vector512; any case).</summary>
    /// <param name="name">The name.</param>
    /// <param name="path">The path, when the name is one.</param>
    /// <returns>Whether <paramref name="name"/> names a path.</returns>
    public static bool TryParse(string? name, out KernelPath path)
    {
        path = name?.Trim().ToLowerInvariant() switch
        {
            "auto" => KernelPath.Auto,
            "portable" => KernelPath.Portable,
            "vector128" => KernelPath.Vector128,
            "vector256" => KernelPath.Vector256,
            "vector512" => KernelPath.Vector512,
            _ => (KernelPath)(-1),
        };
        return path != (KernelPath)(-1);
    }

    /// <summary>Why <paramref name="path"/> cannot run here, naming the paths that can.</summary>
    internal static string Unsupported(KernelPath path) =>
        $"the {path} kernel path needs instructions this CPU does not have; it can run {string.Join(", ", Supported())} (best: {Best}).";

    private static KernelPath FromEnvironment(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Best;
        }

        if (!TryParse(value, out var path))
        {
            throw new NotSupportedException($"{EnvironmentVariable}={value} names no kernel path; use auto, portable, vector128, vector256 or vector512.");
        }

        if (!IsSupported(path))
        {
            throw new NotSupportedException($"{EnvironmentVariable}={value}: {Unsupported(path)}");
        }

        return path == KernelPath.Auto ? Best : path;
    }
}
