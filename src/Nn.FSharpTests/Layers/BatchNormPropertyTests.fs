/// The proof for batch normalisation: in training mode (batch statistics) backpropagation equals central
/// differences on random dense and conv stacks with a batch normalisation in the middle, in double; at inference the
/// running statistics take the batch's place, and a gradient leaves the network's state alone.
module Nn.Tests.Layers.BatchNormPropertyTests

open System
open Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Nn
open Nn.Tests.Arbitraries
open Nn.Tests.Helpers

/// Smooth activations only: a batch normalisation spreads every input over the batch, so a ReLU kink near any of
/// them would make the central differences, not backpropagation, wrong.
let private smooth = [ Activation.Identity; Activation.Sigmoid; Activation.Tanh ]

/// A dense (2–5 inputs, 1–4 features) or conv (1–3 channels of up to 4×4) layer, then batch normalisation, then a
/// dense output layer, with a batch of 2–4 rows.
let private normalisedCase =
    gen {
        let! image = Gen.elements [ false; true ]
        let! hidden = Gen.elements smooth
        let! below =
            if image then
                gen {
                    let! channels = Gen.choose (1, 3)
                    let! side = Gen.choose (2, 4)
                    let! filters = Gen.choose (1, 3)
                    let! kernel = Gen.choose (1, side)
                    return Architecture.Input(channels, side, side).Conv2D(filters, kernel, kernel, hidden)
                }
            else
                gen {
                    let! inputs = Gen.choose (2, 5)
                    let! features = Gen.choose (1, 4)
                    return Architecture.Input(inputs).Dense(features, hidden)
                }
        let! epsilon = Gen.elements [ 1e-5; 1e-3 ]
        let! outputs = Gen.choose (1, 3)
        let! output = Gen.elements (Activation.Softmax :: smooth)
        let architecture = below.BatchNorm(epsilon).Dense(outputs, output)
        let! seed = Gen.choose (0, Int32.MaxValue)
        let theta = Network.Create<float>(architecture, Initializer.Xavier, uint64 seed).Parameters.ToArray()
        // γ and β away from their starting 1 and 0, so the property covers any scale and shift.
        let! gammas = Gen.arrayOfLength (architecture.Stack[1].WeightCount) (boundedFloat 0.5 2.0)
        let! betas = Gen.arrayOfLength (architecture.Stack[1].BiasCount) (boundedFloat -1.0 1.0)
        Array.blit gammas 0 theta (architecture.WeightOffset 1) gammas.Length
        Array.blit betas 0 theta (architecture.BiasOffset 1) betas.Length
        let! loss = Gen.elements (lossesFor output)
        let! rows = Gen.choose (2, 4)
        let! inputs = Gen.arrayOfLength rows (Gen.arrayOfLength architecture.InputSize (boundedFloat -1.0 1.0))
        let! targets = Gen.arrayOfLength rows (targetsFor loss outputs)
        return Network.FromParameters(architecture, ReadOnlySpan theta), loss, matrix inputs, matrix targets
    }

[<Property(MaxTest = 60)>]
let ``training-mode backpropagation through batch normalisation equals central differences`` () =
    Prop.forAll (Arb.fromGen normalisedCase) (fun (network, loss, inputs, targets) ->
        // A step of 1e-6, not the default 1e-5: with two rows whose features differ by about √ε the normalisation
        // bends on a scale of √ε (3e-3 for ε = 1e-5), where the default step's O(h²) truncation error reached the
        // 1e-6 tolerance (about one run in thirty failed so, backpropagation agreeing below 1e-10 above the
        // normalisation). The smaller step's rounding, about 1e-16·|C|/h, reaches 1e-9 on a gradient that is exactly
        // 0 (the bias below a normalisation), hence the absolute floor of 1e-8.
        let report = GradientCheck.Run(network, loss, inputs, targets, 0.1, epsilon = 1e-6)
        report.Passes(1e-6, 1e-8) |> Prop.label (string report))

