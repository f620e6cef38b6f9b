using System;
using System.Diagnostics;
using System.Globalization;
using Nn.Kernels;

namespace Nn.Benchmarks;

/// <summary>
/// The pieces of a Network A deferred block (784-100-10, 32 samples) as each thread runs them, each alone on the
/// calling thread (minimum of 3,000 runs, which a busy machine disturbs least): what one thread's share of a region
/// costs against the whole, and what packing an operand once instead of on every thread saves. A guide for
/// <c>DeferredSgdRegions</c>, not a figure for the thread-scaling table.
/// Run: <c>dotnet run -c Release --project bench/Nn.Benchmarks -- a-shapes</c>.
/// </summary>
internal static class NetworkAShapes
{
    private const int Block = 32;
    private const int Inputs = 784;
    private const int Hidden = 100;
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static void Run()
    {
        var path = KernelSelection.Default;
        var random = new Random(1);
        float[] Values(int length) => UniformValues.Draw(random, length);

        float[] x = Values(Block * Inputs), w1 = Values(Hidden * Inputs), u = Values(Block * Hidden);
        var products = new float[Block * Hidden];
        var gram = new float[Block * Block];
        var sum = new float[Hidden * Inputs];
        var packedXTransposed = new float[Gemm.PackedBLength<float>(path, Inputs, Block)];
        var packedX = new float[Gemm.PackedBLength<float>(path, Block, Inputs)];
        var mr = Gemm.TileShape<float>(path).MR;
        Console.WriteLine(string.Format(C, "Kernel path {0}; microseconds, minimum of 3,000 runs on the calling thread.", path));
        Console.WriteLine();
        Console.WriteLine("| piece of a block | µs |");
        Console.WriteLine("|---|---:|");
        Row("X W¹ᵀ, whole (32 × 100, k = 784)", () => Gemm.Multiply<float>(path, Block, Inputs, x, Inputs, 1, w1, 1, Inputs, products, Hidden, false, 0, Hidden));
        Row("X W¹ᵀ, one thread's half of the columns (each half packs all of X)", () => Gemm.Multiply<float>(path, Block, Inputs, x, Inputs, 1, w1, 1, Inputs, products, Hidden, false, 0, 52));
        Row("X Xᵀ, whole", () => Gemm.Multiply<float>(path, Block, Inputs, x, Inputs, 1, x, 1, Inputs, gram, Block, false, 0, Block));
        Row("X Xᵀ, the first sliver over its own columns (the triangle the loop reads)", () => Gemm.Multiply<float>(path, mr, Inputs, x, Inputs, 1, x, 1, Inputs, gram, Block, false, 0, mr));
        Row("X Xᵀ, the later slivers' lower triangle, each packing Xᵀ", () =>
        {
            for (var first = mr; first < Block; first += mr)
            {
                var last = Math.Min(Block, first + mr);
                Gemm.Multiply<float>(path, last - first, Inputs, x.AsSpan(first * Inputs), Inputs, 1, x, 1, Inputs, gram.AsSpan(first * Block), Block, false, 0, last);
            }
        });
        Row("X Xᵀ, the same with Xᵀ packed once", () =>
        {
            Gemm.PackWholeB<float>(path, Inputs, Block, x, 1, Inputs, packedXTransposed);
            for (var first = mr; first < Block; first += mr)
            {
                var last = Math.Min(Block, first + mr);
                Gemm.MultiplyPackedB<float>(path, last - first, Inputs, x.AsSpan(first * Inputs), Inputs, 1, packedXTransposed, Block, gram.AsSpan(first * Block), Block, false, 0, last);
            }
        });
        Row("X packed for Uᵀ X", () => Gemm.PackWholeB<float>(path, Block, Inputs, x, Inputs, 1, packedX));
        Row("Uᵀ X, whole (100 × 784, k = 32)", () => Gemm.Multiply<float>(path, Hidden, Block, u, 1, Hidden, x, Inputs, 1, sum, Inputs, false, 0, Inputs));
        Row("Uᵀ X, one thread's 52 rows, packing X", () => Gemm.Multiply<float>(path, 52, Block, u, 1, Hidden, x, Inputs, 1, sum, Inputs, false, 0, Inputs));
        Row("Uᵀ X, one thread's 52 rows, X packed already", () => Gemm.MultiplyPackedB<float>(path, 52, Block, u, 1, Hidden, packedX, Inputs, sum, Inputs, false, 0, Inputs));
    }

    private static void Row(string name, Action piece)
    {
        var best = double.MaxValue;
        for (var i = 0; i < 3000; i++)
        {
            var start = Stopwatch.GetTimestamp();
            piece();
            best = Math.Min(best, (Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency);
        }

        Console.WriteLine(string.Format(C, "| {0} | {1:F1} |", name, best));
    }
}
