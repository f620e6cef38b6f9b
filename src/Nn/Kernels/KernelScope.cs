using System;

namespace Nn.Kernels;

/// <summary>
/// The path of the training run in progress on this thread. A run enters it for its whole length, and
/// <see cref="WorkerPool"/> hands it to the workers with every region, so a kernel deep inside a layer or an optimiser
/// rule follows the run's <see cref="TrainingOptions.Kernels"/> without every signature in between carrying it.
/// </summary>
/// <example><code>
/// using (KernelScope.Enter(KernelPath.Portable)) { /* every kernel on this thread runs scalar code */ }
/// </code></example>
internal readonly struct KernelScope : IDisposable
{
    [ThreadStatic]
    private static KernelPath active;

    private readonly KernelPath previous;

    private KernelScope(KernelPath previous) => this.previous = previous;

    /// <summary>The path entered on this thread, or <see cref="KernelPath.Auto"/> outside any run.</summary>
    public static KernelPath Active => active;

    /// <summary>Runs this thread's kernels on <paramref name="requested"/> until the scope is disposed (Auto keeps the path in use).</summary>
    /// <param name="requested">The path; one this CPU cannot run is refused.</param>
    /// <returns>The scope, which restores the previous path when disposed.</returns>
    /// <exception cref="NotSupportedException">The CPU cannot run <paramref name="requested"/>.</exception>
    public static KernelScope Enter(KernelPath requested)
    {
        var path = KernelSelection.Resolve(requested);
        var scope = new KernelScope(active);
        active = path;
        return scope;
    }

    /// <summary>Sets a worker thread's path to its caller's for the region it is about to run.</summary>
    /// <param name="path">The caller's resolved path.</param>
    public static void Adopt(KernelPath path) => active = path;

    public void Dispose() => active = previous;
}
