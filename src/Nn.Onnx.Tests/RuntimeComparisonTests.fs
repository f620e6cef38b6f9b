/// The exported model run by ONNX Runtime computes what Network.Forward computes, for every activation and both
/// element types, on batches of sizes the export never saw (its batch dimension is symbolic).
module Nn.Onnx.Tests.RuntimeComparisonTests

open System
open global.FsCheck
open global.FsCheck.FSharp
open global.FsCheck.Xunit
open Nn
open Nn.Onnx
open Nn.Onnx.Tests.Arbitraries
open Nn.Onnx.Tests.OnnxRuntime
open global.Xunit
open global.Xunit.Abstractions

/// Float32 tolerance on the normwise relative difference: float32 rounding accumulated over up to three layers
/// of dot products summed in another order, and ONNX Runtime's own float32 sigmoid/tanh approximations.
let float32Tolerance = 1e-5

/// Float64 tolerance on the normwise relative difference, the same argument in double precision.
let float64Tolerance = 1e-12

/// Float32 differences over all batches of one case: ONNX Runtime against the library, and each of them against
/// the float64 forward pass of the same float32-rounded parameters and inputs (the exact answer up to 1e-16), which
/// shows how much of the first difference is float32 rounding that either implementation incurs alone.
type Float32Comparison =
    { RuntimeVsLibrary: Difference
      LibraryVsExact: Difference
      RuntimeVsExact: Difference }

let compareFloat32Against (case: Case) =
    let network = networkOf32 case
    let exactNetwork = Network.FromParameters(case.Architecture, ReadOnlySpan(network.Parameters.ToArray() |> Array.map float))
    use session = openSession (OnnxExport.ToBytes network)
    case.Batches
    |> List.map (fun (rows, x) ->
        let x32 = x |> Array.map float32
        let inputs = Matrix<float32>.Create(rows, network.InputSize, ReadOnlySpan x32)
        let library = Network.Forward(network, inputs).AsSpan().ToArray() |> Array.map float
        let runtime = outputsOf session inputs |> Array.map float
        let exact = Network.Forward(exactNetwork, Matrix<float>.Create(rows, network.InputSize, ReadOnlySpan(x32 |> Array.map float))).AsSpan().ToArray()
        { RuntimeVsLibrary = difference runtime library
          LibraryVsExact = difference library exact
          RuntimeVsExact = difference runtime exact })
    |> List.reduce (fun a b ->
        { RuntimeVsLibrary = worst a.RuntimeVsLibrary b.RuntimeVsLibrary
          LibraryVsExact = worst a.LibraryVsExact b.LibraryVsExact
          RuntimeVsExact = worst a.RuntimeVsExact b.RuntimeVsExact })

/// Whether ONNX Runtime computes the library's function in float32 for one case: within the tolerance of the
/// library's outputs, or, where those outputs come from sums that nearly cancel, no further from the float64 pass of
/// the same numbers than four times the library's own distance from it. A cancelling sum is ill-conditioned: float32
/// rounding alone then moves each implementation by a good part of the tolerance (a 5-10-1 tanh network whose
/// outputs were all near 0.01 had the library 3.4e-5 and ONNX Runtime 5.6e-5 from the float64 pass, 2.3e-5 apart),
/// while an export that computed another function stays far from the float64 pass however the sums round.
let agreesInFloat32 tolerance (case: Case) =
    let comparison = compareFloat32Against case
    comparison.RuntimeVsLibrary.Normwise <= tolerance
    || comparison.RuntimeVsExact.Normwise <= 4.0 * comparison.LibraryVsExact.Normwise

/// The difference over all batches of one case in float64.
let compareFloat64 (case: Case) =
    let network = networkOf case
    use session = openSession (OnnxExport.ToBytes network)
    case.Batches
    |> List.map (fun (rows, x) ->
        let inputs = Matrix<float>.Create(rows, network.InputSize, ReadOnlySpan x)
        let reference = Network.Forward(network, inputs).AsSpan().ToArray()
        difference (outputsOf session inputs) reference)
    |> List.reduce worst

/// The number of random networks per activation and element type in the reported comparison.
let reportedCases = 40

/// The number of random convolutional networks per activation in the reported comparison.
let reportedConvCases = 25

/// Float32 tolerance on the normwise relative difference for convolutional networks. A convolution sums up to
/// 150 products (C·KH·KW) and two of them feed dense layers of up to a few hundred inputs, so with the identity
/// activation the outputs reach thousands and float32 rounding alone moves them by a few 1e-5 relative: the
/// reported comparison shows the library and ONNX Runtime each that far from the float64 pass of the same numbers.
let convFloat32Tolerance = 1e-4

