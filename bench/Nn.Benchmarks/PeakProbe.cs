using System;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace Nn.Benchmarks;

/// <summary>
/// The machine's fused multiply–add peak on one core, per vector width (512, 256 and 128 bits, and scalar for the
/// Portable path): 12 independent FMA chains (more than latency × ports on
/// current x86 cores; each starts from a different value so the JIT cannot merge them), nothing else in the loop. GFLOP/s = Iterations · 12 · lanes · 2 / time.
/// </summary>
[MemoryDiagnoser]
public class PeakProbe
{
    /// <summary>About 0.3 ms per call, like the GEMM shapes, so both meet the same scheduling noise.</summary>
    public const int Iterations = 1 << 16;
    public const int Chains = 12;

    /// <summary>
    /// Chains of the 128-bit and scalar probes: ARM64 cores such as Apple's run four 128-bit FMA pipes with a
    /// 4-cycle latency, so they need 16 chains in flight; 12 would cap the probe at three quarters of their peak.
    /// </summary>
    public const int ChainsNarrow = 16;

    /// <summary>Where callers of <see cref="Fp32For"/> add the probes' results, so that no call is dead code.</summary>
    public float Sink;

    /// <summary>
    /// The fp32 probe of a kernel path's width and the flops one call of it performs (chains × lanes × 2 per
    /// iteration). A probe wider than the hardware runs emulated, with its chains spilled, so it must match the path.
    /// The caller must use each call's result (add it to <see cref="Sink"/>): with dynamic PGO the JIT may inline the
    /// delegate's target, and a probe whose result is dropped is then dead code.
    /// </summary>
    /// <param name="probe">The probe instance whose method is called.</param>
    /// <param name="path">The kernel path whose width is probed.</param>
    /// <returns>The call and its flops.</returns>
    public static (Func<float> Call, double Flops) Fp32For(PeakProbe probe, Kernels.KernelPath path)
    {
        var (call, lanes, chains) = path switch
        {
            Kernels.KernelPath.Vector512 => ((Func<float>)probe.Fp32Vector512, 16, Chains),
            Kernels.KernelPath.Vector256 => (probe.Fp32Vector256, 8, Chains),
            Kernels.KernelPath.Vector128 => (probe.Fp32Vector128, 4, ChainsNarrow),
            _ => (probe.Fp32Scalar, 1, ChainsNarrow),
        };
        return (call, Iterations * (double)chains * lanes * 2);
    }

