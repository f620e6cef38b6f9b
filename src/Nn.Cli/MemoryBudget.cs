using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace Nn.Cli;

/// <summary>
/// Refuses, before allocating anything, what could not fit in the memory the runtime may use (the machine's, a
/// container's or <c>DOTNET_GCHeapHardLimit</c>): a network, or the images an IDX header announces, so that asking for
/// one reports the option or the file instead of failing deep inside with an out-of-memory error. Sizes within the
/// library's <see cref="Limits"/> can still be far too large for the machine: a 64-40000-40000-10 network has 1.6
/// billion parameters. Data is measured against what is left (<see cref="AvailableForData"/>), which on a shared
/// machine the other programs decide as well; CSV text, whose size is known only as it is read, is refused as it is
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
    /// estimates come within a few percent of the smallest heap the data was read in (<see cref="TextCost"/>), 15% for
    /// IDX images (50 MB whose arrays take 241 MiB read in no heap smaller than 278 MiB), and a heap is not filled to
    /// its last byte nor the data only held: the command goes on to train or evaluate on it.
    /// </summary>
    public const double DataOverhead = 1.25;

    /// <summary>
    /// Throws a usage error naming <paramref name="option"/> and <paramref name="layers"/> when the network needs more
    /// memory than is available.
    /// </summary>
    /// <param name="architecture">The network asked for.</param>
    /// <param name="option">The option that asked for it, e.g. "--layers".</param>
    /// <param name="layers">The layers as that option spells them, e.g. 64-32-10 or 64-bn-1000000-10.</param>
    public static void EnsureFits(Architecture architecture, string option, string layers)
    {
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        var needed = architecture.ParameterCount * BytesPerParameter;
        if (available > 0 && needed > available)
        {
            throw new UsageException(string.Create(
                CultureInfo.InvariantCulture,
                $"{option} {layers}: a network of {architecture.ParameterCount} parameters needs about {Gibibytes(needed)}, but only {Gibibytes(available)} of memory is available; ask for smaller layers."));
        }
    }

    /// <summary>
    /// The bytes of memory a data file may take now (<see cref="Left"/> of what the runtime and the system say); the
    /// heap is collected first, so that garbage of an earlier read is not counted as held.
    /// </summary>
    public static long AvailableForData() =>
        Left(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, GC.GetTotalMemory(forceFullCollection: true), SystemAvailable());

    /// <summary>
    /// What data may take: what the runtime may use less what the program holds already (the training data, when the
    /// test data is read), and no more than the operating system can still give; <see cref="long.MaxValue"/> when
    /// neither says.
    /// </summary>
    /// <param name="runtimeTotal">The runtime's limit (<see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>), 0 or less when unknown.</param>
    /// <param name="held">The bytes the program's heap holds.</param>
    /// <param name="systemFree">What the operating system can still give (<see cref="MemAvailable"/>), null when unknown.</param>
    public static long Left(long runtimeTotal, long held, long? systemFree)
    {
        var left = runtimeTotal > 0 ? Math.Max(0, runtimeTotal - held) : long.MaxValue;

        // Without a container's limit or DOTNET_GCHeapHardLimit the runtime's figure is the machine's whole memory,
        // which other programs may be holding most of; data read past what is free ends with a kill, not a message.
        return Math.Min(left, systemFree ?? long.MaxValue);
    }

    /// <summary>
    /// The memory Linux can still give without swapping, from the MemAvailable line of <c>/proc/meminfo</c>
    /// (<paramref name="meminfo"/>'s lines), in bytes; null when there is no such line.
    /// </summary>
    public static long? MemAvailable(IEnumerable<string> meminfo)
    {
        foreach (var line in meminfo)
        {
            // "MemAvailable:   23498800 kB": the kernel writes kibibytes.
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields is ["MemAvailable:", var number, "kB"] && long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var kibibytes) && kibibytes <= long.MaxValue / 1024)
            {
                return kibibytes * 1024;
            }
        }

        return null;
    }

    /// <summary>The memory the operating system can still give, where it says (Linux); null elsewhere.</summary>
    private static long? SystemAvailable()
    {
        try
        {
            return MemAvailable(File.ReadLines("/proc/meminfo"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// A check for <see cref="IdxData.Read{T}"/> that refuses, with a file error naming <paramref name="option"/> and
    /// the file, a header announcing images that would need more than <paramref name="available"/> bytes: the bytes
    /// as read and their values (1 + <paramref name="valueSize"/> bytes a pixel while one is made from the other), and
    /// for labelled images each one's label (the byte, the int and its copy in the data set, 10 bytes with room to
    /// grow) and one-hot target row of <paramref name="classes"/> values.
    /// </summary>
    /// <param name="valueSize">Bytes a value: 4 for float32, 8 for float64.</param>
    /// <param name="classes">The --classes value, or 0 for images without labels.</param>
    /// <param name="available">The bytes of memory the images may take (<see cref="AvailableForData"/>).</param>
    /// <param name="option">The option that named the file.</param>
    /// <param name="name">The file, or "standard input".</param>
    public static Action<IdxShape> ImagesCheck(int valueSize, int classes, long available, string option, string name) => shape =>
    {
        var perImage = classes == 0 ? 0 : 10 + ((double)classes * valueSize);
        var need = DataOverhead * ((shape.Elements * (1.0 + valueSize)) + (shape.Count * perImage));
        if (need > available)
        {
            var labels = classes == 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" and {perImage} an image, its label and {classes} one-hot targets");
            throw new BadInputException(string.Create(
                CultureInfo.InvariantCulture,
                $"{option} {name}: its IDX header announces {shape.Count} images of {shape.SampleSize} values, which would need about {Size((long)need)} of memory ({1 + valueSize} bytes a value{labels}, and a quarter more for the runtime), more than the {Size(available)} available; give fewer images, or run nn where more memory is available."));
        }
    };

    /// <summary>The message for an allocation that failed anyway: what to ask for instead.</summary>
    public static string OutOfMemory() =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"out of memory ({Gibibytes(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes)} available): the network, the batch or the data is too large for this machine; ask for smaller --layers, a smaller --batch or less data.");

    /// <summary>A size in bytes as a person reads it: in MiB below a gibibyte, where "0.1 GiB" would say little, in GiB above.</summary>
    public static string Size(long bytes) =>
        bytes < 1L << 30 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):F1} MiB") : Gibibytes(bytes);

    private static string Gibibytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):F1} GiB");
}
