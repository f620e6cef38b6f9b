using System;
using BenchmarkDotNet.Attributes;
using Nn.Kernels;

namespace Nn.Benchmarks;

/// <summary>The three products of a dense layer at batch 128 for the first two layers of Network B (784-256-128-10).</summary>
public enum GemmShape
{
    /// <summary>Z = X Wᵀ, 128 × 784 → 256.</summary>
    Forward784x256,

    /// <summary>∂W = δᵀ X, 256 × 784 summed over 128 rows.</summary>
    WeightGradient784x256,

    /// <summary>∂X = δ W, 128 × 256 → 784.</summary>
    InputGradient784x256,

    /// <summary>Z = X Wᵀ, 128 × 256 → 128.</summary>
    Forward256x128,

    /// <summary>∂W = δᵀ X, 128 × 256 summed over 128 rows.</summary>
    WeightGradient256x128,

    /// <summary>∂X = δ W, 128 × 128 → 256.</summary>
    InputGradient256x128,
}

internal static class GemmShapes
{
    public const int Rows = 128;

    public static (int Inputs, int Outputs) Sizes(GemmShape shape) => shape switch
    {
        GemmShape.Forward784x256 or GemmShape.WeightGradient784x256 or GemmShape.InputGradient784x256 => (784, 256),
        _ => (256, 128),
    };

    /// <summary>2 · rows · inputs · outputs floating-point operations.</summary>
    public static double Flops(GemmShape shape)
    {
        var (inputs, outputs) = Sizes(shape);
        return 2.0 * Rows * inputs * outputs;
    }

    public static T[] Random<T>(int length, int seed)
        where T : System.Numerics.IFloatingPoint<T>
    {
        var random = new Random(seed);
        var values = new T[length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = T.CreateTruncating((random.NextDouble() * 2) - 1);
        }

        return values;
    }
}

/// <summary>The packed kernels (float and double) on 1 and 2 threads; each element of C computed by one thread.</summary>
[MemoryDiagnoser]
public class GemmBenchmarks : IDisposable
{
    private float[] xf = [], wf = [], df = [], outf = [];
    private double[] xd = [], wd = [], dd = [], outd = [];
    private WorkerPool? pool;
    private GemmTeam<float>? teamF;
    private GemmTeam<double>? teamD;

    [Params(GemmShape.Forward784x256, GemmShape.WeightGradient784x256, GemmShape.InputGradient784x256, GemmShape.Forward256x128, GemmShape.WeightGradient256x128, GemmShape.InputGradient256x128)]
    public GemmShape Shape { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var (inputs, outputs) = GemmShapes.Sizes(Shape);
        xf = GemmShapes.Random<float>(GemmShapes.Rows * inputs, 1);
        wf = GemmShapes.Random<float>(outputs * inputs, 2);
        df = GemmShapes.Random<float>(GemmShapes.Rows * outputs, 3);
        outf = new float[Math.Max(GemmShapes.Rows, outputs) * inputs];
        xd = GemmShapes.Random<double>(GemmShapes.Rows * inputs, 1);
        wd = GemmShapes.Random<double>(outputs * inputs, 2);
        dd = GemmShapes.Random<double>(GemmShapes.Rows * outputs, 3);
        outd = new double[Math.Max(GemmShapes.Rows, outputs) * inputs];
        pool = Threads > 1 ? new WorkerPool(Threads) : null;
        teamF = pool is null ? null : new GemmTeam<float>(pool);
        teamD = pool is null ? null : new GemmTeam<double>(pool);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        pool?.Dispose();
        pool = null;
        GC.SuppressFinalize(this);
    }

    [Benchmark]
    public void Float() => Run(xf, wf, df, outf, teamF);

    [Benchmark]
    public void Double() => Run(xd, wd, dd, outd, teamD);

    private void Run<T>(T[] x, T[] w, T[] delta, T[] output, GemmTeam<T>? team)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var (inputs, outputs) = GemmShapes.Sizes(Shape);
        var path = KernelSelection.Best;
        switch (Shape)
        {
            case GemmShape.Forward784x256 or GemmShape.Forward256x128:
                DenseKernels.MultiplyByTranspose<T>(x, GemmShapes.Rows, inputs, w, outputs, output, path, team);
                break;
            case GemmShape.WeightGradient784x256 or GemmShape.WeightGradient256x128:
                DenseKernels.TransposeProduct<T>(delta, GemmShapes.Rows, outputs, x, inputs, output, false, path, team);
                break;
            default:
                DenseKernels.Multiply<T>(delta, GemmShapes.Rows, outputs, w, inputs, output, path, team);
                break;
        }
    }
}

