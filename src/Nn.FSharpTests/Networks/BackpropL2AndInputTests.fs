/// Backprop's L2 term at a point worked by hand, the gradient buffer written or added to as asked, and the
/// arguments it refuses with the reason.
module Nn.Tests.Networks.BackpropL2AndInputTests

open System
open Nn
open Nn.Tests.Helpers
open Xunit

/// One identity unit over two inputs, W = (0.5, −1), b = 0.25: at x = (1, 2) it outputs −1.25, and with y = 0.75
/// the quadratic cost is ½(−2)² = 2 with ∂C/∂W = −2x = (−2, −4) and ∂C/∂b = −2.
let private unit = Network.FromParameters(Architecture.Input(2).Dense(1, Activation.Identity), ReadOnlySpan [| 0.5; -1.0; 0.25 |])
let private x = matrix [| [| 1.0; 2.0 |] |]
let private y = matrix [| [| 0.75 |] |]

[<Fact>]
let ``the L2 term adds lambda over 2m times the squared weights to the cost and lambda over m times W to their gradient, never to the bias`` () =
    // λ = 3, m = 1: C = 2 + 3/2 · (0.25 + 1) = 3.875, ∂C/∂W = (−2, −4) + 3·(0.5, −1) = (−0.5, −7), ∂C/∂b = −2.
    let atBatch = Backprop.Gradient(unit, Loss.Quadratic, x, y, 3.0)
    assertClose doubleRounding 3.875 atBatch.Loss
    assertAllClose doubleRounding [| -0.5; -7.0; -2.0 |] (atBatch.Gradient.ToArray())
    assertClose doubleRounding 3.875 (Backprop.Cost(unit, Loss.Quadratic, x, y, 3.0))
    // m = 4 (a set of four samples): C = 2 + 3/8 · 1.25 = 2.46875, ∂C/∂W = (−2, −4) + 0.75·(0.5, −1).
    let atSet = Backprop.Gradient(unit, Loss.Quadratic, x, y, 3.0, 4)
    assertClose doubleRounding 2.46875 atSet.Loss
    assertAllClose doubleRounding [| -1.625; -4.75; -2.0 |] (atSet.Gradient.ToArray())
    assertClose doubleRounding 2.46875 (Backprop.Cost(unit, Loss.Quadratic, x, y, 3.0, 4))

[<Fact>]
let ``the L2 term leaves a convolutional stack's biases alone too`` () =
    // A 1×1 kernel over a 1×1×2 image is the same unit with its bias last: the same numbers.
    let architecture = Architecture.Input(2, 1, 1).Conv2D(1, 1, 1, Activation.Identity).Dense(1, Activation.Identity, false)
    let network = Network.FromParameters(architecture, ReadOnlySpan [| 0.5; -1.0; 0.25; 1.0 |])
    let result = Backprop.Gradient(network, Loss.Quadratic, x, y, 3.0)
    // With the dense weight 1 in the L2 sum: C = 2 + 3/2 · (0.25 + 1 + 1); ∂C/∂W_dense = a·(a − y) + 3·1 = (−1.25)(−2) + 3.
    assertClose doubleRounding (2.0 + 1.5 * 2.25) result.Loss
    assertAllClose doubleRounding [| -0.5; -7.0; -2.0; 5.5 |] (result.Gradient.ToArray())

[<Fact>]
let ``the L2 term leaves batch normalisation's gamma and beta alone, in the cost and in the gradient`` () =
    // θ: γ at 0–1, β at 2–3, the dense weights at 4–5 and its bias at 6. λ = 3 over m = 2 rows adds 3/4 · Σ W² to the
    // cost and 1.5 W to the dense weights' gradient, nothing to γ (which is not 0), β or the bias.
    let architecture = Architecture.Input(2, 1, 1).BatchNorm().Dense(1, Activation.Identity)
    let network = Network.FromParameters(architecture, ReadOnlySpan [| 1.5; 0.5; 0.25; -0.5; 2.0; -1.0; 0.125 |])
    let inputs = matrix [| [| 1.0; 2.0 |]; [| -1.0; 0.5 |] |]
    let targets = matrix [| [| 0.5 |]; [| -0.25 |] |]
    let plain = Backprop.Gradient(network, Loss.Quadratic, inputs, targets)
    let decayed = Backprop.Gradient(network, Loss.Quadratic, inputs, targets, 3.0)
    assertClose doubleRounding (plain.Loss + 0.75 * 5.0) decayed.Loss
    assertClose doubleRounding (plain.Loss + 0.75 * 5.0) (Backprop.Cost(network, Loss.Quadratic, inputs, targets, 3.0))
    let added = Array.map2 (-) (decayed.Gradient.ToArray()) (plain.Gradient.ToArray())
    assertAllClose doubleRounding [| 0.0; 0.0; 0.0; 0.0; 3.0; -1.5; 0.0 |] added

[<Fact>]
let ``inputs of the wrong width or with a NaN are refused by the gradient and by the cost, naming the inputs`` () =
    let good = matrix [| [| 0.75 |] |]
    let refused (inputs: Matrix<float>) =
        [ messageOf<ArgumentException> (fun () -> Backprop.Gradient(unit, Loss.Quadratic, inputs, good) |> ignore)
          messageOf<ArgumentException> (fun () -> Backprop.Cost(unit, Loss.Quadratic, inputs, good) |> ignore) ]
    for message in refused (matrix [| [| 1.0; 2.0; 3.0 |] |]) do
        Assert.Contains("inputs must have 2 columns (the network's input size), but have 3.", message)
    for message in refused (matrix [| [| 1.0; nan |] |]) do
        Assert.Contains("inputs", message)

