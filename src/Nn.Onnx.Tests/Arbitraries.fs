/// Random networks and batches for the runtime comparisons: architectures with every built-in activation,
/// parameters and inputs uniform in fixed ranges, all drawn from FsCheck generators.
module Nn.Onnx.Tests.Arbitraries

open System
open global.FsCheck
open global.FsCheck.FSharp
open Nn

/// Every activation the exporter maps to an ONNX operator.
let activations = [ Activation.Identity; Activation.Sigmoid; Activation.Tanh; Activation.Relu; Activation.Softmax ]

/// A finite double uniformly in [low, high].
let boundedFloat (low: float) (high: float) =
    Gen.choose (0, 1_000_000) |> Gen.map (fun i -> low + (high - low) * float i / 1e6)

/// A network case in double precision; the float32 cases are its parameters and inputs rounded to float32.
type Case =
    { Architecture: Architecture
      Parameters: float[]
      /// Batches of different sizes, each rows × inputs, row-major; none has the size of any other.
      Batches: (int * float[]) list }
    override this.ToString() =
        sprintf "%O, batches of %A rows" this.Architecture (this.Batches |> List.map fst)

/// 1–3 layers of widths 1–12 where every layer uses `activation`, random bias flags, parameters in [−1, 1],
/// and three batches of 1, 2–9 and 10–40 rows with inputs in [−2, 2].
let caseWith (activation: Activation) : Gen<Case> =
    gen {
        let! depth = Gen.choose (1, 3)
        let! sizes = Gen.listOfLength (depth + 1) (Gen.choose (1, 12))
        let! biases = Gen.listOfLength depth (Gen.elements [ true; true; false ])
        let architecture =
            List.fold2 (fun (a: Architecture) size bias -> a.Dense(size, activation, bias)) (Architecture.Input(List.head sizes)) (List.tail sizes) biases
        let! theta = Gen.arrayOfLength architecture.ParameterCount (boundedFloat -1.0 1.0)
        let! middle = Gen.choose (2, 9)
        let! large = Gen.choose (10, 40)
        let! batches =
            [ 1; middle; large ]
            |> List.map (fun rows -> Gen.arrayOfLength (rows * architecture.InputSize) (boundedFloat -2.0 2.0) |> Gen.map (fun x -> rows, x))
            |> Gen.sequenceToList
        return { Architecture = architecture; Parameters = theta; Batches = batches }
    }

/// A convolutional case: an image of 1–4 channels and 3–9 × 3–9 pixels, one or two convolutions (1–6 filters,
/// kernels 1–5 high and 1–5 wide, fitted to the padded image, stride 1–3, padding 0–2, random bias flags), each
/// possibly followed by max-pooling (window 1–3 that fits, stride 1–3), then one or two dense layers of 1–8
/// outputs; every layer uses `activation`. Parameters in [−1, 1], and three batches of 1, 2–5 and 6–12 rows with
/// inputs in [−2, 2]. Without convolutions (withConvolutions = false), the image goes through one or two poolings
/// only, for the element types ONNX Runtime has no Conv kernel for.
let spatialCaseWith (withConvolutions: bool) (activation: Activation) : Gen<Case> =
    let conv (a: Architecture) =
        gen {
            let shape = a.OutputShape
            let! filters = Gen.choose (1, 6)
            let! padding = Gen.choose (0, 2)
            let! kernelHeight = Gen.choose (1, min 5 (shape.Height + 2 * padding))
            let! kernelWidth = Gen.choose (1, min 5 (shape.Width + 2 * padding))
            let! stride = Gen.choose (1, 3)
            let! bias = Gen.elements [ true; true; false ]
            return a.Conv2D(filters, kernelHeight, kernelWidth, activation, stride, padding, bias)
        }
    let pool (a: Architecture) =
        gen {
            let shape = a.OutputShape
            let! pooled = if withConvolutions then Gen.elements [ true; false ] else Gen.constant true
            if not pooled then return a
            else
                let! window = Gen.choose (1, min 3 (min shape.Height shape.Width))
                let! stride = Gen.choose (1, 3)
                return a.MaxPool2D(window, stride)
        }
    gen {
        let! channels = Gen.choose (1, 4)
        let! height = Gen.choose (3, 9)
        let! width = Gen.choose (3, 9)
        let! convolutions = Gen.choose (1, 2)
        let rec spatialLayers count (a: Architecture) =
            if count = 0 then Gen.constant a
            else (if withConvolutions then conv a else Gen.constant a) |> Gen.bind pool |> Gen.bind (spatialLayers (count - 1))
        let! spatial = spatialLayers convolutions (Architecture.Input(channels, height, width))
        let! dense = Gen.listOfLength 2 (Gen.choose (1, 8))
        let! depth = Gen.choose (1, 2)
        let! biases = Gen.listOfLength depth (Gen.elements [ true; true; false ])
        let stack = List.fold2 (fun (a: Architecture) size bias -> a.Dense(size, activation, bias)) spatial (List.take depth dense) biases
        let! theta = Gen.arrayOfLength stack.ParameterCount (boundedFloat -1.0 1.0)
        let! middle = Gen.choose (2, 5)
        let! large = Gen.choose (6, 12)
        let! batches =
            [ 1; middle; large ]
            |> List.map (fun rows -> Gen.arrayOfLength (rows * stack.InputSize) (boundedFloat -2.0 2.0) |> Gen.map (fun x -> rows, x))
            |> Gen.sequenceToList
        return { Architecture = stack; Parameters = theta; Batches = batches }
    }

