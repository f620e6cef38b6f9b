using System;
using System.CommandLine;
using System.Linq;
using Nn.Onnx;

namespace Nn.Cli.Commands;

/// <summary><c>nn export MODEL --onnx OUT</c>: a saved model as an ONNX file, in the model's own element type.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "A model file written by nn train --save." };
        var onnx = new Option<string>("--onnx") { Description = "Where to write the ONNX model (opset 13, dynamic batch dimension; an image input is batch x C x H x W).", Required = true };
        var command = new Command("export", "Export a saved model to ONNX.");
        command.Arguments.Add(model);
        command.Options.Add(onnx);
        command.SetAction(parse => Cli.Guarded(parse, () =>
        {
            var path = parse.GetValue(model)!;
            var destination = parse.GetValue(onnx)!;
            OutputPaths.Validate([new("--onnx", destination)], [new("the model file", path)]);

            // One read of the model, so a pipe or FIFO works as the file does.
            var bytes = DataSource.ReadModel(path, "model");
            var info = ModelFile.ReadInfo(bytes, path);

            // Export in the precision the model was trained and saved in, so nothing is rounded on the way. The model
            // is read before the write starts, so a failure while writing names --onnx and one while reading the model.
            var wide = info.ElementType == "float64" ? ModelFile.ModelFromBytes<double>(bytes, path) : null;
            var narrow = wide is null ? ModelFile.ModelFromBytes<float>(bytes, path) : null;
            // Not `wide?.Preprocessing ?? narrow!.Preprocessing`: a float64 model without preprocessing would then read the null narrow one.
            var preprocessing = wide is not null ? wide.Preprocessing : narrow!.Preprocessing;
            return OutputPaths.WriteAll([new Output("--onnx", destination, () =>
            {
                // A table model's preprocessing goes in as nodes before the network, so the ONNX model takes raw columns.
                if (wide is not null)
                {
                    OnnxPreprocessing.Save(wide, destination);
                }
                else
                {
                    OnnxPreprocessing.Save(narrow!, destination);
                }

                var input = preprocessing is null ? string.Empty : $" (raw columns {TableOptions.Names(preprocessing.Features.Select(f => f.Name))}, preprocessed in the graph{Float64Input(preprocessing, wide is not null)})";
                return $"{destination}: ONNX model of {info.Architecture} ({info.ElementType}), input \"{new OnnxExportOptions().InputName}\"{input}, output \"{new OnnxExportOptions().OutputName}\"";
            })], []);
        }));
        return command;
    }

    /// <summary>
    /// Why a float32 model's ONNX input is float64, if it is: a standardised column that float32 would round too
    /// coarsely, such as a Unix timestamp with a spread of seconds (<see cref="OnnxPreprocessing.Float64Columns"/>).
    /// </summary>
    private static string Float64Input(Preprocessing preprocessing, bool isFloat64Model) =>
        OnnxPreprocessing.Float64Columns(preprocessing) is { IsEmpty: false } columns && !isFloat64Model
            ? $"; as float64, since float32 would round {TableOptions.Names(columns)} too coarsely"
            : string.Empty;
}
