/// Per-sample SGD fused into backpropagation against the unfused path (gradient, then the optimiser's update).
module Nn.Tests.Kernels.FusedSgdTests

open System
open Nn
open Nn.Tests.Helpers
open Xunit

/// The fused step rounds −η·δ_j before multiplying by a^(l−1); the unfused one rounds δ_j·a^(l−1) first: a few double ulps apart.
let fusedTolerance = 1e-13

[<Theory>]
[<InlineData(1)>]
[<InlineData(2)>]
[<InlineData(3)>]
let ``a fused per-sample SGD step equals gradient then update within double rounding`` (seed: int) =
    let random = Random seed
    let architecture = Architecture.Input(37).Dense(19, Activation.Sigmoid).Dense(21, Activation.Tanh).Dense(5, Activation.Softmax)
    let network = Network.Create<float>(architecture, Initializer.Xavier, uint64 seed)
    let theta = network.Parameters.ToArray()
    let x = Array.init 37 (fun _ -> random.NextDouble())
    let y = Array.init 5 (fun k -> if k = seed % 5 then 1.0 else 0.0)
    let rate = 0.3
    let gradient = Array.zeroCreate theta.Length
    let cost = Propagation.LossAndGradient<float>(architecture, ReadOnlySpan theta, Loss.SoftmaxCrossEntropy, ReadOnlySpan x, ReadOnlySpan y, 1, 0.0, 1, Workspace<float>(architecture, 1), Span gradient)
    let expected = Array.map2 (fun t g -> t - rate * g) theta gradient
    let next = Array.zeroCreate theta.Length
    let struct (fusedCost, finite) =
        Propagation.SgdStep<float>(architecture, ReadOnlySpan theta, Loss.SoftmaxCrossEntropy, ReadOnlySpan x, ReadOnlySpan y, rate, Workspace<float>(architecture, 1), Span next)
    Assert.True finite
    Assert.Equal(cost, fusedCost)
    assertAllClose fusedTolerance expected next
    Assert.Equal<float[]>(network.Parameters.ToArray(), theta)

[<Fact>]
let ``a per-sample SGD run that diverges stops and hands back the last finite network`` () =
    let architecture = Architecture.Input(2).Dense(3, Activation.Relu).Dense(1, Activation.Identity)
    let network = Network.Create<float>(architecture, Initializer.He, 1UL)
    let data = Dataset.FromTargets(matrix [| [| 1e3; -2e3 |]; [| 3e3; 1e3 |] |], matrix [| [| 1e3 |]; [| -1e3 |] |])
    let result = Trainer.Train(network, Loss.Quadratic, Sgd 10.0, data, TrainingOptions(1000, 1, 1UL))
    Assert.Equal(StopReason.Diverged, result.Reason)
    Assert.Contains("diverged", result.Message)
    Assert.True(result.Network.Parameters.ToArray() |> Array.forall Double.IsFinite)