/// A convolutional case (see spatialCaseWith).
let convCaseWith (activation: Activation) = spatialCaseWith true activation

/// A case of pooling and dense layers over an image, without convolutions.
let poolCaseWith (activation: Activation) = spatialCaseWith false activation

/// A convolutional case with a random activation for the whole stack.
let anyConvCase : Gen<Case> = Gen.elements activations |> Gen.bind convCaseWith

/// A case with a random activation per the whole stack.
let anyCase : Gen<Case> = Gen.elements activations |> Gen.bind caseWith

/// The double network of a case.
let networkOf (case: Case) = Network.FromParameters(case.Architecture, ReadOnlySpan case.Parameters)

/// The float32 network of a case: its parameters rounded to float32.
let networkOf32 (case: Case) = Network.FromParameters(case.Architecture, ReadOnlySpan(case.Parameters |> Array.map float32))

/// The registered arbitraries; use with [<Properties(Arbitrary = [| typeof<Generators> |])>].
type Generators =
    static member Case() = FsCheck.FSharp.Arb.fromGen anyCase

/// A convolutional network case, for properties that take one.
type ConvCase = ConvCase of Case

/// The registered arbitraries for convolutional cases; use with [<Properties(Arbitrary = [| typeof<ConvGenerators> |])>].
type ConvGenerators =
    static member ConvCase() = FsCheck.FSharp.Arb.fromGen (anyConvCase |> Gen.map ConvCase)

/// Text of 0–30 pieces, each ASCII, a two- or three-byte UTF-8 character, NUL, a surrogate pair or one half of one
/// (a lone surrogate, which UTF-8 writes as the 3-byte replacement character): what a user may put in a name.
let text : Gen<string> =
    gen {
        let! count = Gen.choose (0, 30)
        let! pieces = Gen.listOfLength count (Gen.elements [ "a"; "Z"; "."; " "; "\000"; "é"; "€"; "中"; "😀"; "\uD83D"; "\uDE00" ])
        return String.concat "" pieces
    }

/// A user's text, for properties that take one.
type Text = Text of string

/// A network case with export options holding user text in every name and the description (the prefixes keep the
/// names non-blank, apart from each other and from the graph's own "layer…" names), and a model version of 1 to 10
/// varint bytes.
type NamedCase = NamedCase of Case * Nn.Onnx.OnnxExportOptions

/// The registered arbitraries for text and named cases; use with [<Properties(Arbitrary = [| typeof<TextGenerators> |])>].
type TextGenerators =
    static member Text() = FsCheck.FSharp.Arb.fromGen (text |> Gen.map Text)

    static member NamedCase() =
        FsCheck.FSharp.Arb.fromGen (
            gen {
                let! case = Gen.oneof [ anyCase; anyConvCase ]
                let! names = Gen.listOfLength 5 text
                let! version = Gen.elements [ 0L; 1L; 300L; Int64.MaxValue ]
                let options =
                    Nn.Onnx.OnnxExportOptions(
                        InputName = "in" + names[0],
                        OutputName = "out" + names[1],
                        BatchDimensionName = "n" + names[2],
                        GraphName = "g" + names[3],
                        Description = names[4],
                        ModelVersion = version)
                return NamedCase(case, options)
            })
