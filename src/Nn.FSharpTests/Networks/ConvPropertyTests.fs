/// The proof for stacks with convolutions and pooling: backpropagation equals central differences on random conv
/// stacks (1–4 channels, kernels 1–5 high and wide independently, strides 1–3, padding 0–2, pooling, then dense)
/// with every activation and loss, in double.
module Nn.Tests.Networks.ConvPropertyTests

open System
open Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Nn
open Nn.Tests.Arbitraries
open Nn.Tests.Networks.BackpropPropertyTests

let private hiddenActivations = [ Activation.Identity; Activation.Sigmoid; Activation.Tanh; Activation.Relu ]

let private outputActivations = Activation.Softmax :: hiddenActivations

/// One convolution that fits on top of <paramref name="architecture"/>.
let private convolution (architecture: Architecture) =
    gen {
        let shape = architecture.OutputShape
        let! padding = Gen.choose (0, 2)
        let! kernelHeight = Gen.choose (1, min 5 (shape.Height + 2 * padding))
        let! kernelWidth = Gen.choose (1, min 5 (shape.Width + 2 * padding))
        let! filters = Gen.choose (1, 4)
        let! stride = Gen.choose (1, 3)
        let! activation = Gen.elements hiddenActivations
        let! hasBias = Gen.elements [ true; true; false ]
        return architecture.Conv2D(filters, kernelHeight, kernelWidth, activation, stride, padding, hasBias)
    }

/// Max-pooling that fits on top of <paramref name="architecture"/>, or the architecture unchanged when none fits.
let private pooling (architecture: Architecture) =
    gen {
        let shape = architecture.OutputShape
        let largest = min 3 (min shape.Height shape.Width)
        let! window = Gen.choose (1, largest)
        let! stride = Gen.choose (1, 3)
        return if largest < 1 then architecture else architecture.MaxPool2D(window, stride)
    }

let rec private spatial (count: int) (architecture: Architecture) =
    if count = 0 then
        Gen.constant architecture
    else
        gen {
            let! pool = Gen.elements [ false; false; true ]
            let! next = if pool && not architecture.Stack.IsEmpty then pooling architecture else convolution architecture
            return! spatial (count - 1) next
        }

/// A dense output layer of 1–4 units with any output activation on top of <paramref name="stack"/>.
let private denseOutput (stack: Architecture) =
    gen {
        let! outputs = Gen.choose (1, 4)
        let! output = Gen.elements outputActivations
        return stack.Dense(outputs, output)
    }

/// An image input, one to three convolution or pooling layers (the first a convolution), then one or two dense layers.
let convArchitecture : Gen<Architecture> =
    gen {
        let! channels = Gen.choose (1, 4)
        let! height = Gen.choose (2, 7)
        let! width = Gen.choose (2, 7)
        let! depth = Gen.choose (1, 3)
        let! stack = spatial depth (Architecture.Input(channels, height, width))
        let! hidden = Gen.elements [ None; Some 3 ]
        let! hiddenActivation = Gen.elements hiddenActivations
        return! denseOutput (match hidden with Some width -> stack.Dense(width, hiddenActivation) | None -> stack)
    }

/// How far apart the largest two values of a pooling window must be, so that one parameter's finite-difference
/// step (1e-5, moving a pooled value by a few times that at most) cannot swap which one is the maximum.
let poolMargin = 3e-4

/// Whether every pooling window of <paramref name="input"/> (rows of the layer's input shape) has a clear first
/// maximum; a tie at 0 below a ReLU is harmless, since those units stay at 0 under the step.
let private clearMaxima (pool: MaxPool2DLayer) (input: float[]) (belowRelu: bool) =
    let shape = pool.InputShape
    let output = pool.OutputShape
    let rows = input.Length / shape.Size
    seq {
        for n in 0 .. rows - 1 do
            for c in 0 .. shape.Channels - 1 do
                for i in 0 .. output.Height - 1 do
                    for j in 0 .. output.Width - 1 do
                        let window =
                            [| for u in 0 .. pool.Window - 1 do
                                   for v in 0 .. pool.Window - 1 ->
                                       input[n * shape.Size + (c * shape.Height + i * pool.Stride + u) * shape.Width + j * pool.Stride + v] |]
                            |> Array.sortDescending
                        window.Length = 1 || window[0] - window[1] > poolMargin || (belowRelu && window[0] = 0.0)
    }
    |> Seq.forall id

/// No ReLU unit within <see cref="reluMargin"/> of its kink and no pooling window near a tie.
let private awayFromKinksAndTies (case: GradientCase) =
    let architecture = case.Network.Architecture
    let trace = Network.Trace(case.Network, case.Inputs)
    architecture.Stack
    |> Seq.indexed
    |> Seq.forall (fun (l, layer) ->
        let kinks = layer.Activation <> Activation.Relu || trace.Z[l].AsSpan().ToArray() |> Array.forall (fun z -> abs z > reluMargin)
        let ties =
            match layer with
            | :? MaxPool2DLayer as pool ->
                let belowRelu = l > 0 && architecture.Stack[l - 1].Activation = Activation.Relu
                clearMaxima pool (trace.A[l].AsSpan().ToArray()) belowRelu
            | _ -> true
        kinks && ties)

