using System;
using System.Diagnostics;
using System.Globalization;

namespace Nn.Benchmarks;

/// <summary>
/// A run of many short epochs: XOR (2-4-1, tanh then sigmoid, binary cross-entropy, SGD 0.5, batch 4) trained on
/// one thread for the given number of epochs, timing each tenth of the run, so what an epoch costs can be read
/// against the epochs already behind it (the history a run's states carry grows by one record an epoch).
/// Run: <c>dotnet run -c Release --project bench/Nn.Benchmarks -- many-epochs [epochs]</c>.
/// </summary>
internal static class ManyEpochs
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static void Run(int epochs)
    {
        Console.WriteLine(string.Format(C, "Load average before: {0}", Timing.LoadAverage()));
        var inputs = Matrix<double>.FromArray(new double[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } });
        var data = Dataset.FromTargets(inputs, Matrix<double>.FromArray(new double[,] { { 0 }, { 1 }, { 1 }, { 0 } }));
        var network = Network.Create<double>(Architecture.Input(2).Dense(4, Activation.Tanh).Dense(1, Activation.Sigmoid), Initializer.Xavier, 1);

        // A short run first, so the epochs timed are those of compiled code.
        Trainer.Train(network, Loss.BinaryCrossEntropy, new Sgd(0.5), data, new TrainingOptions(2_000, 4, 1) { Threads = 1 });

        var tenth = Math.Max(1, epochs / 10);
        var marks = new double[(epochs / tenth) + 1];
        var clock = Stopwatch.StartNew();
        var result = Trainer.Train(
            network, Loss.BinaryCrossEntropy, new Sgd(0.5), data, new TrainingOptions(epochs, 4, 1) { Threads = 1 },
            onEpoch: state =>
            {
                if (state.EpochsCompleted % tenth == 0)
                {
                    marks[state.EpochsCompleted / tenth] = clock.Elapsed.TotalSeconds;
                }
            });
        var total = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Format(C, "XOR, {0:N0} epochs on one thread: {1:F2} s in all, {2:F2} µs an epoch; {3}, last training cost {4:G4}", epochs, total, total * 1e6 / epochs, result.Reason, result.State.LastEpoch?.TrainCost));
        Console.WriteLine("| epochs | µs an epoch |");
        Console.WriteLine("|---|---:|");
        for (var i = 1; i < marks.Length; i++)
        {
            Console.WriteLine(string.Format(C, "| {0:N0}–{1:N0} | {2:F2} |", ((i - 1) * tenth) + 1, i * tenth, (marks[i] - marks[i - 1]) * 1e6 / tenth));
        }

        Console.WriteLine(string.Format(C, "Load average after: {0}", Timing.LoadAverage()));
    }
}
