using System;
using System.Globalization;

namespace Nn.Cli;

/// <summary>
/// Refuses, before allocating anything, a network that could not fit in the memory the runtime may use (the
/// machine's, a container's or <c>DOTNET_GCHeapHardLimit</c>), so that asking for one reports the option instead of
/// failing deep inside training with an out-of-memory error. Sizes within the library's <see cref="Limits"/> can still
/// be far too large for the machine: a 64-40000-40000-10 network has 1.6 billion parameters. Data is measured against
/// what is left (<see cref="AvailableForData"/>); CSV text, whose size is known only as it is read, is refused as it is
/// read (<see cref="BudgetedStream"/>).
/// </summary>
internal static class MemoryBudget
{
    /// <summary>
    /// Bytes a command needs per parameter, at most: θ and its working copy, the gradient, the optimiser's two
    /// moments and their next values in float32 (training), or θ, the gradient and its numeric estimate in float64
    /// (gradient checking); both come to about 32 bytes.
    /// </summary>
    public const long BytesPerParameter = 32;

    /// <summary>
    /// The factor by which data's estimated memory is raised before it is compared with what is available: the
    /// estimates come within a few percent of the smallest heap the data was read in (<see cref="TextCost"/>), and a
    /// heap is not filled to its last byte nor the data only held: the command goes on to train or evaluate on it.
    /// </summary>
    public const double DataOverhead = 1.25;

    /// <summary>Throws a usage error naming <paramref name="option"/> when the network needs more memory than is available.</summary>
    public static void EnsureFits(Architecture architecture, string option)
    {
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        var needed = architecture.ParameterCount * BytesPerParameter;
        if (available > 0 && needed > available)
        {
            throw new UsageException(string.Create(
                CultureInfo.InvariantCulture,
                $"{option} {Sizes(architecture)}: a network of {architecture.ParameterCount} parameters needs about {Gibibytes(needed)}, but only {Gibibytes(available)} of memory is available; ask for smaller layers."));
        }
    }

    /// <summary>
    /// The bytes of memory a data file may take now: what the runtime may use, less what the program holds already
    /// (the training data, when the test data is read); <see cref="long.MaxValue"/> when the runtime cannot say.
    /// </summary>
    public static long AvailableForData()
    {
        var total = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

        // Collected first, so that garbage of an earlier read is not counted as held.
        return total > 0 ? Math.Max(0, total - GC.GetTotalMemory(forceFullCollection: true)) : long.MaxValue;
    }

    /// <summary>The message for an allocation that failed anyway: what to ask for instead.</summary>
    public static string OutOfMemory() =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"out of memory ({Gibibytes(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes)} available): the network, the batch or the data is too large for this machine; ask for smaller --layers, a smaller --batch or less data.");

    /// <summary>The layer sizes as --layers spells them, e.g. 64-32-10.</summary>
    public static string Sizes(Architecture architecture) =>
        architecture.InputSize + string.Concat(System.Linq.Enumerable.Select(architecture.Layers, layer => $"-{layer.Outputs}"));

    /// <summary>A size in bytes as a person reads it: in MiB below a gibibyte, where "0.1 GiB" would say little, in GiB above.</summary>
    public static string Size(long bytes) =>
        bytes < 1L << 30 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):F1} MiB") : Gibibytes(bytes);

    private static string Gibibytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):F1} GiB");
}