/// Xavier-scaled weights and biases in [−0.5, 0.5]. Unscaled weights in [−1, 1] over fields of up to 100 inputs
/// push softmax and sigmoid outputs to within 1e-9 of 0 or 1, where the cost's third derivative is so large that the
/// central differences themselves, not backprop, are off by 1e-6.
let private scaledParameters (architecture: Architecture) =
    gen {
        let! seed = Gen.choose (0, Int32.MaxValue)
        let theta = Network.Create<float>(architecture, Initializer.Xavier, uint64 seed).Parameters.ToArray()
        let biasCount = architecture.Stack |> Seq.sumBy (fun layer -> layer.BiasCount)
        let! biases = Gen.arrayOfLength biasCount (boundedFloat -0.5 0.5)
        let mutable next = 0
        for l in 0 .. architecture.Stack.Length - 1 do
            for j in 0 .. architecture.Stack[l].BiasCount - 1 do
                theta[architecture.BiasOffset l + j] <- biases[next]
                next <- next + 1
        return theta
    }

/// A first convolution that a training step fuses with the max-pooling above it (ReLU, stride 1, a receptive field
/// of at most 32 values, so it runs directly), that pooling, maybe more spatial layers, then one or two dense layers.
let fusedArchitecture : Gen<Architecture> =
    gen {
        let! channels = Gen.choose (1, 2)
        let! height = Gen.choose (3, 7)
        let! width = Gen.choose (3, 7)
        let! padding = Gen.choose (0, 2)
        let! kernelHeight = Gen.choose (1, min 4 (height + 2 * padding))
        let! kernelWidth = Gen.choose (1, min 4 (width + 2 * padding))
        let! filters = Gen.choose (1, 4)
        let! hasBias = Gen.elements [ true; false ]
        let first = Architecture.Input(channels, height, width).Conv2D(filters, kernelHeight, kernelWidth, Activation.Relu, 1, padding, hasBias)
        let! pooled = pooling first
        let! depth = Gen.choose (0, 1)
        let! stack = spatial depth pooled
        return! denseOutput stack
    }
    |> Gen.filter (fun architecture ->
        match List.ofSeq architecture.Stack with
        | (:? Conv2DLayer as conv) :: (:? MaxPool2DLayer as pool) :: _ -> conv.FusesWith(pool, Nn.Kernels.KernelPath.Portable, true)
        | _ -> false)

/// A convolution with ReLU that runs with the filters as lanes on a vector path (stride 1, a receptive field of 4–5
/// channels × 3×3 or 3×4 values, output rows at least 8 wide) under another convolution, so that it gives an input
/// gradient, fused with the max-pooling above it; then one dense layer.
let fusedLanesArchitecture : Gen<Architecture> =
    gen {
        let! channels = Gen.choose (1, 2)
        let! height = Gen.choose (8, 10)
        let! width = Gen.choose (10, 11)
        let! below = Gen.choose (4, 5)
        let! filters = Gen.choose (1, 6)
        let! kernelWidth = Gen.choose (3, 4)
        let! padding = Gen.choose (0, 1)
        let! hasBias = Gen.elements [ true; false ]
        let lanes =
            Architecture.Input(channels, height, width).Conv2D(below, 3, 3, Activation.Relu, 1, 1, true)
                .Conv2D(filters, 3, kernelWidth, Activation.Relu, 1, padding, hasBias)
        let! pooled = pooling lanes
        return! denseOutput pooled
    }
    |> Gen.filter (fun architecture ->
        match List.ofSeq architecture.Stack with
        | _ :: (:? Conv2DLayer as conv) :: (:? MaxPool2DLayer as pool) :: _ -> conv.FusesWith(pool, Nn.Kernels.KernelPath.Vector256, false)
        | _ -> false)

let private caseFor (architectures: Gen<Architecture>) : Gen<GradientCase> =
    gen {
        let! architecture = architectures
        let! theta = scaledParameters architecture
        let! loss = Gen.elements (lossesFor architecture.OutputActivation)
        let! rows = Gen.choose (1, 3)
        let! inputs = Gen.arrayOfLength rows (Gen.arrayOfLength architecture.InputSize (boundedFloat -1.0 1.0))
        let! targets = Gen.arrayOfLength rows (targetsFor loss architecture.OutputSize)
        let! l2 = Gen.elements [ 0.0; 0.0; 0.1 ]
        return
            { Network = Network.FromParameters(architecture, ReadOnlySpan theta)
              Loss = loss
              Inputs = Nn.Tests.Helpers.matrix inputs
              Targets = Nn.Tests.Helpers.matrix targets
              L2 = l2 }
    }
    |> Gen.filter awayFromKinksAndTies

let convCase = caseFor convArchitecture

type ConvGenerators =
    static member GradientCase() = Arb.fromGen convCase

type FusedGenerators =
    static member GradientCase() = Arb.fromGen (caseFor fusedArchitecture)

