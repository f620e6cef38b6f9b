using System;
using System.Collections.Generic;
using System.Globalization;

namespace Nn.Benchmarks;

/// <summary>
/// LeNet-5's training steps on one thread timed by the calling thread's CPU time, which a machine shared with other
/// work inflates far less than wall-clock time: for comparing two builds on a busy machine (bench/lenet-cpu.sh
/// alternates them). Each round runs <see cref="Steps"/> Adam steps (batch 128, unshuffled, He start, seed 1) after
/// one untimed pass of them; the medians and the quartiles of the rounds are printed, in ms per step.
/// Run: <c>dotnet run -c Release --project bench/Nn.Benchmarks -- lenet-cpu [rounds]</c>.
/// </summary>
internal static class LeNetStepCpu
{
    private const int Steps = 80;

    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static void Run(int rounds)
    {
        var load = Timing.LoadAverage();
        var data = FashionMnist.Train(Steps * LeNetBenchmarks.Batch).ToDataset();
        var rule = new Adam(1e-3);
        var start = Trainer.Start(Network.Create<float>(LeNetBenchmarks.Shape, Initializer.He, 1), rule, 1);
        using var run = new TrainingRun<float>(start, Loss.SoftmaxCrossEntropy, rule, data, new TrainingOptions(1, LeNetBenchmarks.Batch, 1, Shuffle: false, Threads: 1));
        void Pass()
        {
            run.Load(start);
            for (var b = 0; b < Steps; b++)
            {
                run.Step(b + 1, b * LeNetBenchmarks.Batch, LeNetBenchmarks.Batch);
            }
        }

        Pass();
        var times = new List<double>();
        for (var r = 0; r < rounds; r++)
        {
            var cpu = Timing.ThreadMilliseconds();
            Pass();
            times.Add((Timing.ThreadMilliseconds() - cpu) / Steps);
        }

        times.Sort();
        Console.WriteLine(string.Format(
            C, "LeNet-5 step, 1 thread, thread CPU ms: median {0:F4}, quartiles {1:F4}-{2:F4} of {3} rounds of {4} steps; load average {5} -> {6}", Timing.Median(times), times[rounds / 4], times[3 * rounds / 4], rounds, Steps, load, Timing.LoadAverage()));
    }
}
