/// Guard bands around the destinations of the kernels that declared networks' generated code calls (GuardedBuffers):
/// GeneratedKernels' row products and axpys (with GeneratedKernels128 on the Vector128 path), GeneratedChecks' update
/// of θ, the GeneratedSpans operations and GeneratedStacks' whole-batch passes, on every kernel path this CPU runs, in
/// float and double. Each writes exactly the reference's values into its slice and nothing outside it.
module Nn.Tests.Kernels.GeneratedKernelGuardBandTests

open System
open System.Numerics
open Nn
open Nn.Kernels
open Nn.Tests.Kernels.GuardedBuffers
open Nn.Tests.Kernels.KernelPathData
open Xunit

let private elementwise<'T when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType>
    path
    : Elementwise<'T> list =
    let s = scalar<'T> 0.75
    [ unary "GeneratedKernels.Scale" (fun x y -> GeneratedKernels.Scale<'T>(path, x.Input, s, y.Span)) (fun x -> 0.75 * x)
      updating "GeneratedKernels.AddScaled" (fun x y -> GeneratedKernels.AddScaled<'T>(path, x.Input, s, y.Span)) (fun x y -> y + 0.75 * x)
      unary "GeneratedSpans.Max" (fun x d -> GeneratedSpans.Max<'T>(x.Input, scalar<'T> 0.25, d.Span)) (fun x -> max x 0.25)
      unary "GeneratedSpans.Multiply" (fun x d -> GeneratedSpans.Multiply<'T>(x.Input, s, d.Span)) (fun x -> x * 0.75)
      binary "GeneratedSpans.MultiplyAdd" (fun x addend d -> GeneratedSpans.MultiplyAdd<'T>(x.Input, s, addend.Input, d.Span)) (fun x addend -> x * 0.75 + addend)
      // TensorPrimitives refuses an empty sigmoid.
      { unary "GeneratedSpans.Sigmoid" (fun x d -> GeneratedSpans.Sigmoid<'T>(x.Input, d.Span)) sigmoid with TakesEmpty = false }
      unary "GeneratedSpans.Tanh" (fun x d -> GeneratedSpans.Tanh<'T>(x.Input, d.Span)) tanh ]

/// z_j = W_j · x four rows a pass, y += Σ d_i x_i over four samples, and θ += −η g, at sizes around every vector's.
let private rowsAndUpdates<'T when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType> path =
    let rounding = tolerance<'T> 1e-5 1e-13
    for rows in [ 0; 1; 3; 4; 5; 9 ] do
        for n in [ 0; 1; 3; 4; 7; 8; 9; 16; 17; 33; 65 ] do
            let w, x, z = guarded<'T> "W" (uniform 1 (rows * n)), guarded<'T> "x" (uniform 2 n), guarded<'T> "z" (uniform 3 rows)
            let weights, values = toFloats w.Values, toFloats x.Values
            let expected = Array.init rows (fun j -> Seq.sum (seq { for k in 0 .. n - 1 -> weights[j * n + k] * values[k] }))
            let case = $"GeneratedKernels.MultiplyRows on {path} in {typeName<'T>}, {rows} × {n}"
            runGuarded case [ z ] [ w; x ] (fun () -> GeneratedKernels.MultiplyRows<'T>(path, w.Input, x.Input, z.Span, rows, n))
            assertValues case rounding expected z
    let d = [| 0.5; -0.25; 0.75; 1.5 |]
    for n in lengths do
        let x, y = guarded<'T> "x" (uniform 1 (4 * n)), guarded<'T> "y" (uniform 2 n)
        let samples, before = toFloats x.Values, toFloats y.Values
        let expected = Array.init n (fun k -> before[k] + Seq.sum (seq { for i in 0 .. 3 -> d[i] * samples[i * n + k] }))
        let case = $"GeneratedKernels.AddScaled4 on {path} in {typeName<'T>}, length {n}"
        runGuarded case [ y ] [ x ] (fun () ->
            GeneratedKernels.AddScaled4<'T>(path, x.Input, scalar<'T> d[0], scalar<'T> d[1], scalar<'T> d[2], scalar<'T> d[3], y.Span))
        assertValues case rounding expected y
    let architecture = Architecture.Input(3).Dense(2, Activation.Identity)
    for n in lengths do
        let theta, gradient = guarded<'T> "θ" (uniform 1 n), guarded<'T> "g" (uniform 2 n)
        let expected = Array.map2 (fun t g -> t - 0.5 * g) (toFloats theta.Values) (toFloats gradient.Values)
        let case = $"GeneratedChecks.UpdateChecked on {path} in {typeName<'T>}, length {n}"
        runGuarded case [ theta ] [ gradient ] (fun () -> GeneratedChecks.UpdateChecked<'T>(theta.Span, gradient.Input, scalar<'T> 0.5, architecture))
        assertValues case rounding expected theta

[<Theory>]
[<OnPath(KernelPath.Auto)>]
[<OnPath(KernelPath.Portable)>]
[<OnPath(KernelPath.Vector128)>]
[<OnPath(KernelPath.Vector256)>]
[<OnPath(KernelPath.Vector512)>]
let ``a generated network's kernels write exactly their destinations and nothing around them`` (path: KernelPath) =
    use _ = KernelScope.Enter path
    checkElementwise<float32> path 1e-6 (elementwise<float32> path)
    checkElementwise<float> path 1e-14 (elementwise<float> path)
    rowsAndUpdates<float32> path
    rowsAndUpdates<float> path

/// A padded convolution, pooling and two dense layers; the same with batch normalisation and dropout, whose training
/// pass also writes running statistics.
let private convolutional =
    Architecture.Input(2, 7, 6).Conv2D(3, 3, 3, Activation.Tanh, stride = 1, padding = 1).MaxPool2D(2).Dense(5, Activation.Tanh).Dense(2, Activation.Sigmoid)

let private regularised =
    Architecture.Input(2, 4, 4)
        .Conv2D(3, 3, 3, Activation.Tanh, stride = 1, padding = 1).BatchNorm().Dropout(0.3)
        .Dense(5, Activation.Tanh).BatchNorm().Dropout(0.5).Dense(2, Activation.Sigmoid)

let private stacks<'T when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType> path =
    let rounding = tolerance<'T> 1e-5 1e-12
    let rows = 5
    for architecture in [ convolutional; regularised ] do
        let network = Network.Create<'T>(architecture, Initializer.Xavier, 21UL)
        let theta = guarded<'T> "θ" (toFloats (network.Parameters.ToArray()))
        let inputs = guarded<'T> "X" (uniform 1 (rows * architecture.InputSize))
        let targets = guarded<'T> "Y" (uniform 2 (rows * architecture.OutputSize) |> Array.map abs)
        let x, y = Matrix<'T>.Create(rows, architecture.InputSize, inputs.Values), Matrix<'T>.Create(rows, architecture.OutputSize, targets.Values)
        let where = $"on {path} in {typeName<'T>}, {architecture}"
        let gradient = guarded<'T> "∇θ C" (uniform 3 architecture.ParameterCount)
        if architecture.StateCount = 0 then
            let expected = Backprop.Gradient<'T>(network, Loss.BinaryCrossEntropy, x, y, 0.1, 50)
            runGuarded ("GeneratedStacks.CostAndGradient " + where) [ gradient ] [ theta; inputs; targets ] (fun () ->
                GeneratedStacks.CostAndGradient<'T>(architecture, Loss.BinaryCrossEntropy, theta.Input, inputs.Input, targets.Input, rows, scalar<'T> 0.1, 50, gradient.Span)
                |> ignore)
            assertValues ("GeneratedStacks.CostAndGradient " + where) rounding (toFloats (expected.Gradient.ToArray())) gradient
            let outputs = guarded<'T> "a^L" (uniform 4 (rows * architecture.OutputSize))
            runGuarded ("GeneratedStacks.Forward " + where) [ outputs ] [ theta; inputs ] (fun () ->
                GeneratedStacks.Forward<'T>(architecture, theta.Input, inputs.Input, outputs.Span, rows))
            assertValues ("GeneratedStacks.Forward " + where) rounding (toFloats (Network.Forward(network, x).AsSpan().ToArray())) outputs
        else
            // The reference is the runtime trainer's own pass in a training step's mode (OptimizerSteps.ComputeGradient).
            let statistics = guarded<'T> "r" (Array.create architecture.StateCount 0.5)
            let next = guarded<'T> "r'" (uniform 5 architecture.StateCount)
            let expectedGradient, expectedNext = Array.zeroCreate<'T> architecture.ParameterCount, Array.zeroCreate<'T> architecture.StateCount
            Propagation.LossAndGradient<'T>(
                architecture, theta.Input, Loss.BinaryCrossEntropy, inputs.Input, targets.Input, rows, scalar<'T> 0.1, 50, new Workspace<'T>(architecture, rows),
                Span expectedGradient, true, PassMode<'T>.TrainingStep(7UL, statistics.Input, Span expectedNext))
            |> ignore
            runGuarded ("GeneratedStacks.TrainingCostAndGradient " + where) [ gradient; next ] [ theta; inputs; targets; statistics ] (fun () ->
                GeneratedStacks.TrainingCostAndGradient<'T>(
                    architecture, Loss.BinaryCrossEntropy, theta.Input, inputs.Input, targets.Input, rows, scalar<'T> 0.1, 50, 7UL, statistics.Input, next.Span,
                    gradient.Span)
                |> ignore)
            assertValues ("GeneratedStacks.TrainingCostAndGradient " + where) rounding (toFloats expectedGradient) gradient
            assertValues ("GeneratedStacks.TrainingCostAndGradient " + where) rounding (toFloats expectedNext) next

[<Theory>]
[<OnPath(KernelPath.Auto)>]
[<OnPath(KernelPath.Portable)>]
[<OnPath(KernelPath.Vector128)>]
[<OnPath(KernelPath.Vector256)>]
[<OnPath(KernelPath.Vector512)>]
let ``a generated stack's whole-batch passes write exactly their outputs, gradient and statistics and nothing around them`` (path: KernelPath) =
    use _ = KernelScope.Enter path
    stacks<float32> path
    stacks<float> path