type ``ONNX Runtime against the library's forward pass``(output: ITestOutputHelper) =

    [<Theory>]
    [<InlineData("identity", "float32")>]
    [<InlineData("sigmoid", "float32")>]
    [<InlineData("tanh", "float32")>]
    [<InlineData("relu", "float32")>]
    [<InlineData("softmax", "float32")>]
    [<InlineData("identity", "float64")>]
    [<InlineData("sigmoid", "float64")>]
    [<InlineData("tanh", "float64")>]
    [<InlineData("relu", "float64")>]
    [<InlineData("softmax", "float64")>]
    member _.``agrees within tolerance on random networks of each activation, reporting the largest differences``
        (activation: string, elementType: string) =
        let cases = Gen.sampleWithSeed (Rnd(20261124UL)) 10 reportedCases (caseWith (Activation.Parse activation))
        let tolerance = if elementType = "float32" then float32Tolerance else float64Tolerance
        let total =
            if elementType = "float32" then
                let comparisons = cases |> Array.map compareFloat32Against
                let libraryVsExact = comparisons |> Array.map _.LibraryVsExact |> Array.reduce worst
                let runtimeVsExact = comparisons |> Array.map _.RuntimeVsExact |> Array.reduce worst
                output.WriteLine(
                    sprintf "float32 rounding alone | %-8s | element-wise relative to the float64 pass: library %.2e, ONNX Runtime %.2e"
                        activation libraryVsExact.Elementwise runtimeVsExact.Elementwise)
                comparisons |> Array.map _.RuntimeVsLibrary |> Array.reduce worst
            else
                cases |> Array.map compareFloat64 |> Array.reduce worst
        output.WriteLine(
            sprintf "ONNX Runtime vs Network.Forward | %-8s | %s | max normwise relative difference %.2e (tolerance %.0e) | element-wise relative %.2e | absolute %.2e | %d networks, %d outputs, batches of 1 to 40 rows"
                activation elementType total.Normwise tolerance total.Elementwise total.Absolute reportedCases total.Count)
        Assert.True(total.Normwise <= tolerance, sprintf "max normwise relative difference %.3e exceeds %.0e" total.Normwise tolerance)

    [<Theory>]
    [<InlineData("identity")>]
    [<InlineData("sigmoid")>]
    [<InlineData("tanh")>]
    [<InlineData("relu")>]
    [<InlineData("softmax")>]
    member _.``agrees within tolerance on random float32 convolutional networks of each activation, reporting the largest differences``
        (activation: string) =
        let cases = Gen.sampleWithSeed (Rnd(20261130UL)) 10 reportedConvCases (convCaseWith (Activation.Parse activation))
        let comparisons = cases |> Array.map compareFloat32Against
        let total = comparisons |> Array.map _.RuntimeVsLibrary |> Array.reduce worst
        let libraryVsExact = comparisons |> Array.map _.LibraryVsExact |> Array.reduce worst
        let runtimeVsExact = comparisons |> Array.map _.RuntimeVsExact |> Array.reduce worst
        output.WriteLine(
            sprintf "ONNX Runtime vs Network.Forward | conv %-8s | float32 | max normwise relative difference %.2e (tolerance %.0e) | element-wise relative %.2e | absolute %.2e | %d networks, %d outputs, batches of 1 to 12 rows | normwise to the float64 pass: library %.2e, ONNX Runtime %.2e"
                activation total.Normwise convFloat32Tolerance total.Elementwise total.Absolute reportedConvCases total.Count libraryVsExact.Normwise runtimeVsExact.Normwise)
        Assert.True(total.Normwise <= convFloat32Tolerance, sprintf "max normwise relative difference %.3e exceeds %.0e" total.Normwise convFloat32Tolerance)

    [<Theory>]
    [<InlineData("identity")>]
    [<InlineData("sigmoid")>]
    [<InlineData("tanh")>]
    [<InlineData("relu")>]
    [<InlineData("softmax")>]
    member _.``agrees within tolerance on random float64 pooling networks of each activation, reporting the largest differences``
        (activation: string) =
        let cases = Gen.sampleWithSeed (Rnd(20261130UL)) 10 reportedConvCases (poolCaseWith (Activation.Parse activation))
        let total = cases |> Array.map compareFloat64 |> Array.reduce worst
        output.WriteLine(
            sprintf "ONNX Runtime vs Network.Forward | pool %-8s | float64 | max normwise relative difference %.2e (tolerance %.0e) | element-wise relative %.2e | absolute %.2e | %d networks, %d outputs"
                activation total.Normwise float64Tolerance total.Elementwise total.Absolute reportedConvCases total.Count)
        Assert.True(total.Normwise <= float64Tolerance, sprintf "max normwise relative difference %.3e exceeds %.0e" total.Normwise float64Tolerance)

[<Properties(Arbitrary = [| typeof<Generators> |], MaxTest = 60)>]
module Properties =

    [<Property>]
    let ``a random float32 network exported to ONNX gives the library's outputs in ONNX Runtime`` (case: Case) =
        agreesInFloat32 float32Tolerance case

    [<Property>]
    let ``a random float64 network exported to ONNX gives the library's outputs in ONNX Runtime`` (case: Case) =
        (compareFloat64 case).Normwise <= float64Tolerance

[<Properties(Arbitrary = [| typeof<ConvGenerators> |], MaxTest = 40)>]
module ConvProperties =

    [<Property>]
    let ``a random float32 convolutional network exported to ONNX gives the library's outputs in ONNX Runtime`` (ConvCase case) =
        agreesInFloat32 convFloat32Tolerance case

/// ONNX Runtime 1.31's CPU provider has no float64 Conv kernel (it reads the model, then finds no kernel): a float64
/// convolutional model is valid ONNX — Conv's type T includes tensor(double) — but the session cannot be created.
/// This pins that finding, so an ONNX Runtime that adds the kernel makes this test fail and the float64 comparison
/// can then be added.
[<Fact>]
let ``ONNX Runtime's CPU provider has no float64 Conv kernel, so a float64 convolutional model does not load there`` () =
    let case = Gen.sampleWithSeed (Rnd(7UL)) 10 1 (convCaseWith Activation.Relu) |> Array.head
    let e = Assert.ThrowsAny<Microsoft.ML.OnnxRuntime.OnnxRuntimeException>(fun () -> (openSession (OnnxExport.ToBytes(networkOf case))).Dispose())
    Assert.Contains("[ErrorCode:NotImplemented] Could not find an implementation for Conv(11) node with name 'layer0.conv'", e.Message)
    use single = openSession (OnnxExport.ToBytes(networkOf32 case))
    Assert.Equal(Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float, single.InputMetadata["input"].ElementDataType)
