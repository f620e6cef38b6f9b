using System;
using System.Globalization;
using System.Linq;

namespace Nn.Benchmarks;

/// <summary>
/// The first <see cref="Trainer.Train{T}"/> epochs of a fresh process, as a program of a user's own runs them: the
/// first pays for the runtime compiling the library's code, which the runtime's default tiered compilation does
/// several times over per hot method (on a background thread that takes the second core from a two-thread run), and
/// <c>DOTNET_TieredCompilation=0</c> does once. With <c>DOTNET_TC_QuickJitForLoops=0</c>, the setting the package's
/// build/Nn.props gives a program that references it, methods with loops are compiled optimised at their first call and
/// the rest tier as by default. Three one-epoch calls of Network B or LeNet-5 (Adam, batch 128, the
/// 60,000 Fashion-MNIST training images), each continuing from the last; the seconds of each are printed.
/// Run: <c>dotnet run -c Release --project bench/Nn.Benchmarks -- first-epochs b|lenet THREADS</c>, once as it is, once
/// with <c>DOTNET_TC_QuickJitForLoops=0</c> and once with <c>DOTNET_TieredCompilation=0</c> in the environment.
/// </summary>
internal static class FirstEpochs
{
    private const int Epochs = 3;

    public static void Run(string network, int threads)
    {
        var load = Timing.LoadAverage();
        var data = FashionMnist.Train(NetworkBBenchmarks.Samples).ToDataset();
        var lenet = network == "lenet";
        var shape = lenet ? LeNetBenchmarks.Shape : NetworkBBenchmarks.Shape;
        var trained = Network.Create<float>(shape, Initializer.He, 1);
        var seconds = new double[Epochs];
        for (var e = 0; e < Epochs; e++)
        {
            var start = trained;
            seconds[e] = Timing.Seconds(() => trained = Trainer.Train(start, Loss.SoftmaxCrossEntropy, new Adam(1e-3), data, new TrainingOptions(1, NetworkBBenchmarks.Batch, 1, Threads: threads)).Network);
        }

        // DOTNET_TC_QuickJitForLoops=0 is what the package's build/Nn.props gives a program that references it.
        var tiering = Environment.GetEnvironmentVariable("DOTNET_TieredCompilation") is "0" ? "off"
            : Environment.GetEnvironmentVariable("DOTNET_TC_QuickJitForLoops") is "0" ? "on, loops optimised at once (as the package sets it)"
            : "on (the runtime's default)";
        Console.WriteLine(string.Format(
            CultureInfo.InvariantCulture,
            "{0}, {1} thread(s), tiered compilation {2}: one-epoch calls {3} s; load average {4} -> {5}",
            lenet ? "LeNet-5" : "Network B",
            threads,
            tiering,
            string.Join(", ", seconds.Select(s => s.ToString("F3", CultureInfo.InvariantCulture))),
            load,
            Timing.LoadAverage()));
    }
}
