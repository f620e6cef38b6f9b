using System;
using System.Globalization;
using System.Threading;

namespace Nn.Benchmarks;

/// <summary>
/// The ceiling the hardware sets for two threads on Network B, with nothing shared: each CPU trains a copy of its own
/// on one thread (Adam, its own network, moments and buffers), alone and then both at once starting together. Shared
/// work can only lose against this, so where the two copies at once run slower than alone, that slowdown bounds
/// what any split of a step can reach in the same state of the machine. Batches of 128 rows give the throughput
/// ceiling (two whole steps at once against one), batches of 64 the ceiling of cutting a 128-row step into halves
/// (one 128-row step alone against the slower of two 64-row steps at once). Threads are pinned to CPU 0 and CPU 1
/// where the system allows it.
/// Run: <c>dotnet run -c Release --project bench/Nn.Benchmarks -- independent-steps 3</c>.
/// </summary>
internal static class IndependentSteps
{
    private const int Steps = 200;
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    private static readonly Architecture ShapeB =
        Architecture.Input(784).Dense(256, Activation.Relu).Dense(128, Activation.Relu).Dense(10, Activation.Softmax);

    public static void Run(int rounds)
    {
        if (!FashionMnist.Available)
        {
            Console.WriteLine(string.Format(C, "{0} is missing: this probe needs Fashion-MNIST.", FashionMnist.Folder));
            return;
        }

        Console.WriteLine(string.Format(C, "Load average before: {0}", Timing.LoadAverage()));
        var data = FashionMnist.Train(NetworkBBenchmarks.Samples).ToDataset();
        Console.WriteLine(string.Format(C, "Cores, before: {0}", CrossCoreProbe.Describe(CrossCoreProbe.Measure())));
        Console.WriteLine("µs per Network B step (Adam, one thread per copy), medians of 200 steps after 20 of warm-up.");
        Console.WriteLine();
        Console.WriteLine("| round | batch | CPU 0 alone | CPU 1 alone | both: CPU 0 | both: CPU 1 | both ÷ alone, CPU 0 / 1 |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---|");
        // First passes compile the step's and the probe's methods at their final tier, which the first timed round
        // would otherwise pay for on the first CPU it times.
        Measure(data, 128, [0, 1]);
        Measure(data, 64, [0, 1]);
        Probe([0, 1]);
        var whole = new double[rounds];
        var pairs = new double[rounds];
        var halves = new double[rounds];
        for (var round = 0; round < rounds; round++)
        {
            var times = new double[2][];
            foreach (var batch in new[] { 128, 64 })
            {
                var alone0 = Measure(data, batch, [0])[0];
                var alone1 = Measure(data, batch, [1])[1];
                var both = Measure(data, batch, [0, 1]);
                Console.WriteLine(string.Format(
                    C,
                    "| {0} | {1} | {2:F1} | {3:F1} | {4:F1} | {5:F1} | {6:F2}× / {7:F2}× |",
                    round + 1,
                    batch,
                    alone0,
                    alone1,
                    both[0],
                    both[1],
                    both[0] / alone0,
                    both[1] / alone1));
                times[batch == 128 ? 0 : 1] = [alone0, alone1, both[0], both[1]];
            }

            // The faster CPU alone is what one thread of a two-thread pool would compare against.
            var oneThread = Math.Min(times[0][0], times[0][1]);
            whole[round] = 2 * oneThread / Math.Max(times[0][2], times[0][3]);
            pairs[round] = oneThread / Math.Max(times[1][2], times[1][3]);
            halves[round] = oneThread / (2 * Math.Min(times[1][0], times[1][1]));
        }

        var probe0 = Probe([0])[0];
        var probe1 = Probe([1])[1];
        var probeBoth = Probe([0, 1]);
        Console.WriteLine();
        Console.WriteLine(string.Format(C, "FMA probe fp32, GFLOP/s: CPU 0 alone {0:F1}, CPU 1 alone {1:F1}; both at once {2:F1} and {3:F1}.", probe0, probe1, probeBoth[0], probeBoth[1]));
        Console.WriteLine(string.Format(C, "Ceilings, per round: two whole 128-row steps at once {0}; a 128-row step cut into 64-row halves at once {1} (the halves one after the other on one thread: {2}).", Ratios(whole), Ratios(pairs), Ratios(halves)));
        Console.WriteLine(string.Format(C, "Cores, after: {0}", CrossCoreProbe.Describe(CrossCoreProbe.Measure())));
        Console.WriteLine(string.Format(C, "Load average after: {0}", Timing.LoadAverage()));
    }

    private static string Ratios(double[] values) => string.Join(", ", Array.ConvertAll(values, v => v.ToString("F2", C) + "×"));

    /// <summary>The FMA probe's GFLOP/s on each CPU of <paramref name="cpus"/> (0 for a CPU not used), 1,000 calls each, started together.</summary>
    private static double[] Probe(int[] cpus)
    {
        const int calls = 1000;
        var rates = new double[2];
        var arrived = 0;
        OnCpus(cpus, cpu =>
        {
            var probe = new PeakProbe();
            var (call, flops) = PeakProbe.Fp32For(probe, Nn.Kernels.KernelSelection.Default);
            probe.Sink += call();
            Interlocked.Increment(ref arrived);
            while (Volatile.Read(ref arrived) < cpus.Length)
            {
                Thread.SpinWait(1);
            }

            var seconds = Timing.Seconds(() =>
            {
                for (var i = 0; i < calls; i++)
                {
                    probe.Sink += call();
                }
            });
            rates[cpu] = calls * flops / seconds * 1e-9;
        });

        return rates;
    }

    /// <summary>The median step time in µs of each CPU in <paramref name="cpus"/> (0 for a CPU not used), all starting each step together.</summary>
    private static double[] Measure(Dataset<float> data, int batch, int[] cpus)
    {
        var medians = new double[2];
        var arrived = 0;
        OnCpus(cpus, cpu =>
        {
            var rule = new Adam(1e-3);
            var start = Trainer.Start(Network.Create<float>(ShapeB, Initializer.He, 1UL + (ulong)cpu), rule, 1);
            using var run = new TrainingRun<float>(start, Loss.SoftmaxCrossEntropy, rule, data, new TrainingOptions(1, batch, 1, Shuffle: false, Threads: 1));
            run.Load(start);
            var times = new double[Steps];
            for (var s = 0; s < Steps + 20; s++)
            {
                // Every step starts with the other copy's, so each is timed with the other CPU busy.
                Interlocked.Increment(ref arrived);
                while (Volatile.Read(ref arrived) < cpus.Length * (s + 1))
                {
                    Thread.SpinWait(1);
                }

                var first = ((s * batch) + (cpu * 30_000)) % (data.Count - batch);
                var seconds = Timing.Seconds(() => run.Step(s + 1, first, batch));
                if (s >= 20)
                {
                    times[s - 20] = seconds * 1e6;
                }
            }

            medians[cpu] = Timing.Median(times);
        });

        return medians;
    }

    /// <summary>Runs <paramref name="body"/> once per CPU of <paramref name="cpus"/>, each on a new thread pinned to it, and waits for all.</summary>
    private static void OnCpus(int[] cpus, Action<int> body)
    {
        var threads = Array.ConvertAll(cpus, cpu => new Thread(() =>
        {
            ConcurrentProducts.PinTo(1UL << cpu);
            body(cpu);
        }));
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }
    }
}
