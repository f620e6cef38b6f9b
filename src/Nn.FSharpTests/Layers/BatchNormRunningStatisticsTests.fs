/// Batch normalisation's running statistics at the edges the golden batches (4 rows, 12 pixels) do not reach: a batch
/// of two values per feature, the fewest that estimate a variance, moves them by the unbiased 2σ²_B; a batch of one
/// leaves them as they were (its variance would be 0/0); a running variance of exactly 0 is a valid state; and the
/// initial state is written over whatever its buffer held; the backward pass at inference, which no network pass
/// makes (gradients are always of the training objective), still follows its formula; and the backward pass writes
/// or adds to the gradient buffer as asked, whatever the buffer held.
module Nn.Tests.Layers.BatchNormRunningStatisticsTests

open System
open Nn
open Nn.Tests.Helpers
open Xunit

/// One training step's forward pass of the layer alone from running statistics r, returning r'.
let private nextStatistics (layer: BatchNormLayer) (rows: int) (x: float[]) (statistics: float[]) =
    let buffers = LayerBuffers<float>(Array.zeroCreate (int (layer.ScratchLength rows)), [||], Nn.Kernels.KernelSelection.Best, null)
    let theta = Array.append (Array.create layer.Features 1.0) (Array.zeroCreate layer.Features)
    let next = Array.create layer.StateCount Double.NaN
    let z = Array.zeroCreate<float> x.Length
    let a = Array.zeroCreate<float> x.Length
    layer.Forward<float>(
        ReadOnlySpan theta, ReadOnlySpan x, rows, Span z, Span a, buffers, PassMode<float>.TrainingStep(1UL, ReadOnlySpan statistics, Span next))
    next

/// Running means 0.5 and −0.5, running variances 2 and 3.
let private running = [| 0.5; -0.5; 2.0; 3.0 |]

[<Fact>]
let ``two values per feature move the running statistics by the batch mean and the unbiased variance`` () =
    // Feature 0 sees 1 and 3: mean 2, biased variance 1, unbiased 2. Feature 1 sees 2 and 6: mean 4, variance 4, unbiased 8.
    let next = nextStatistics (BatchNormLayer(Shape.Vector 2, momentum = 0.1)) 2 [| 1.0; 2.0; 3.0; 6.0 |] running
    assertAllClose doubleRounding [| 0.9 * 0.5 + 0.1 * 2.0; 0.9 * -0.5 + 0.1 * 4.0; 0.9 * 2.0 + 0.1 * 2.0; 0.9 * 3.0 + 0.1 * 8.0 |] next

[<Fact>]
let ``one value per feature leaves the running statistics as they were`` () =
    let next = nextStatistics (BatchNormLayer(Shape.Vector 2, momentum = 0.1)) 1 [| 7.0; -4.0 |] running
    Assert.Equal<float[]>(running, next)

[<Fact>]
let ``one image counts its pixels as the values of each channel`` () =
    // One sample of 1x1x2 pixels: 1 and 3, so mean 2 and unbiased variance 2, as for two rows of a vector.
    let next = nextStatistics (BatchNormLayer(Shape.Image(1, 1, 2), momentum = 0.5)) 1 [| 1.0; 3.0 |] [| 0.0; 1.0 |]
    assertAllClose doubleRounding [| 1.0; 1.5 |] next

[<Fact>]
let ``a running variance of exactly zero is a valid state`` () =
    let architecture = Architecture.Input(2).BatchNorm()
    let network =
        Network<float>(architecture, ParameterVector<float>.Create(ReadOnlySpan [| 1.0; 1.0; 0.0; 0.0 |]), ParameterVector<float>.Create(ReadOnlySpan [| 0.0; 0.0; 0.0; 1.0 |]))
    // At inference x̂ = x/√(0 + ε) for the feature whose running variance is 0.
    assertClose doubleRounding (2.0 / sqrt 1e-5) (Network.Forward(network, ReadOnlySpan [| 2.0; 2.0 |])[0])

[<Fact>]
let ``the initial state overwrites whatever the buffer held with mean 0 and variance 1`` () =
    let state = [| 5.0; -5.0; 7.0; 0.0 |]
    BatchNormLayer(Shape.Vector 2).InitialState<float>(Span state)
    Assert.Equal<float[]>([| 0.0; 0.0; 1.0; 1.0 |], state)

[<Fact>]
let ``a batch normalisation without an input shape is refused`` () =
    Assert.Throws<ArgumentNullException>(fun () -> BatchNormLayer(Unchecked.defaultof<Shape>) |> ignore) |> ignore

