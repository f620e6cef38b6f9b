using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Nn.TorchSharp.Comparison;

// Times each workload's epoch in Nn (Trainer.Train, and the training steps alone) and in TorchSharp, alternating
// them (and reversing their order every round) on each thread count, and prints the medians as a markdown table.
// Usage:
//   dotnet run -c Release --project bench/Nn.TorchSharp.Comparison -- [rounds] [workloads: a,b,lenet]
var c = CultureInfo.InvariantCulture;
var rounds = args.Length > 0 ? int.Parse(args[0], c) : 5;
var chosen = args.Length > 1 ? args[1].Split(',') : ["a", "b"];
LibTorchLoader.Prepare();

using var fashion = FashionData.Load(60_000);
using var fashionA = FashionData.Load(10_000);
var workloads = new List<Workload>();
if (chosen.Contains("a"))
{
    workloads.Add(NetworkA.Over(fashionA));
}

if (chosen.Contains("b"))
{
    workloads.Add(NetworkB.Over(fashion));
}

if (chosen.Contains("lenet"))
{
    workloads.Add(LeNet.Over(fashion));
}

int[] threadCounts = [1, 2];
var times = new Dictionary<(string Workload, string Library, int Threads), List<double>>();
static double Seconds(Action<int> epoch, int threads)
{
    var clock = Stopwatch.StartNew();
    epoch(threads);
    return clock.Elapsed.TotalSeconds;
}

Console.WriteLine($"load before: {File.ReadAllText("/proc/loadavg").Trim()}");
foreach (var workload in workloads)
{
    foreach (var threads in threadCounts)
    {
        // One untimed epoch each, so JIT tiers and libtorch's start-up are not in the figures.
        workload.Nn(threads);
        workload.NnSteps(threads);
        workload.Torch(threads);
    }
}

for (var round = 0; round < rounds; round++)
{
    foreach (var workload in workloads)
    {
        foreach (var threads in threadCounts)
        {
            (string Library, Action<int> Epoch)[] runs = [("Nn", workload.Nn), ("Nn steps", workload.NnSteps), ("TorchSharp", workload.Torch)];
            foreach (var (library, epoch) in round % 2 == 0 ? runs : Enumerable.Reverse(runs))
            {
                Record(workload.Name, library, threads, Seconds(epoch, threads));
            }
        }
    }
}

Console.WriteLine($"load after: {File.ReadAllText("/proc/loadavg").Trim()}");
Console.WriteLine();
Console.WriteLine($"Medians of {rounds} alternating rounds (seconds per epoch).");
Console.WriteLine();
Console.WriteLine("| workload | threads | Nn `Trainer.Train` | Nn steps alone | TorchSharp | Train / TorchSharp | steps / TorchSharp |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
foreach (var workload in workloads)
{
    foreach (var threads in threadCounts)
    {
        var nn = Median(times[(workload.Name, "Nn", threads)]);
        var steps = Median(times[(workload.Name, "Nn steps", threads)]);
        var torch = Median(times[(workload.Name, "TorchSharp", threads)]);
        Console.WriteLine(string.Format(
            c, "| {0} | {1} | {2:F3} s | {3:F3} s | {4:F3} s | {5:F2} | {6:F2} |", workload.Name, threads, nn, steps, torch, nn / torch, steps / torch));
    }
}

void Record(string workload, string library, int threads, double seconds)
{
    if (!times.TryGetValue((workload, library, threads), out var list))
    {
        times[(workload, library, threads)] = list = [];
    }

    list.Add(seconds);
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}
