/// The size limit: a model that would take more bytes than the exporter writes in one protobuf message is refused
/// with NotSupportedException. The rule is checked on models of a few hundred bytes through the internal
/// OnnxExportOptions.MaxBytes; one table model is refused at the real limit, where its sizes pass an int.
module Nn.Onnx.Tests.OnnxSizeLimitTests

open System
open System.Collections.Immutable
open System.Globalization
open Nn
open Nn.Onnx
open Xunit

let private refusal (export: unit -> byte[]) =
    Assert.Throws<NotSupportedException>(fun () -> export () |> ignore).Message

let private tail = "that the exporter writes in one protobuf message; it does not write ONNX's external-data format, so the model is not exported."

[<Fact>]
let ``a network whose parameters and running statistics take more bytes than the limit is refused, naming their bytes`` () =
    // 4·3 + 3 dense, γ and β of 3 features, 3·2 + 2 dense: 29 parameters, and 3 running means and 3 variances of
    // state: 35 float64 values, 280 bytes.
    let network = Network.Create<float>(Architecture.Input(4).Dense(3, Activation.Tanh).BatchNorm().Dense(2, Activation.Softmax), Initializer.Xavier, 7UL)
    Assert.Equal(
        $"the ONNX model's tensors would take 280 bytes, more than the 279 bytes {tail}",
        refusal (fun () -> OnnxExport.ToBytes(network, OnnxExportOptions(MaxBytes = 279L))))

[<Fact>]
let ``a table model of a million categories is refused at the real limit before its selection matrix is made`` () =
    // 2,199 numeric columns and one of a million categories: F = 2,200 columns feed W = 1,002,199 inputs, so the F × W
    // selection matrix has 2.2e9 entries, more than an int counts. (F × W + 4W) float32 constants, the W other mask and
    // 2W + 2 parameters take 1,002,199 × 8,820 + 8,017,600 bytes.
    let categories = Array.init 1_000_000 (fun i -> i.ToString(CultureInfo.InvariantCulture))
    let features = ImmutableArray.CreateRange(Seq.append (Seq.init 2199 (fun i -> FeatureColumn.Numeric $"x{i}")) [ FeatureColumn.OneHot("c", categories) ])
    let names = ImmutableArray.CreateRange(Seq.append (features |> Seq.map (fun f -> f.Name)) [ "y" ])
    let preprocessing = Preprocessing(names, features, ImmutableArray.Create "y", TableTask.Classification, 0, 2)
    let network = Network.Create<float32>(Architecture.Input(preprocessing.InputWidth).Dense(2, Activation.Softmax), Initializer.Xavier, 1UL)
    Assert.Equal(
        $"the ONNX model's tensors would take 8847412780 bytes, more than the 2147483647 bytes {tail}",
        refusal (fun () -> OnnxPreprocessing.ToBytes(Model<float32>(network, preprocessing), OnnxExportOptions())))