/// The batch-mean gradient by the internal pass, into a buffer holding <c>start</c>.
let private intoBuffer (network: Network<float>) (inputs: Matrix<float>) (targets: Matrix<float>) (start: float) (overwrite: bool) =
    let gradient = Array.create network.Architecture.ParameterCount start
    let workspace = Workspace<float>(network.Architecture, inputs.Rows)
    Propagation.LossAndGradient(
        network.Architecture, network.Parameters.AsSpan(), Loss.Quadratic, inputs.AsSpan(), targets.AsSpan(), inputs.Rows, 0.0, inputs.Rows, workspace, Span gradient, overwrite)
    |> ignore
    gradient

[<Fact>]
let ``the backward pass overwrites the gradient buffer when asked and adds to it otherwise, weights and biases alike`` () =
    let dense = Network.Create<float>(Architecture.Input(3).Dense(4, Activation.Tanh).Dense(2, Activation.Identity), Initializer.Xavier, 3UL)
    let conv = Network.Create<float>(Architecture.Input(1, 3, 3).Conv2D(2, 2, 2, Activation.Tanh).Dense(2, Activation.Identity), Initializer.Xavier, 3UL)
    let inputs = matrix [| [| 0.1; -0.4; 0.7; 0.2; 0.0; -0.3; 0.9; 0.5; -0.8 |]; [| -0.6; 0.3; 0.1; 0.8; -0.2; 0.4; -0.1; 0.6; 0.3 |] |]
    let targets = matrix [| [| 0.2; -0.1 |]; [| 0.5; 0.3 |] |]
    let denseInputs = matrix [| [| 0.1; -0.4; 0.7 |]; [| -0.6; 0.3; 0.1 |] |]
    for network, inputs in [ dense, denseInputs; conv, inputs ] do
        let expected = Backprop.Gradient(network, Loss.Quadratic, inputs, targets).Gradient.ToArray()
        assertAllClose doubleRounding expected (intoBuffer network inputs targets 7.0 true)
        assertAllClose doubleRounding (expected |> Array.map (fun g -> g + 7.0)) (intoBuffer network inputs targets 7.0 false)

[<Fact>]
let ``targets of the wrong width or row count, non-finite targets and a negative lambda are refused with the reason`` () =
    let network = Network.Create<float>(Architecture.Input(2).Dense(3, Activation.Identity), Initializer.Xavier, 1UL)
    let inputs = matrix [| [| 1.0; 2.0 |]; [| 3.0; 4.0 |] |]
    let refused (targets: Matrix<float>) (l2: float) (count: Nullable<int>) =
        messageOf<ArgumentException> (fun () -> Backprop.Gradient(network, Loss.Quadratic, inputs, targets, l2, count) |> ignore)
    let good = matrix [| [| 0.0; 0.0; 0.0 |]; [| 0.0; 0.0; 0.0 |] |]
    Assert.Contains("targets must have 3 columns (the network's output size), but have 2.", refused (matrix [| [| 0.0; 0.0 |]; [| 0.0; 0.0 |] |]) 0.0 (Nullable()))
    Assert.Contains("targets must have 2 rows (one per input row), but have 1.", refused (matrix [| [| 0.0; 0.0; 0.0 |] |]) 0.0 (Nullable()))
    Assert.Contains("targets", refused (matrix [| [| 0.0; nan; 0.0 |]; [| 0.0; 0.0; 0.0 |] |]) 0.0 (Nullable()))
    Assert.Contains("l2", refused good -1.0 (Nullable()))
    Assert.Contains("l2SampleCount", refused good 1.0 (Nullable 0))
    Assert.Throws<ArgumentNullException>(fun () -> Backprop.Gradient(network, Unchecked.defaultof<Loss>, inputs, good) |> ignore) |> ignore
    Assert.Throws<ArgumentNullException>(fun () -> Backprop.Gradient(network, Loss.Quadratic, inputs, Unchecked.defaultof<Matrix<float>>) |> ignore) |> ignore
    Assert.Throws<ArgumentNullException>(fun () -> Backprop.Cost(Unchecked.defaultof<Network<float>>, Loss.Quadratic, inputs, good) |> ignore) |> ignore
    Assert.Throws<ArgumentNullException>(fun () -> Backprop.Gradient(Unchecked.defaultof<Network<float>>, Loss.Quadratic, ReadOnlySpan [| 1.0; 2.0 |], ReadOnlySpan [| 0.0; 0.0; 0.0 |]) |> ignore) |> ignore

[<Fact>]
let ``an inference pass through batch normalisation without its running statistics is refused, naming the count`` () =
    let architecture = Architecture.Input(2, 2, 2).BatchNorm().Dense(1, Activation.Identity)
    let network = Network.Create<float>(architecture, Initializer.Xavier, 1UL)
    let message =
        messageOf<InvalidOperationException> (fun () ->
            Propagation.Forward(architecture, network.Parameters.AsSpan(), ReadOnlySpan(Array.zeroCreate<float> 8), 1, Workspace<float>(architecture, 1)))
    Assert.Contains($"an inference pass through {architecture} needs its 4 values of running statistics, but was given 0.", message)
