using System;
using System.Diagnostics;
using System.Globalization;
using Nn.Kernels;

namespace Nn.Benchmarks;

/// <summary>
/// One thread's share of Network B's batch-128 products under a split by rows and by columns over two threads,
/// each run alone on the calling thread (minimum of 3,000 runs, which a busy machine disturbs least): what decides
/// which way <c>DenseStepRegions</c> splits a product. A row split's thread packs all of B and its rows of A, a
/// column split's thread all of A and its columns of B.
/// Run: <c>dotnet run -c Release --project bench/Nn.Benchmarks -- split-shapes</c>.
/// </summary>
internal static class SplitShapes
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static void Run()
    {
        var path = KernelSelection.Default;
        var random = new Random(1);
        float[] Values(int length) => UniformValues.Draw(random, length);

        float[] x = Values(128 * 784), w1 = Values(256 * 784), a1 = Values(128 * 256), w2 = Values(128 * 256), delta1 = Values(128 * 256);
        var z1 = new float[128 * 256];
        var c2 = new float[128 * 256];
        var dw1 = new float[256 * 784];
        Console.WriteLine(string.Format(C, "Kernel path {0}; microseconds, minimum of 3,000 runs.", path));
        Console.WriteLine();
        Console.WriteLine("| product (batch 128) | whole | half by rows | half by columns |");
        Console.WriteLine("|---|---:|---:|---:|");
        Row(
            "layer 1 Z = X Wᵀ (128 × 256, k = 784)",
            () => Gemm.Multiply<float>(path, 128, 784, x, 784, 1, w1, 1, 784, z1, 256, false, 0, 256),
            () => Gemm.Multiply<float>(path, 64, 784, x, 784, 1, w1, 1, 784, z1, 256, false, 0, 256),
            () => Gemm.Multiply<float>(path, 128, 784, x, 784, 1, w1, 1, 784, z1, 256, false, 0, 128));
        Row(
            "layer 2 Z = X Wᵀ (128 × 128, k = 256)",
            () => Gemm.Multiply<float>(path, 128, 256, a1, 256, 1, w2, 1, 256, c2, 128, false, 0, 128),
            () => Gemm.Multiply<float>(path, 64, 256, a1, 256, 1, w2, 1, 256, c2, 128, false, 0, 128),
            () => Gemm.Multiply<float>(path, 128, 256, a1, 256, 1, w2, 1, 256, c2, 128, false, 0, 64));
        Row(
            "layer 2 ∂X = δ W (128 × 256, k = 128)",
            () => Gemm.Multiply<float>(path, 128, 128, a1, 128, 1, w2, 256, 1, c2, 256, false, 0, 256),
            () => Gemm.Multiply<float>(path, 64, 128, a1, 128, 1, w2, 256, 1, c2, 256, false, 0, 256),
            () => Gemm.Multiply<float>(path, 128, 128, a1, 128, 1, w2, 256, 1, c2, 256, false, 0, 128));
        Row(
            "layer 1 ∂W = δᵀ X (256 × 784, k = 128)",
            () => Gemm.Multiply<float>(path, 256, 128, delta1, 1, 256, x, 784, 1, dw1, 784, false, 0, 784),
            () => Gemm.Multiply<float>(path, 128, 128, delta1, 1, 256, x, 784, 1, dw1, 784, false, 0, 784),
            () => Gemm.Multiply<float>(path, 256, 128, delta1, 1, 256, x, 784, 1, dw1, 784, false, 0, 392));
    }

    private static void Row(string name, Action whole, Action rows, Action columns) =>
        Console.WriteLine(string.Format(C, "| {0} | {1:F1} | {2:F1} | {3:F1} |", name, Minimum(whole), Minimum(rows), Minimum(columns)));

    private static double Minimum(Action product)
    {
        var best = double.MaxValue;
        for (var i = 0; i < 3000; i++)
        {
            var start = Stopwatch.GetTimestamp();
            product();
            best = Math.Min(best, (Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency);
        }

        return best;
    }
}
