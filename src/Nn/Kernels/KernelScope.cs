using System;
using System.Threading;

namespace Nn.Kernels;

/// <summary>
/// The kernel path entered by a training run (its <see cref="TrainingOptions.Kernels"/>) or by
/// <see cref="KernelSelection.Enter"/>. The scopes form a chain that flows with the execution context, so a scope
/// entered before an <c>await</c> still holds after it on whichever thread the code goes on, and the thread it left
/// returns to the path it had; <see cref="WorkerPool"/> hands the path to its workers with every region, so a kernel
/// deep inside a layer or an optimiser rule follows the run's path without every signature in between carrying it.
/// </summary>
/// <example><code>
/// using (KernelScope.Enter(KernelPath.Portable)) { /* every kernel in this flow runs scalar code */ }
/// </code></example>
internal sealed class KernelScope : IDisposable
{
    // Every change of the flowing chain, and every arrival of a context on a thread, copies its path to the thread.
    private static readonly AsyncLocal<Frame?> Flowing = new(change => active = change.CurrentValue?.Path ?? KernelPath.Auto);

    // What kernels read: a thread-static field costs a kernel call far less than reading the async-local would.
    [ThreadStatic]
    private static KernelPath active;

    private readonly Frame frame;
    private bool disposed;

    private KernelScope(Frame frame) => this.frame = frame;

    /// <summary>The path entered in this flow (or adopted by this worker), or <see cref="KernelPath.Auto"/> outside any scope.</summary>
    public static KernelPath Active => active;

    /// <summary>Runs this flow's kernels on <paramref name="requested"/> until the scope is disposed (Auto keeps the path in use).</summary>
    /// <param name="requested">The path; one this CPU cannot run is refused.</param>
    /// <returns>The scope, which restores the previous path when disposed.</returns>
    /// <exception cref="NotSupportedException">The CPU cannot run <paramref name="requested"/>.</exception>
    public static KernelScope Enter(KernelPath requested)
    {
        var frame = new Frame(KernelSelection.Resolve(requested), Flowing.Value);
        Flowing.Value = frame;
        return new KernelScope(frame);
    }

    /// <summary>Sets a worker thread's path to its caller's for the region it is about to run.</summary>
    /// <param name="path">The caller's resolved path.</param>
    public static void Adopt(KernelPath path) => active = path;

    /// <summary>Restores the path from before the scope; a second call does nothing.</summary>
    /// <exception cref="InvalidOperationException">
    /// A scope entered after this one, in this flow, is still open: restoring this one's path would end that one too.
    /// </exception>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        if (!ReferenceEquals(Flowing.Value, frame))
        {
            throw new InvalidOperationException(
                $"a kernel path scope ({frame.Path}) was disposed while a scope entered after it is still open, or from another flow than the one that entered it; dispose scopes innermost first, as using blocks do.");
        }

        disposed = true;
        Flowing.Value = frame.Parent;
    }

    // A class, not a record: scopes are told apart by identity, and two of one path under one parent are two scopes.
    private sealed class Frame(KernelPath path, Frame? parent)
    {
        public KernelPath Path { get; } = path;

        public Frame? Parent { get; } = parent;
    }
}
