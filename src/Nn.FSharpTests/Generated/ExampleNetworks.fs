/// The declared example networks of Nn.Examples behind one record, so every property runs on each of them, with
/// the FsCheck generators of their cases.
module Nn.Tests.Generated.ExampleNetworks

open System
open FsCheck
open FsCheck.FSharp
open Nn
open Nn.Examples
open Nn.Tests.Arbitraries

/// One declared stack: its runtime description and its generated entry points in double and in float.
type Example =
    { Name: string
      Architecture: Architecture
      Loss: Loss
      L2: float
      Forward: float[] -> float[] -> float[]
      CostBatch: float[] -> float[] -> float[] -> int -> float
      GradientBatch: float[] -> float[] -> float[] -> int -> float * float[]
      ForwardSingle: float32[] -> float32[] -> float32[]
      GradientBatchSingle: float32[] -> float32[] -> float32[] -> int -> float32 * float32[] }
    override this.ToString() = this.Name

let private ro (a: 'T[]) = ReadOnlySpan<'T>(a)
let private rw (a: 'T[]) = Span<'T>(a)

/// Wraps the span entry points of a generated type; the L2 example passes the batch size as m, as the runtime's
/// Backprop.Gradient does by default.
let inline private example name (architecture: Architecture) loss l2 outputs parameterCount forward costBatch gradientBatch forwardSingle gradientBatchSingle =
    { Name = name
      Architecture = architecture
      Loss = loss
      L2 = l2
      Forward = fun theta x -> let y = Array.zeroCreate outputs in forward theta x y; y
      CostBatch = costBatch
      GradientBatch = fun theta xs ys rows -> let g = Array.zeroCreate parameterCount in let c = gradientBatch theta xs ys rows g in c, g
      ForwardSingle = fun theta x -> let y = Array.zeroCreate outputs in forwardSingle theta x y; y
      GradientBatchSingle = fun theta xs ys rows -> let g = Array.zeroCreate parameterCount in let c = gradientBatchSingle theta xs ys rows g in c, g }

let tiny =
    example "3-2-1 sigmoid, no biases, quadratic" TinyDouble.Architecture TinyDouble.LossFunction 0.0 TinyDouble.OutputSize TinyDouble.ParameterCount
        (fun p x y -> TinyDouble.Forward(ro p, ro x, rw y))
        (fun p xs ys rows -> TinyDouble.CostBatch(ro p, ro xs, ro ys, rows))
        (fun p xs ys rows g -> TinyDouble.CostAndGradientBatch(ro p, ro xs, ro ys, rows, rw g))
        (fun p x y -> TinyFloat.Forward(ro p, ro x, rw y))
        (fun p xs ys rows g -> TinyFloat.CostAndGradientBatch(ro p, ro xs, ro ys, rows, rw g))

let mnistSigmoid =
    example "784-100-10 sigmoid, quadratic" MnistSigmoidDouble.Architecture MnistSigmoidDouble.LossFunction 0.0 MnistSigmoidDouble.OutputSize MnistSigmoidDouble.ParameterCount
        (fun p x y -> MnistSigmoidDouble.Forward(ro p, ro x, rw y))
        (fun p xs ys rows -> MnistSigmoidDouble.CostBatch(ro p, ro xs, ro ys, rows))
        (fun p xs ys rows g -> MnistSigmoidDouble.CostAndGradientBatch(ro p, ro xs, ro ys, rows, rw g))
        (fun p x y -> MnistSigmoidFloat.Forward(ro p, ro x, rw y))
        (fun p xs ys rows g -> MnistSigmoidFloat.CostAndGradientBatch(ro p, ro xs, ro ys, rows, rw g))

let mnistSoftmax =
    example "784-50-10 ReLU, softmax cross-entropy" MnistSoftmaxDouble.Architecture MnistSoftmaxDouble.LossFunction 0.0 MnistSoftmaxDouble.OutputSize MnistSoftmaxDouble.ParameterCount
        (fun p x y -> MnistSoftmaxDouble.Forward(ro p, ro x, rw y))
        (fun p xs ys rows -> MnistSoftmaxDouble.CostBatch(ro p, ro xs, ro ys, rows))
        (fun p xs ys rows g -> MnistSoftmaxDouble.CostAndGradientBatch(ro p, ro xs, ro ys, rows, rw g))
        (fun p x y -> MnistSoftmaxFloat.Forward(ro p, ro x, rw y))
        (fun p xs ys rows g -> MnistSoftmaxFloat.CostAndGradientBatch(ro p, ro xs, ro ys, rows, rw g))

let multiLabel =
    example "400-25-10 sigmoid, binary cross-entropy, L2 λ = 1" MultiLabelDouble.Architecture MultiLabelDouble.LossFunction MultiLabelDouble.L2Lambda MultiLabelDouble.OutputSize MultiLabelDouble.ParameterCount
        (fun p x y -> MultiLabelDouble.Forward(ro p, ro x, rw y))
        (fun p xs ys rows -> MultiLabelDouble.CostBatch(ro p, ro xs, ro ys, rows, rows))
        (fun p xs ys rows g -> MultiLabelDouble.CostAndGradientBatch(ro p, ro xs, ro ys, rows, rw g, rows))
        (fun p x y -> MultiLabelFloat.Forward(ro p, ro x, rw y))
        (fun p xs ys rows g -> MultiLabelFloat.CostAndGradientBatch(ro p, ro xs, ro ys, rows, rw g, rows))

let digits =
    example "64-32-10 ReLU, softmax cross-entropy" DigitsDouble.Architecture DigitsDouble.LossFunction 0.0 DigitsDouble.OutputSize DigitsDouble.ParameterCount
        (fun p x y -> DigitsDouble.Forward(ro p, ro x, rw y))
        (fun p xs ys rows -> DigitsDouble.CostBatch(ro p, ro xs, ro ys, rows))
        (fun p xs ys rows g -> DigitsDouble.CostAndGradientBatch(ro p, ro xs, ro ys, rows, rw g))
        (fun p x y -> DigitsFloat.Forward(ro p, ro x, rw y))
        (fun p xs ys rows g -> DigitsFloat.CostAndGradientBatch(ro p, ro xs, ro ys, rows, rw g))

let mixed =
    example "12-6-4-3 tanh, identity, softmax, quadratic" MixedDouble.Architecture MixedDouble.LossFunction 0.0 MixedDouble.OutputSize MixedDouble.ParameterCount
        (fun p x y -> MixedDouble.Forward(ro p, ro x, rw y))
        (fun p xs ys rows -> MixedDouble.CostBatch(ro p, ro xs, ro ys, rows))
        (fun p xs ys rows g -> MixedDouble.CostAndGradientBatch(ro p, ro xs, ro ys, rows, rw g))
        (fun p x y -> MixedFloat.Forward(ro p, ro x, rw y))
        (fun p xs ys rows g -> MixedFloat.CostAndGradientBatch(ro p, ro xs, ro ys, rows, rw g))

let hiddenSoftmax =
    example "260-12-8-4-3 softmax, softmax, softmax, sigmoid, binary cross-entropy" HiddenSoftmaxDouble.Architecture HiddenSoftmaxDouble.LossFunction 0.0 HiddenSoftmaxDouble.OutputSize HiddenSoftmaxDouble.ParameterCount
        (fun p x y -> HiddenSoftmaxDouble.Forward(ro p, ro x, rw y))
        (fun p xs ys rows -> HiddenSoftmaxDouble.CostBatch(ro p, ro xs, ro ys, rows))
        (fun p xs ys rows g -> HiddenSoftmaxDouble.CostAndGradientBatch(ro p, ro xs, ro ys, rows, rw g))
        (fun p x y -> HiddenSoftmaxFloat.Forward(ro p, ro x, rw y))
        (fun p xs ys rows g -> HiddenSoftmaxFloat.CostAndGradientBatch(ro p, ro xs, ro ys, rows, rw g))

let all = [ tiny; mnistSigmoid; mnistSoftmax; multiLabel; digits; mixed; hiddenSoftmax ]

/// One property case: an example network, parameters, and a batch of 1–3 samples (the per-sample path) or 16–20
/// samples (the GEMM path of stacks with a layer too big to unroll, from 16 rows) with targets its loss accepts.
type ExampleCase =
    { Example: Example
      Theta: float[]
      Inputs: float[]
      Targets: float[]
      Rows: int }
    override this.ToString() = sprintf "%s, %d rows" this.Example.Name this.Rows

let private runtime (case: ExampleCase) =
    Network.FromParameters(case.Example.Architecture, ReadOnlySpan case.Theta)

/// The inputs as a runtime matrix.
let inputsOf (case: ExampleCase) = Matrix<float>.FromRows([| for i in 0 .. case.Rows - 1 -> case.Inputs[i * case.Example.Architecture.InputSize .. (i + 1) * case.Example.Architecture.InputSize - 1] :> Collections.Generic.IReadOnlyList<float> |])

/// The targets as a runtime matrix.
let targetsOf (case: ExampleCase) = Matrix<float>.FromRows([| for i in 0 .. case.Rows - 1 -> case.Targets[i * case.Example.Architecture.OutputSize .. (i + 1) * case.Example.Architecture.OutputSize - 1] :> Collections.Generic.IReadOnlyList<float> |])

/// The runtime network of a case.
let networkOf (case: ExampleCase) = runtime case

/// No ReLU unit within the margin of its kink, so central differences see a smooth cost.
let private awayFromKinks (case: ExampleCase) =
    let trace = Network.Trace(runtime case, inputsOf case)
    case.Example.Architecture.Layers
    |> Seq.indexed
    |> Seq.forall (fun (l, layer) ->
        layer.Activation <> Activation.Relu || trace.Z[l].AsSpan().ToArray() |> Array.forall (fun z -> abs z > reluMargin))

let private caseOf (example: Example) =
    gen {
        let architecture = example.Architecture
        let! rows = Gen.frequency [ 3, Gen.choose (1, 3); 1, Gen.choose (16, 20) ]
        // Weights of order n^(-1/2) keep units out of saturation, as the textbook initialisation does.
        let scales = [| for layer in architecture.Layers do yield! Array.create layer.ParameterCount (1.0 / sqrt (float layer.Inputs)) |]
        let! raw = Gen.arrayOfLength architecture.ParameterCount (boundedFloat -2.0 2.0)
        let! inputs = Gen.arrayOfLength (rows * architecture.InputSize) (boundedFloat 0.0 1.0)
        let! targets = Gen.arrayOfLength rows (targetsFor example.Loss architecture.OutputSize)
        return
            { Example = example
              Theta = Array.map2 (*) raw scales
              Inputs = inputs
              Targets = Array.concat targets
              Rows = rows }
    }
    |> Gen.filter awayFromKinks

/// Cases over every example network.
type Generators =
    static member ExampleCase() = Arb.fromGen (Gen.elements all |> Gen.bind caseOf)
