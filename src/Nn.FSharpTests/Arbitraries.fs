/// FsCheck generators: finite bounded numbers, small layer stacks with every activation × loss that fits, and
/// whole gradient-check cases whose ReLU units stay away from their kink.
module Nn.Tests.Arbitraries

open System
open FsCheck
open FsCheck.FSharp
open Nn

/// A finite double uniformly in [low, high]; never NaN or infinite.
let boundedFloat (low: float) (high: float) =
    Gen.choose (0, 1_000_000) |> Gen.map (fun i -> low + (high - low) * float i / 1e6)

let private activations = [ Activation.Identity; Activation.Sigmoid; Activation.Tanh; Activation.Relu; Activation.Softmax ]

/// The losses defined for an output activation.
let lossesFor (output: Activation) =
    [ Loss.Quadratic; Loss.BinaryCrossEntropy; Loss.SoftmaxCrossEntropy ] |> List.filter (fun l -> l.Supports output)

/// Targets a loss makes sense for: any real for quadratic, [0,1] for binary cross-entropy, a distribution for softmax cross-entropy.
let targetsFor (loss: Loss) (width: int) =
    if loss = Loss.Quadratic then Gen.arrayOfLength width (boundedFloat -1.0 1.0)
    elif loss = Loss.BinaryCrossEntropy then Gen.arrayOfLength width (boundedFloat 0.0 1.0)
    else
        gen {
            let! raw = Gen.arrayOfLength width (boundedFloat 0.05 1.0)
            let total = Array.sum raw
            return raw |> Array.map (fun v -> v / total)
        }

/// An architecture of 1–4 dense layers, widths 1–8, random activations (softmax only on top), random bias flags.
let architecture : Gen<Architecture> =
    gen {
        let! depth = Gen.choose (1, 4)
        let! sizes = Gen.listOfLength (depth + 1) (Gen.choose (1, 8))
        let! hidden = Gen.listOfLength depth (Gen.elements (activations |> List.filter (fun a -> a <> Activation.Softmax)))
        let! output = Gen.elements activations
        let! biases = Gen.listOfLength depth (Gen.elements [ true; true; false ])
        let mutable result = Architecture.Input(List.head sizes)
        for l in 0 .. depth - 1 do
            let activation = if l = depth - 1 then output else hidden[l]
            result <- result.Dense(sizes[l + 1], activation, biases[l])
        return result
    }

/// Parameters for an architecture, uniform in [−1, 1].
let parametersFor (architecture: Architecture) =
    Gen.arrayOfLength architecture.ParameterCount (boundedFloat -1.0 1.0)

/// One gradient-check case: a network, a loss that fits its output, a batch and its targets, and an L2 λ.
type GradientCase =
    { Network: Network<float>
      Loss: Loss
      Inputs: Matrix<float>
      Targets: Matrix<float>
      L2: float }
    override this.ToString() =
        sprintf "%O, loss %s, %d samples, λ=%g" this.Network.Architecture this.Loss.Name this.Inputs.Rows this.L2

/// The smallest |z| a ReLU unit may have in a generated case, so a finite-difference step (1e-5 on one parameter)
/// can never carry it across the kink.
let reluMargin = 1e-3

let private awayFromKinks (case: GradientCase) =
    let trace = Network.Trace(case.Network, case.Inputs)
    case.Network.Architecture.Layers
    |> Seq.indexed
    |> Seq.forall (fun (l, layer) ->
        layer.Activation <> Activation.Relu
        || trace.Z[l].AsSpan().ToArray() |> Array.forall (fun z -> abs z > reluMargin))

let gradientCase : Gen<GradientCase> =
    gen {
        let! architecture = architecture
        let! theta = parametersFor architecture
        let! loss = Gen.elements (lossesFor architecture.OutputActivation)
        let! rows = Gen.choose (1, 4)
        let! inputs = Gen.arrayOfLength rows (Gen.arrayOfLength architecture.InputSize (boundedFloat -2.0 2.0))
        let! targets = Gen.arrayOfLength rows (targetsFor loss architecture.OutputSize)
        let! l2 = Gen.elements [ 0.0; 0.0; 0.1; 1.5 ]
        return
            { Network = Network.FromParameters(architecture, ReadOnlySpan theta)
              Loss = loss
              Inputs = Helpers.matrix inputs
              Targets = Helpers.matrix targets
              L2 = l2 }
    }
    |> Gen.filter awayFromKinks

/// The registered arbitraries; use with [<Properties(Arbitrary = [| typeof<Generators> |])>].
type Generators =
    static member GradientCase() = Arb.fromGen gradientCase
    static member Architecture() = Arb.fromGen architecture
