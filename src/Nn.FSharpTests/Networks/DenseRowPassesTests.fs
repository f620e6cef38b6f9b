/// The element-wise passes between a dense step's products, split over threads: bit for bit the one-thread passes.
module Nn.Tests.Networks.DenseRowPassesTests

open System
open Nn
open Nn.Kernels
open Xunit

let private random (seed: int) length =
    let r = Random(seed)
    Array.init length (fun _ -> r.NextDouble() * 8.0 - 4.0)

let private activations = [ Activation.Relu; Activation.Sigmoid; Activation.Tanh; Activation.Identity; Activation.Softmax ]

/// Network B's layers, a width whose rows are not whole vectors, odd batch sizes (a remainder of rows after the
/// aligned units) and a softmax output; all above the split threshold except the last, which stays on one thread.
let private shapes = [ (128, 256); (330, 100); (111, 300); (200, 10); (513, 65); (3, 7) ]

let private paths = KernelSelection.Supported() |> List.ofArray

/// z + b and σ(z + b), unsplit (no passes) or through `passes`.
let private forward (passes: DenseRowPasses<'T> option) (activation: Activation) withBias rows width (toT: float -> 'T) =
    let z = random 1 (rows * width) |> Array.map toT
    let bias = if withBias then random 2 width |> Array.map toT else [||]
    let a = Array.zeroCreate<'T> (rows * width)
    match passes with
    | Some passes -> passes.BiasAndActivation(activation, ReadOnlySpan bias, rows, width, Span z, Span a)
    | None ->
        if withBias then DenseKernels.AddRowVectorInto<'T>(ReadOnlySpan bias, rows, Span z)
        activation.ForwardInto<'T>(ReadOnlySpan z, Span a, width)
    z, a

/// ∂C/∂b (+)= Σ_rows δ and ∂C/∂z = ∂C/∂a ⊙ σ'(z) of the layer below, unsplit or through `passes`.
let private backward (passes: DenseRowPasses<'T> option) (below: Activation) withBias withBelow rows width belowWidth (toT: float -> 'T) =
    let delta = random 3 (rows * width) |> Array.map toT
    let biasGradient = if withBias then random 4 width |> Array.map toT else [||]
    let zBelow = random 5 (rows * belowWidth) |> Array.map toT
    let aBelow = Array.zeroCreate<'T> (rows * belowWidth)
    below.ForwardInto<'T>(ReadOnlySpan zBelow, Span aBelow, belowWidth)
    let gradientZ = if withBelow then random 6 (rows * belowWidth) |> Array.map toT else [||]
    match passes with
    | Some passes ->
        passes.BiasGradientAndActivationBackward(
            ReadOnlySpan delta, rows, width, Span biasGradient, below, belowWidth, ReadOnlySpan zBelow, ReadOnlySpan aBelow, Span gradientZ)
    | None ->
        if withBias then DenseKernels.AddColumnSumsInto<'T>(ReadOnlySpan delta, rows, Span biasGradient)
        if withBelow then below.BackwardInto<'T>(ReadOnlySpan zBelow, ReadOnlySpan aBelow, ReadOnlySpan gradientZ, Span gradientZ, belowWidth)
    biasGradient, gradientZ

[<Theory>]
[<InlineData(2)>]
[<InlineData(3)>]
let ``bias and activation split over threads equal the one-thread pass bit for bit, on every path, in float and double`` (threads: int) =
    use pool = new WorkerPool(threads)
    for path in paths do
        use _ = KernelSelection.Enter path
        for activation in activations do
            for rows, width in shapes do
                for withBias in [ true; false ] do
                    Assert.Equal(forward None activation withBias rows width float32, forward (Some(DenseRowPasses<float32>(pool))) activation withBias rows width float32)
                    Assert.Equal(forward None activation withBias rows width id, forward (Some(DenseRowPasses<float>(pool))) activation withBias rows width id)

[<Theory>]
[<InlineData(2)>]
[<InlineData(3)>]
let ``bias gradient and activation derivative split over threads equal the one-thread passes bit for bit, on every path, in float and double`` (threads: int) =
    use pool = new WorkerPool(threads)
    for path in paths do
        use _ = KernelSelection.Enter path
        for below in activations do
            for rows, width in shapes do
                let belowWidth = width + 37
                for withBias, withBelow in [ (true, true); (true, false); (false, true) ] do
                    Assert.Equal(
                        backward None below withBias withBelow rows width belowWidth float32,
                        backward (Some(DenseRowPasses<float32>(pool))) below withBias withBelow rows width belowWidth float32)
                    Assert.Equal(
                        backward None below withBias withBelow rows width belowWidth id,
                        backward (Some(DenseRowPasses<float>(pool))) below withBias withBelow rows width belowWidth id)

[<Fact>]
let ``a training step with the passes split over two threads gives the parameters of one thread bit for bit`` () =
    let architecture = Architecture.Input(300).Dense(100, Activation.Sigmoid).Dense(64, Activation.Tanh).Dense(10, Activation.Softmax)
    let network = Network.Create<float32>(architecture, Initializer.He, 3UL)
    let random = Random(9)
    let rows = 150
    let x = Array.init (rows * 300) (fun _ -> float32 (random.NextDouble()))
    let y = Array.init (rows * 10) (fun i -> if i % 10 = (i / 10) % 10 then 1.0f else 0.0f)
    let gradientOn (team: GemmTeam<float32> option) =
        let workspace = Workspace<float32>(architecture, rows, Option.toObj team)
        let gradient = Array.zeroCreate<float32> network.Parameters.Length
        let cost = Propagation.LossAndGradient<float32>(architecture, ReadOnlySpan(network.Parameters.ToArray()), Loss.SoftmaxCrossEntropy, ReadOnlySpan x, ReadOnlySpan y, rows, 0.0f, 1, workspace, Span gradient, true)
        cost, gradient, workspace.A |> Array.map Array.copy
    use pool = new WorkerPool(2)
    Assert.Equal(gradientOn None, gradientOn (Some(GemmTeam<float32>(pool))))

[<Theory>]
[<InlineData(2)>]
[<InlineData(3)>]
let ``the activation derivative between any two layers split over threads equals the one-thread pass bit for bit`` (threads: int) =
    // Per-sample widths of a convolution's and a pooling layer's outputs (6×24×24, 16×8×8, 6×12×12), one not a whole
    // number of vectors, and a batch with a remainder of rows.
    let pass (passes: DenseRowPasses<'T> option) (activation: Activation) rows width (toT: float -> 'T) =
        let z = random 7 (rows * width) |> Array.map toT
        let a = Array.zeroCreate<'T> (rows * width)
        activation.ForwardInto<'T>(ReadOnlySpan z, Span a, width)
        let gradient = random 8 (rows * width) |> Array.map toT
        match passes with
        | Some passes -> passes.ActivationBackward(activation, rows, width, ReadOnlySpan z, ReadOnlySpan a, Span gradient)
        | None -> activation.BackwardInto<'T>(ReadOnlySpan z, ReadOnlySpan a, ReadOnlySpan gradient, Span gradient, width)
        gradient
    use pool = new WorkerPool(threads)
    for path in paths do
        use _ = KernelSelection.Enter path
        for activation in activations do
            for rows, width in [ (128, 3456); (37, 1024); (128, 864); (50, 1001) ] do
                Assert.Equal<float32[]>(pass None activation rows width float32, pass (Some(DenseRowPasses<float32>(pool))) activation rows width float32)
                Assert.Equal<float[]>(pass None activation rows width id, pass (Some(DenseRowPasses<float>(pool))) activation rows width id)