    [Benchmark]
    public float Fp32Vector512()
    {
        var m = Vector512.Create(0.9999999f);
        var c = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512.Create(1.00f), a1 = Vector512.Create(1.01f), a2 = Vector512.Create(1.02f), a3 = Vector512.Create(1.03f), a4 = Vector512.Create(1.04f), a5 = Vector512.Create(1.05f), a6 = Vector512.Create(1.06f), a7 = Vector512.Create(1.07f), a8 = Vector512.Create(1.08f), a9 = Vector512.Create(1.09f), a10 = Vector512.Create(1.10f), a11 = Vector512.Create(1.11f);
        for (var i = 0; i < Iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, c);
            a1 = Vector512.FusedMultiplyAdd(a1, m, c);
            a2 = Vector512.FusedMultiplyAdd(a2, m, c);
            a3 = Vector512.FusedMultiplyAdd(a3, m, c);
            a4 = Vector512.FusedMultiplyAdd(a4, m, c);
            a5 = Vector512.FusedMultiplyAdd(a5, m, c);
            a6 = Vector512.FusedMultiplyAdd(a6, m, c);
            a7 = Vector512.FusedMultiplyAdd(a7, m, c);
            a8 = Vector512.FusedMultiplyAdd(a8, m, c);
            a9 = Vector512.FusedMultiplyAdd(a9, m, c);
            a10 = Vector512.FusedMultiplyAdd(a10, m, c);
            a11 = Vector512.FusedMultiplyAdd(a11, m, c);
        }

        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [Benchmark]
    public float Fp32Vector256()
    {
        var m = Vector256.Create(0.9999999f);
        var c = Vector256.Create(1e-7f);
        Vector256<float> a0 = Vector256.Create(1.00f), a1 = Vector256.Create(1.01f), a2 = Vector256.Create(1.02f), a3 = Vector256.Create(1.03f), a4 = Vector256.Create(1.04f), a5 = Vector256.Create(1.05f), a6 = Vector256.Create(1.06f), a7 = Vector256.Create(1.07f), a8 = Vector256.Create(1.08f), a9 = Vector256.Create(1.09f), a10 = Vector256.Create(1.10f), a11 = Vector256.Create(1.11f);
        for (var i = 0; i < Iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, c);
            a1 = Vector256.FusedMultiplyAdd(a1, m, c);
            a2 = Vector256.FusedMultiplyAdd(a2, m, c);
            a3 = Vector256.FusedMultiplyAdd(a3, m, c);
            a4 = Vector256.FusedMultiplyAdd(a4, m, c);
            a5 = Vector256.FusedMultiplyAdd(a5, m, c);
            a6 = Vector256.FusedMultiplyAdd(a6, m, c);
            a7 = Vector256.FusedMultiplyAdd(a7, m, c);
            a8 = Vector256.FusedMultiplyAdd(a8, m, c);
            a9 = Vector256.FusedMultiplyAdd(a9, m, c);
            a10 = Vector256.FusedMultiplyAdd(a10, m, c);
            a11 = Vector256.FusedMultiplyAdd(a11, m, c);
        }

        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [Benchmark]
    public double Fp64Vector512()
    {
        var m = Vector512.Create(0.9999999);
        var c = Vector512.Create(1e-7);
        Vector512<double> a0 = Vector512.Create(1.00), a1 = Vector512.Create(1.01), a2 = Vector512.Create(1.02), a3 = Vector512.Create(1.03), a4 = Vector512.Create(1.04), a5 = Vector512.Create(1.05), a6 = Vector512.Create(1.06), a7 = Vector512.Create(1.07), a8 = Vector512.Create(1.08), a9 = Vector512.Create(1.09), a10 = Vector512.Create(1.10), a11 = Vector512.Create(1.11);
        for (var i = 0; i < Iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, c);
            a1 = Vector512.FusedMultiplyAdd(a1, m, c);
            a2 = Vector512.FusedMultiplyAdd(a2, m, c);
            a3 = Vector512.FusedMultiplyAdd(a3, m, c);
            a4 = Vector512.FusedMultiplyAdd(a4, m, c);
            a5 = Vector512.FusedMultiplyAdd(a5, m, c);
            a6 = Vector512.FusedMultiplyAdd(a6, m, c);
            a7 = Vector512.FusedMultiplyAdd(a7, m, c);
            a8 = Vector512.FusedMultiplyAdd(a8, m, c);
            a9 = Vector512.FusedMultiplyAdd(a9, m, c);
            a10 = Vector512.FusedMultiplyAdd(a10, m, c);
            a11 = Vector512.FusedMultiplyAdd(a11, m, c);
        }

        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [Benchmark]
    public double Fp64Vector256()
    {
        var m = Vector256.Create(0.9999999);
        var c = Vector256.Create(1e-7);
        Vector256<double> a0 = Vector256.Create(1.00), a1 = Vector256.Create(1.01), a2 = Vector256.Create(1.02), a3 = Vector256.Create(1.03), a4 = Vector256.Create(1.04), a5 = Vector256.Create(1.05), a6 = Vector256.Create(1.06), a7 = Vector256.Create(1.07), a8 = Vector256.Create(1.08), a9 = Vector256.Create(1.09), a10 = Vector256.Create(1.10), a11 = Vector256.Create(1.11);
        for (var i = 0; i < Iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, c);
            a1 = Vector256.FusedMultiplyAdd(a1, m, c);
            a2 = Vector256.FusedMultiplyAdd(a2, m, c);
            a3 = Vector256.FusedMultiplyAdd(a3, m, c);
            a4 = Vector256.FusedMultiplyAdd(a4, m, c);
            a5 = Vector256.FusedMultiplyAdd(a5, m, c);
            a6 = Vector256.FusedMultiplyAdd(a6, m, c);
            a7 = Vector256.FusedMultiplyAdd(a7, m, c);
            a8 = Vector256.FusedMultiplyAdd(a8, m, c);
            a9 = Vector256.FusedMultiplyAdd(a9, m, c);
            a10 = Vector256.FusedMultiplyAdd(a10, m, c);
            a11 = Vector256.FusedMultiplyAdd(a11, m, c);
        }

        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [Benchmark]
    public float Fp32Vector128()
    {
        var m = Vector128.Create(0.9999999f);
        var c = Vector128.Create(1e-7f);
        Vector128<float> a0 = Vector128.Create(1.00f), a1 = Vector128.Create(1.01f), a2 = Vector128.Create(1.02f), a3 = Vector128.Create(1.03f), a4 = Vector128.Create(1.04f), a5 = Vector128.Create(1.05f), a6 = Vector128.Create(1.06f), a7 = Vector128.Create(1.07f), a8 = Vector128.Create(1.08f), a9 = Vector128.Create(1.09f), a10 = Vector128.Create(1.10f), a11 = Vector128.Create(1.11f), a12 = Vector128.Create(1.12f), a13 = Vector128.Create(1.13f), a14 = Vector128.Create(1.14f), a15 = Vector128.Create(1.15f);
        for (var i = 0; i < Iterations; i++)
        {
            a0 = Vector128.FusedMultiplyAdd(a0, m, c);
            a1 = Vector128.FusedMultiplyAdd(a1, m, c);
            a2 = Vector128.FusedMultiplyAdd(a2, m, c);
            a3 = Vector128.FusedMultiplyAdd(a3, m, c);
            a4 = Vector128.FusedMultiplyAdd(a4, m, c);
            a5 = Vector128.FusedMultiplyAdd(a5, m, c);
            a6 = Vector128.FusedMultiplyAdd(a6, m, c);
            a7 = Vector128.FusedMultiplyAdd(a7, m, c);
            a8 = Vector128.FusedMultiplyAdd(a8, m, c);
            a9 = Vector128.FusedMultiplyAdd(a9, m, c);
            a10 = Vector128.FusedMultiplyAdd(a10, m, c);
            a11 = Vector128.FusedMultiplyAdd(a11, m, c);
            a12 = Vector128.FusedMultiplyAdd(a12, m, c);
            a13 = Vector128.FusedMultiplyAdd(a13, m, c);
            a14 = Vector128.FusedMultiplyAdd(a14, m, c);
            a15 = Vector128.FusedMultiplyAdd(a15, m, c);
        }

        return Vector128.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15);
    }

    [Benchmark]
    public double Fp64Vector128()
    {
        var m = Vector128.Create(0.9999999);
        var c = Vector128.Create(1e-7);
        Vector128<double> a0 = Vector128.Create(1.00), a1 = Vector128.Create(1.01), a2 = Vector128.Create(1.02), a3 = Vector128.Create(1.03), a4 = Vector128.Create(1.04), a5 = Vector128.Create(1.05), a6 = Vector128.Create(1.06), a7 = Vector128.Create(1.07), a8 = Vector128.Create(1.08), a9 = Vector128.Create(1.09), a10 = Vector128.Create(1.10), a11 = Vector128.Create(1.11), a12 = Vector128.Create(1.12), a13 = Vector128.Create(1.13), a14 = Vector128.Create(1.14), a15 = Vector128.Create(1.15);
        for (var i = 0; i < Iterations; i++)
        {
            a0 = Vector128.FusedMultiplyAdd(a0, m, c);
            a1 = Vector128.FusedMultiplyAdd(a1, m, c);
            a2 = Vector128.FusedMultiplyAdd(a2, m, c);
            a3 = Vector128.FusedMultiplyAdd(a3, m, c);
            a4 = Vector128.FusedMultiplyAdd(a4, m, c);
            a5 = Vector128.FusedMultiplyAdd(a5, m, c);
            a6 = Vector128.FusedMultiplyAdd(a6, m, c);
            a7 = Vector128.FusedMultiplyAdd(a7, m, c);
            a8 = Vector128.FusedMultiplyAdd(a8, m, c);
            a9 = Vector128.FusedMultiplyAdd(a9, m, c);
            a10 = Vector128.FusedMultiplyAdd(a10, m, c);
            a11 = Vector128.FusedMultiplyAdd(a11, m, c);
            a12 = Vector128.FusedMultiplyAdd(a12, m, c);
            a13 = Vector128.FusedMultiplyAdd(a13, m, c);
            a14 = Vector128.FusedMultiplyAdd(a14, m, c);
            a15 = Vector128.FusedMultiplyAdd(a15, m, c);
        }

        return Vector128.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15);
    }

    /// <summary>The scalar probe, for the Portable path: <see cref="ChainsNarrow"/> chains of one float each.</summary>
    [Benchmark]
    public float Fp32Scalar()
    {
        const float m = 0.9999999f, c = 1e-7f;
        float a0 = 1.00f, a1 = 1.01f, a2 = 1.02f, a3 = 1.03f, a4 = 1.04f, a5 = 1.05f, a6 = 1.06f, a7 = 1.07f, a8 = 1.08f, a9 = 1.09f, a10 = 1.10f, a11 = 1.11f, a12 = 1.12f, a13 = 1.13f, a14 = 1.14f, a15 = 1.15f;
        for (var i = 0; i < Iterations; i++)
        {
            a0 = MathF.FusedMultiplyAdd(a0, m, c);
            a1 = MathF.FusedMultiplyAdd(a1, m, c);
            a2 = MathF.FusedMultiplyAdd(a2, m, c);
            a3 = MathF.FusedMultiplyAdd(a3, m, c);
            a4 = MathF.FusedMultiplyAdd(a4, m, c);
            a5 = MathF.FusedMultiplyAdd(a5, m, c);
            a6 = MathF.FusedMultiplyAdd(a6, m, c);
            a7 = MathF.FusedMultiplyAdd(a7, m, c);
            a8 = MathF.FusedMultiplyAdd(a8, m, c);
            a9 = MathF.FusedMultiplyAdd(a9, m, c);
            a10 = MathF.FusedMultiplyAdd(a10, m, c);
            a11 = MathF.FusedMultiplyAdd(a11, m, c);
            a12 = MathF.FusedMultiplyAdd(a12, m, c);
            a13 = MathF.FusedMultiplyAdd(a13, m, c);
            a14 = MathF.FusedMultiplyAdd(a14, m, c);
            a15 = MathF.FusedMultiplyAdd(a15, m, c);
        }

        return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15;
    }
}