type FusedLanesGenerators =
    static member GradientCase() = Arb.fromGen (caseFor fusedLanesArchitecture)

[<Properties(Arbitrary = [| typeof<ConvGenerators> |], MaxTest = 120)>]
module Properties =

    [<Property>]
    let ``backprop through convolutions and pooling equals central differences`` (case: GradientCase) =
        let report = GradientCheck.Run(case.Network, case.Loss, case.Inputs, case.Targets, case.L2)
        report |> agreesWithCentralDifferences (sprintf "%O\n%O" case report)

    [<Property>]
    let ``a conv batch's gradient is the mean of its samples' gradients`` (case: GradientCase) =
        let batch = Backprop.Gradient(case.Network, case.Loss, case.Inputs, case.Targets)
        let perSample =
            [| for i in 0 .. case.Inputs.Rows - 1 -> Backprop.Gradient(case.Network, case.Loss, case.Inputs.Row(i), case.Targets.Row(i)).Gradient.ToArray() |]
        let mean = Array.init batch.Gradient.Length (fun k -> perSample |> Array.averageBy (fun g -> g[k]))
        Array.forall2 (fun (a: float) b -> abs (a - b) <= 1e-12 * max 1.0 (abs b)) (batch.Gradient.ToArray()) mean
        |> Prop.label (string case)

[<Properties(Arbitrary = [| typeof<FusedGenerators> |], MaxTest = 60)>]
module FusedProperties =

    [<Property>]
    let ``backprop through a first convolution fused with its pooling equals central differences`` (case: GradientCase) =
        let report = GradientCheck.Run(case.Network, case.Loss, case.Inputs, case.Targets, case.L2)
        report |> agreesWithCentralDifferences (sprintf "%O\n%O" case report)

[<Properties(Arbitrary = [| typeof<FusedLanesGenerators> |], MaxTest = 30)>]
module FusedLanesProperties =

    [<Property>]
    let ``backprop through a filter-lanes convolution fused with its pooling, with its input gradient, equals central differences`` (case: GradientCase) =
        let report = GradientCheck.Run(case.Network, case.Loss, case.Inputs, case.Targets, case.L2)
        report |> agreesWithCentralDifferences (sprintf "%O\n%O" case report)

/// Every output activation with every loss defined for it, on one fixed stack with a non-square strided kernel.
let activationLossPairs : obj[] list =
    [ for output in outputActivations do
          for loss in lossesFor output -> [| output.Name :> obj; loss.Name :> obj |] ]

[<Theory>]
[<MemberData(nameof activationLossPairs)>]
let ``every activation and loss pair backpropagates through a conv stack`` (output: string) (lossName: string) =
    let activation = outputActivations |> List.find (fun a -> a.Name = output)
    let loss = [ Loss.Quadratic; Loss.BinaryCrossEntropy; Loss.SoftmaxCrossEntropy ] |> List.find (fun l -> l.Name = lossName)
    let architecture =
        Architecture.Input(2, 6, 5).Conv2D(3, 3, 2, Activation.Tanh, stride = 2, padding = 1).MaxPool2D(2, 1).Dense(3, activation)
    let network = Network.Create<float>(architecture, Initializer.Xavier, 7UL)
    let random = Random(5)
    let inputs = Nn.Tests.Helpers.matrix [| for _ in 1 .. 3 -> Array.init 60 (fun _ -> random.NextDouble() * 2.0 - 1.0) |]
    let targets = Nn.Tests.Helpers.matrix [| for _ in 1 .. 3 -> [| 0.2; 0.5; 0.3 |] |]
    let report = GradientCheck.Run(network, loss, inputs, targets)
    Assert.True(report.Passes(gradientTolerance, absoluteTolerance), string report)

[<Theory>]
[<InlineData("sigmoid")>]
[<InlineData("tanh")>]
let ``a stack whose last layer is a convolution backpropagates the loss's δ through it`` (output: string) =
    // The loss hands the top layer δ, σ' already applied; a convolution lower down is handed ∂C/∂a and applies σ'
    // itself. Were the top one treated as the lower ones, σ' would be applied twice.
    let activation = hiddenActivations |> List.find (fun a -> a.Name = output)
    let architecture = Architecture.Input(2, 6, 5).Conv2D(3, 3, 2, Activation.Tanh, padding = 1).Conv2D(2, 2, 3, activation, stride = 2)
    let network = Network.Create<float>(architecture, Initializer.Xavier, 11UL)
    let random = Random(6)
    let inputs = Nn.Tests.Helpers.matrix [| for _ in 1 .. 3 -> Array.init 60 (fun _ -> random.NextDouble() * 2.0 - 1.0) |]
    let targets = Nn.Tests.Helpers.matrix [| for _ in 1 .. 3 -> Array.init architecture.OutputSize (fun _ -> random.NextDouble()) |]
    let report = GradientCheck.Run(network, Loss.Quadratic, inputs, targets)
    Assert.True(report.Passes(gradientTolerance, absoluteTolerance), string report)
