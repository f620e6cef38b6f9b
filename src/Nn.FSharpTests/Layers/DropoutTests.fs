/// Inverted dropout: with the mask held fixed (the training objective's key) backpropagation equals central
/// differences; masks drop about p of the values and scale the rest by 1/(1 − p), are drawn again exactly from their
/// key, and inference is the identity.
module Nn.Tests.Layers.DropoutTests

open System
open Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Nn
open Nn.Tests.Arbitraries
open Nn.Tests.Helpers

/// A dense or conv layer, dropout at a rate in [0, 0.9], then a dense output layer, with a batch of 1–3 rows.
let private droppedCase =
    gen {
        let! image = Gen.elements [ false; true ]
        let! below =
            if image then
                Gen.choose (1, 3) |> Gen.map (fun filters -> Architecture.Input(2, 3, 3).Conv2D(filters, 2, 2, Activation.Tanh))
            else
                Gen.choose (1, 6) |> Gen.map (fun width -> Architecture.Input(3).Dense(width, Activation.Sigmoid))
        let! rate = boundedFloat 0.0 0.9
        let! outputs = Gen.choose (1, 3)
        let architecture = below.Dropout(rate).Dense(outputs, Activation.Softmax)
        let! seed = Gen.choose (0, Int32.MaxValue)
        let! rows = Gen.choose (1, 3)
        let! inputs = Gen.arrayOfLength rows (Gen.arrayOfLength architecture.InputSize (boundedFloat -1.0 1.0))
        let! targets = Gen.arrayOfLength rows (targetsFor Loss.SoftmaxCrossEntropy outputs)
        return Network.Create<float>(architecture, Initializer.Xavier, uint64 seed), matrix inputs, matrix targets
    }

[<Property(MaxTest = 60)>]
let ``with the mask held fixed, backpropagation through dropout equals central differences`` () =
    Prop.forAll (Arb.fromGen droppedCase) (fun (network, inputs, targets) ->
        let report = GradientCheck.Run(network, Loss.SoftmaxCrossEntropy, inputs, targets, 0.1)
        report.Passes(1e-6, 1e-9) |> Prop.label (string report))

/// The layer's training-mode output for 100,000 ones under <paramref name="key"/>.
let private trainingOutput (rate: float) (key: uint64) =
    let layer = DropoutLayer(Shape.Vector 1000, rate)
    let rows = 100
    let buffers = LayerBuffers<float>(Array.zeroCreate (int (layer.ScratchLength rows)), [||], Nn.Kernels.KernelSelection.Best, null)
    let ones = Array.create (rows * 1000) 1.0
    let z = Array.zeroCreate<float> ones.Length
    let a = Array.zeroCreate<float> ones.Length
    layer.Forward<float>(ReadOnlySpan.Empty, ReadOnlySpan ones, rows, Span z, Span a, buffers, PassMode<float>.TrainingStep(key, ReadOnlySpan.Empty, Span.Empty))
    a

[<Theory>]
[<InlineData(0.2)>]
[<InlineData(0.5)>]
let ``a training mask drops about p of the values and scales the others by 1 over 1 - p`` (rate: float) =
    let output = trainingOutput rate 11UL
    let dropped = output |> Array.filter (fun v -> v = 0.0) |> Array.length
    // 100,000 Bernoulli draws: the fraction's standard deviation is below 0.0016, so 0.01 is over six of them.
    Assert.True(abs (float dropped / float output.Length - rate) < 0.01, sprintf "dropped %d" dropped)
    Assert.All(output, fun v -> Assert.True(v = 0.0 || v = 1.0 / (1.0 - rate)))

[<Fact>]
let ``element i of a batch is kept exactly when the key's uniform number i is at least p, so rows do not share a mask`` () =
    // DropoutMask.Uniform is checked against SplitMix64's published outputs in DropoutMaskTests; the layer numbers the
    // values of the whole batch, so each of the 100 rows draws a mask of its own.
    let rate = 0.3
    let output = trainingOutput rate 11UL
    let expected = Array.init output.Length (fun i -> if DropoutMask.Uniform(11UL, int64 i) >= rate then 1.0 / (1.0 - rate) else 0.0)
    Assert.Equal<float[]>(expected, output)
    Assert.NotEqual<float[]>(output[0..999], output[1000..1999])

[<Fact>]
let ``the same key draws the same mask and another key another mask`` () =
    Assert.Equal<float[]>(trainingOutput 0.3 5UL, trainingOutput 0.3 5UL)
    Assert.NotEqual<float[]>(trainingOutput 0.3 5UL, trainingOutput 0.3 6UL)

[<Fact>]
let ``inference through dropout is the identity`` () =
    let withDropout = Architecture.Input(4).Dense(5, Activation.Tanh).Dropout(0.5).Dense(3, Activation.Softmax)
    let without = Architecture.Input(4).Dense(5, Activation.Tanh).Dense(3, Activation.Softmax)
    let network = Network.Create<float>(withDropout, Initializer.Xavier, 2UL)
    let plain = Network.FromParameters<float>(without, network.Parameters.AsSpan())
    let inputs = matrix [| [| 0.1; -0.4; 0.9; 0.3 |]; [| -1.0; 0.5; 0.0; 0.2 |] |]
    Assert.Equal<float[]>(Network.Forward(plain, inputs).AsSpan().ToArray(), Network.Forward(network, inputs).AsSpan().ToArray())

[<Fact>]
let ``rates outside 0 to 1 are refused`` () =
    for rate in [ -0.1; 1.0; Double.NaN ] do
        Assert.Throws<ArgumentOutOfRangeException>(fun () -> Architecture.Input(2).Dropout(rate) |> ignore) |> ignore