[<Fact>]
let ``backward at inference scales delta by gamma over the root of the running variance plus epsilon`` () =
    // ε = 1 makes the roots whole: √(3 + 1) = 2 and √(8 + 1) = 3. With γ = (4, 6), β = (0.5, −1), running means (1, 2)
    // and x = (5, 5): x̂ = (2, 1), so ∂C/∂γ = δ x̂, ∂C/∂β = δ and ∂C/∂x = γ δ/√(r_σ² + ε) = (4·0.6/2, 6·(−1.2)/3).
    let layer = BatchNormLayer(Shape.Vector 2, epsilon = 1.0)
    let buffers = LayerBuffers<float>(Array.zeroCreate (int (layer.ScratchLength 1)), [||], Nn.Kernels.KernelSelection.Best, null)
    let theta = [| 4.0; 6.0; 0.5; -1.0 |]
    let x = [| 5.0; 5.0 |]
    let z = Array.zeroCreate<float> 2
    let a = Array.zeroCreate<float> 2
    let running = [| 1.0; 2.0; 3.0; 8.0 |]
    layer.Forward<float>(ReadOnlySpan theta, ReadOnlySpan x, 1, Span z, Span a, buffers, PassMode<float>.Inference(ReadOnlySpan running))
    assertAllClose doubleRounding [| 4.0 * 2.0 + 0.5; 6.0 * 1.0 - 1.0 |] a
    let delta = [| 0.6; -1.2 |]
    let gradient = Array.zeroCreate<float> 4
    let inputGradient = Array.zeroCreate<float> 2
    layer.Backward<float>(
        ReadOnlySpan theta, ReadOnlySpan x, Span delta, 1, Span gradient, false, Span inputGradient, buffers, PassMode<float>.Inference(ReadOnlySpan running))
    assertAllClose doubleRounding [| 0.6 * 2.0; -1.2 * 1.0; 0.6; -1.2 |] gradient
    assertAllClose doubleRounding [| 1.2; -2.4 |] inputGradient

/// Backward in training through one feature of the batch x = (1, 3) (mean 2, variance 1, so x̂ = (−1, 1)/√(1 + ε)) with
/// γ = 2 and δ = (1, 2), into a gradient buffer that holds 100 and 200.
let private trainingBackward accumulate =
    let layer = BatchNormLayer(Shape.Vector 1)
    let buffers = LayerBuffers<float>(Array.zeroCreate (int (layer.ScratchLength 2)), [||], Nn.Kernels.KernelSelection.Best, null)
    let theta = [| 2.0; 0.0 |]
    let x = [| 1.0; 3.0 |]
    let z = Array.zeroCreate<float> 2
    let a = Array.zeroCreate<float> 2
    layer.Forward<float>(ReadOnlySpan theta, ReadOnlySpan x, 2, Span z, Span a, buffers, PassMode<float>.Objective)
    let gradient = [| 100.0; 200.0 |]
    layer.Backward<float>(
        ReadOnlySpan theta, ReadOnlySpan x, Span [| 1.0; 2.0 |], 2, Span gradient, accumulate, Span<float>.Empty, buffers, PassMode<float>.Objective)
    gradient

[<Fact>]
let ``backward writes the gamma and beta gradients over whatever the gradient buffer held`` () =
    // ∂C/∂γ = Σ δ x̂ = (2 − 1)/√(1 + ε) and ∂C/∂β = Σ δ = 3.
    assertAllClose doubleRounding [| 1.0 / sqrt (1.0 + 1e-5); 3.0 |] (trainingBackward false)

[<Fact>]
let ``backward with accumulate adds the gamma and beta gradients to what the buffer held`` () =
    assertAllClose doubleRounding [| 100.0 + 1.0 / sqrt (1.0 + 1e-5); 203.0 |] (trainingBackward true)

[<Fact>]
let ``an epsilon that is 0 in float32 is refused when a float32 network is made, and kept in float64`` () =
    let architecture = Architecture.Input(4).BatchNorm(1e-50).Dense(2, Activation.Softmax)
    let e = Assert.Throws<ArgumentException>(fun () -> Network.Create<float32>(architecture, Initializer.Xavier, 1UL) |> ignore)
    Assert.Contains("layer 0 (", e.Message)
    Assert.Contains("ε = 1E-50, which is 0 in float32", e.Message)
    let wide = Network.Create<float>(architecture, Initializer.Xavier, 1UL)
    Assert.Equal(architecture, wide.Architecture)

[<Fact>]
let ``an epsilon that is infinite in float32 is refused when a float32 network is made, and kept in float64`` () =
    // ε = 1e300 was taken: √(σ² + ∞) made every x̂ 0, so the layer output β whatever its input, and trained nothing.
    let architecture = Architecture.Input(4).BatchNorm(1e300).Dense(2, Activation.Softmax)
    let e = Assert.Throws<ArgumentException>(fun () -> Network.Create<float32>(architecture, Initializer.Xavier, 1UL) |> ignore)
    Assert.Equal("every layer's constants must fit the network's numbers, but layer 0 (BatchNorm(4, ε = 1E+300, momentum = 0.1)) has ε = 1E+300, which is infinite in float32. (Parameter 'architecture')", e.Message)
    Assert.Equal(architecture, (Network.Create<float>(architecture, Initializer.Xavier, 1UL)).Architecture)
