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

/// A case with a random activation per the whole stack.
let anyCase : Gen<Case> = Gen.elements activations |> Gen.bind caseWith

/// The double network of a case.
let networkOf (case: Case) = Network.FromParameters(case.Architecture, ReadOnlySpan case.Parameters)

/// The float32 network of a case: its parameters rounded to float32.
let networkOf32 (case: Case) = Network.FromParameters(case.Architecture, ReadOnlySpan(case.Parameters |> Array.map float32))

/// The registered arbitraries; use with [<Properties(Arbitrary = [| typeof<Generators> |])>].
type Generators =
    static member Case() = FsCheck.FSharp.Arb.fromGen anyCase