/// <summary>
/// The same products as plain triple loops in double (the reference for ratios), and the library's previous
/// kernels — a TensorPrimitives dot product or axpy per row — in float.
/// </summary>
[MemoryDiagnoser]
public class GemmReferenceBenchmarks
{
    private double[] x = [], w = [], delta = [], output = [];
    private float[] xf = [], wf = [], deltaf = [], outputf = [];

    [Params(GemmShape.Forward784x256, GemmShape.WeightGradient784x256, GemmShape.InputGradient784x256)]
    public GemmShape Shape { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var (inputs, outputs) = GemmShapes.Sizes(Shape);
        x = GemmShapes.Random<double>(GemmShapes.Rows * inputs, 1);
        w = GemmShapes.Random<double>(outputs * inputs, 2);
        delta = GemmShapes.Random<double>(GemmShapes.Rows * outputs, 3);
        output = new double[Math.Max(GemmShapes.Rows, outputs) * inputs];
        xf = GemmShapes.Random<float>(GemmShapes.Rows * inputs, 1);
        wf = GemmShapes.Random<float>(outputs * inputs, 2);
        deltaf = GemmShapes.Random<float>(GemmShapes.Rows * outputs, 3);
        outputf = new float[Math.Max(GemmShapes.Rows, outputs) * inputs];
    }

    [Benchmark]
    public void PlainLoopDouble()
    {
        var (inputs, outputs) = GemmShapes.Sizes(Shape);
        const int rows = GemmShapes.Rows;
        switch (Shape)
        {
            case GemmShape.Forward784x256:
                for (var i = 0; i < rows; i++)
                {
                    for (var j = 0; j < outputs; j++)
                    {
                        var sum = 0.0;
                        for (var k = 0; k < inputs; k++)
                        {
                            sum += x[(i * inputs) + k] * w[(j * inputs) + k];
                        }

                        output[(i * outputs) + j] = sum;
                    }
                }

                break;
            case GemmShape.WeightGradient784x256:
                for (var j = 0; j < outputs; j++)
                {
                    for (var k = 0; k < inputs; k++)
                    {
                        var sum = 0.0;
                        for (var i = 0; i < rows; i++)
                        {
                            sum += delta[(i * outputs) + j] * x[(i * inputs) + k];
                        }

                        output[(j * inputs) + k] = sum;
                    }
                }

                break;
            default:
                for (var i = 0; i < rows; i++)
                {
                    for (var k = 0; k < inputs; k++)
                    {
                        var sum = 0.0;
                        for (var j = 0; j < outputs; j++)
                        {
                            sum += delta[(i * outputs) + j] * w[(j * inputs) + k];
                        }

                        output[(i * inputs) + k] = sum;
                    }
                }

                break;
        }
    }

    [Benchmark]
    public void PreviousKernelsFloat()
    {
        var (inputs, outputs) = GemmShapes.Sizes(Shape);
        const int rows = GemmShapes.Rows;
        ReadOnlySpan<float> xs = xf, ws = wf, ds = deltaf;
        Span<float> o = outputf;
        switch (Shape)
        {
            case GemmShape.Forward784x256:
                for (var i = 0; i < rows; i++)
                {
                    for (var j = 0; j < outputs; j++)
                    {
                        o[(i * outputs) + j] = System.Numerics.Tensors.TensorPrimitives.Dot(xs.Slice(i * inputs, inputs), ws.Slice(j * inputs, inputs));
                    }
                }

                break;
            case GemmShape.WeightGradient784x256:
                o.Clear();
                for (var i = 0; i < rows; i++)
                {
                    for (var j = 0; j < outputs; j++)
                    {
                        var row = o.Slice(j * inputs, inputs);
                        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(xs.Slice(i * inputs, inputs), ds[(i * outputs) + j], row, row);
                    }
                }

                break;
            default:
                o.Clear();
                for (var i = 0; i < rows; i++)
                {
                    var row = o.Slice(i * inputs, inputs);
                    for (var j = 0; j < outputs; j++)
                    {
                        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(ws.Slice(j * inputs, inputs), ds[(i * outputs) + j], row, row);
                    }
                }

                break;
        }
    }
}