[<Fact>]
let ``inference normalises with the running statistics`` () =
    let architecture = Architecture.Input(2).BatchNorm(1e-3)
    let theta = [| 1.5; -0.5; 0.25; 2.0 |]
    let state = [| 0.1; -0.2; 4.0; 0.5 |]
    let network = Network<float>(architecture, ParameterVector<float>.Create(ReadOnlySpan theta), ParameterVector<float>.Create(ReadOnlySpan state))
    let output = Network.Forward(network, ReadOnlySpan [| 1.0; 3.0 |])
    assertClose doubleRounding (1.5 * (1.0 - 0.1) / sqrt (4.0 + 1e-3) + 0.25) output[0]
    assertClose doubleRounding (-0.5 * (3.0 + 0.2) / sqrt (0.5 + 1e-3) + 2.0) output[1]

[<Fact>]
let ``a new layer starts with gamma 1, beta 0, running mean 0 and running variance 1`` () =
    let architecture = Architecture.Input(3).Dense(2, Activation.Tanh).BatchNorm()
    let network = Network.Create<float>(architecture, Initializer.He, 1UL)
    Assert.Equal<float[]>([| 1.0; 1.0; 0.0; 0.0 |], network.Parameters.AsSpan().Slice(architecture.WeightOffset 1, 4).ToArray())
    Assert.Equal<float[]>([| 0.0; 0.0; 1.0; 1.0 |], network.State.ToArray())
    Assert.Equal(4, architecture.StateCount)
    Assert.Equal(0, architecture.StateOffset 1)

[<Fact>]
let ``the gradient uses batch statistics and leaves the running statistics unchanged`` () =
    let architecture = Architecture.Input(2).BatchNorm()
    let network = Network.Create<float>(architecture, Initializer.He, 1UL)
    let inputs = matrix [| [| 1.0; 2.0 |]; [| 3.0; 6.0 |] |]
    let targets = matrix [| [| 0.0; 0.0 |]; [| 0.0; 0.0 |] |]
    // Batch statistics make both features ±1 (up to ε), so the cost is ½ (1 + 1) per sample, whatever the scale of x.
    let cost = Backprop.Gradient(network, Loss.Quadratic, inputs, targets).Loss
    assertClose 1e-4 1.0 cost
    Assert.Equal<float[]>([| 0.0; 0.0; 1.0; 1.0 |], network.State.ToArray())

[<Fact>]
let ``a network refuses a negative running variance, naming the layer`` () =
    let architecture = Architecture.Input(1).BatchNorm()
    let message =
        messageOf<ArgumentException> (fun () ->
            Network<float>(architecture, ParameterVector<float>.Create(ReadOnlySpan [| 1.0; 0.0 |]), ParameterVector<float>.Create(ReadOnlySpan [| 0.0; -1.0 |])) |> ignore)
    Assert.Contains("layer 0", message)
    Assert.Contains("running variance of -1", message)

[<Fact>]
let ``epsilon and momentum out of range are refused`` () =
    Assert.Throws<ArgumentOutOfRangeException>(fun () -> Architecture.Input(2).BatchNorm(0.0) |> ignore) |> ignore
    Assert.Throws<ArgumentOutOfRangeException>(fun () -> Architecture.Input(2).BatchNorm(momentum = 0.0) |> ignore) |> ignore
    Assert.Throws<ArgumentOutOfRangeException>(fun () -> Architecture.Input(2).BatchNorm(momentum = 1.5) |> ignore) |> ignore
    Assert.Throws<ArgumentOutOfRangeException>(fun () -> Architecture.Input(2).BatchNorm(Double.NaN) |> ignore) |> ignore

[<Fact>]
let ``the L2 term leaves gamma alone`` () =
    let architecture = Architecture.Input(2).Dense(2, Activation.Tanh).BatchNorm().Dense(1, Activation.Identity)
    let network = Network.Create<float>(architecture, Initializer.He, 1UL)
    let inputs = matrix [| [| 1.0; 2.0 |]; [| -1.0; 0.5 |] |]
    let targets = matrix [| [| 0.5 |]; [| -0.5 |] |]
    let plain = Backprop.Gradient(network, Loss.Quadratic, inputs, targets).Gradient.ToArray()
    let regularised = Backprop.Gradient(network, Loss.Quadratic, inputs, targets, 1.0).Gradient.ToArray()
    let gamma = architecture.WeightOffset 1
    Assert.Equal<float[]>(plain[gamma .. gamma + 1], regularised[gamma .. gamma + 1])
    Assert.NotEqual<float[]>(plain[0..3], regularised[0..3])
