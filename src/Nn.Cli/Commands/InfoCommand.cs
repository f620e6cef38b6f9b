using System;
using System.Buffers.Binary;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;

namespace Nn.Cli.Commands;

/// <summary><c>nn info FILE</c>: what a model or checkpoint file holds, after checking it.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "A model file (nn train --save) or a checkpoint file (nn train --checkpoint)." };
        var command = new Command("info", "Show what a model or checkpoint file holds, and the kernel path this machine runs it on.");
        command.Arguments.Add(file);
        command.SetAction(parse => Cli.Guarded(parse, () =>
        {
            // NN_KERNELS naming no path is a usage error (exit 2) before any work, not a fault of the files read (NotSupportedException, exit 3).
            KernelsOption.Default();
            var path = parse.GetValue(file)!;
            var bytes = DataSource.ReadModelOrCheckpoint(path, "file");
            if (CheckpointVersion(bytes) is { } version)
            {
                var checkpoint = CheckpointFile.FromBytes<double>(bytes, path);
                var state = checkpoint.State;
                Console.WriteLine($"{Printable.Line(path)}: checkpoint file, format version {version}, {bytes.Length} bytes, checksum ok");
                PrintArchitecture(state.Network.Architecture);
                Console.WriteLine($"optimiser   {Cli.Describe(checkpoint.Optimizer)} after {state.OptimizerState.Step} steps");
                Console.WriteLine($"loss        {checkpoint.Loss.Name}");
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"options     {checkpoint.Options.Epochs} epochs, batch {checkpoint.Options.BatchSize}, seed {checkpoint.Options.Seed}, L2 {checkpoint.Options.L2}, shuffle {checkpoint.Options.Shuffle}"));
                if (checkpoint.Options.ValidationFraction > 0)
                {
                    Console.WriteLine(string.Create(
                        CultureInfo.InvariantCulture,
                        $"validation  {checkpoint.Options.ValidationFraction} of the data held out{(checkpoint.Options.Patience > 0 ? $", patience {checkpoint.Options.Patience}" : string.Empty)}{(state.Best is { } best ? $", best epoch {best.Epoch}" : string.Empty)}"));
                }

                Console.WriteLine($"data        {checkpoint.TrainingData?.ToString() ?? "not recorded (format version 1)"}");
                Console.WriteLine($"progress    {state.EpochsCompleted} of {checkpoint.Options.Epochs} epochs completed");
                if (state.History.Length > 0)
                {
                    // A network of one output picks no class, so its records hold no accuracy (NaN) to print.
                    var last = state.History[^1];
                    var classifies = state.Network.OutputSize > 1;
                    Console.WriteLine(string.Create(
                        CultureInfo.InvariantCulture,
                        $"last epoch  {last.Epoch}: train cost {TrainingDisplay.Number(last.TrainCost, 4)}{(classifies ? $", train accuracy {last.TrainAccuracy:F4}" : string.Empty)}{(last.TestCost is { } c ? $", test cost {TrainingDisplay.Number(c, 4)}" : string.Empty)}{(classifies && last.TestAccuracy is { } t ? $", test accuracy {t:F4}" : string.Empty)}"));
                }
            }
            else
            {
                var info = ModelFile.ReadInfo(bytes, path);
                Console.WriteLine($"{Printable.Line(path)}: model file, format version {info.Version}, {info.ElementType}, {info.Length} bytes, checksum ok");
                PrintArchitecture(info.Architecture);
                if (info.Version >= 3 && ModelFile.ModelFromBytes<double>(bytes, path).Preprocessing is { } preprocessing)
                {
                    Console.WriteLine($"columns     {TableOptions.Names(preprocessing.Columns)}");
                    foreach (var line in TableOptions.Describe(preprocessing))
                    {
                        Console.WriteLine(line);
                    }
                }
            }

            Console.WriteLine(KernelsOption.Describe());
            return ExitCodes.Success;
        }));
        return command;
    }

    private static void PrintArchitecture(Architecture architecture)
    {
        Console.WriteLine($"architecture {architecture}, {architecture.ParameterCount} parameters");
        Console.WriteLine("layer  inputs  outputs  activation  bias  parameters");
        foreach (var (layer, l) in architecture.Stack.Select((layer, l) => (layer, l)))
        {
            // Shapes print as the layers grammar writes them: a dense layer's sizes as plain numbers, images as CxHxW.
            Console.WriteLine($"{l,5}  {layer.InputShape,6}  {layer.OutputShape,7}  {layer.Activation.Name,-10}  {(layer.HasBias ? "yes" : "no"),-4}  {layer.ParameterCount,10}");
        }
    }

    /// <summary>The format version of a checkpoint file (checked by the load that follows), or null for any other file.</summary>
    private static int? CheckpointVersion(byte[] bytes) =>
        bytes.Length >= 4 && bytes.AsSpan(0, 4).SequenceEqual(CheckpointFile.Magic) ? (bytes.Length >= 6 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)) : 0) : null;
}
