/// The proof: backpropagation equals central differences on random networks, and the laws of the batch gradient.
module Nn.Tests.Networks.BackpropPropertyTests

open System
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Nn
open Nn.Tests.Arbitraries
open Nn.Tests.Helpers

/// The largest accepted ‖backprop − central differences‖ / (‖backprop‖ + ‖central differences‖) per block, in double.
let gradientTolerance = 1e-6

/// Central differences with ε = 1e-5 carry an error of about ε²·C''' + u·|C|/ε ≈ 1e-10 whatever the gradient's
/// size, so a block whose every partial derivative is within this of backprop passes even when it is too small
/// for a relative comparison.
let absoluteTolerance = 1e-9

/// The largest accepted ‖g_float − g_double‖ relative to ‖g_double‖.
let floatTolerance = 1e-4

/// Float rounding (about 6e-8) times the few-unit magnitudes of these small networks' intermediate values.
let floatAbsolute = 1e-5

/// The gradient check's verdict as a property. A case whose every block is exactly zero on both sides (all output
/// units dead, say) is discarded rather than passed: the report rightly fails it, as nothing was compared, but the
/// generator is not wrong to make it, and it proves nothing either way.
let agreesWithCentralDifferences (label: string) (report: GradientCheckReport) =
    not report.NothingCompared ==> lazy (report.Passes(gradientTolerance, absoluteTolerance) |> Prop.label label)

[<Properties(Arbitrary = [| typeof<Generators> |], MaxTest = 150)>]
module Properties =

    [<Property>]
    let ``backprop gradient equals central differences`` (case: GradientCase) =
        let report = GradientCheck.Run(case.Network, case.Loss, case.Inputs, case.Targets, case.L2)
        report |> agreesWithCentralDifferences (string report)

    [<Property>]
    let ``the batch-mean gradient is the mean of the per-sample gradients`` (case: GradientCase) =
        let batch = Backprop.Gradient(case.Network, case.Loss, case.Inputs, case.Targets)
        let perSample =
            [| for i in 0 .. case.Inputs.Rows - 1 ->
                   Backprop.Gradient(case.Network, case.Loss, case.Inputs.Row(i), case.Targets.Row(i)) |]
        let meanGradient =
            perSample
            |> Array.map (fun g -> g.Gradient.ToArray())
            |> Array.reduce (Array.map2 (+))
            |> Array.map (fun v -> v / float perSample.Length)
        let meanLoss = (perSample |> Array.sumBy (fun g -> g.Loss)) / float perSample.Length
        assertAllClose doubleRounding meanGradient (batch.Gradient.ToArray())
        assertClose doubleRounding meanLoss batch.Loss

    [<Property>]
    let ``L2 adds lambda over m times W to weights and nothing to biases`` (case: GradientCase) (lambdaSeed: PositiveInt) =
        let lambda = float lambdaSeed.Get / 10.0
        let m = case.Inputs.Rows
        let plain = Backprop.Gradient(case.Network, case.Loss, case.Inputs, case.Targets).Gradient.ToArray()
        let regularised = Backprop.Gradient(case.Network, case.Loss, case.Inputs, case.Targets, lambda).Gradient.ToArray()
        let architecture = case.Network.Architecture
        let theta = case.Network.Parameters.ToArray()
        for l in 0 .. architecture.Layers.Length - 1 do
            let layer = architecture.Layers[l]
            let w = architecture.WeightOffset l
            for i in w .. w + layer.WeightCount - 1 do
                assertClose doubleRounding (plain[i] + lambda / float m * theta[i]) regularised[i]
            if layer.HasBias then
                let b = architecture.BiasOffset l
                for i in b .. b + layer.Outputs - 1 do
                    Xunit.Assert.Equal(plain[i], regularised[i])

    [<Property>]
    let ``gradient leaves the network and the data unchanged`` (case: GradientCase) =
        let networkBefore = Network.FromParameters(case.Network.Architecture, case.Network.Parameters.AsSpan())
        let inputsBefore = case.Inputs.AsSpan().ToArray()
        let targetsBefore = case.Targets.AsSpan().ToArray()
        Backprop.Gradient(case.Network, case.Loss, case.Inputs, case.Targets, case.L2) |> ignore
        GradientCheck.Run(case.Network, case.Loss, case.Inputs, case.Targets) |> ignore
        networkBefore = case.Network
        && inputsBefore = case.Inputs.AsSpan().ToArray()
        && targetsBefore = case.Targets.AsSpan().ToArray()

    [<Property>]
    let ``the same inputs give bit-for-bit the same gradient`` (case: GradientCase) =
        let first = Backprop.Gradient(case.Network, case.Loss, case.Inputs, case.Targets, case.L2)
        let second = Backprop.Gradient(case.Network, case.Loss, case.Inputs, case.Targets, case.L2)
        first = second

    [<Property>]
    let ``the cost alone equals the cost reported with the gradient`` (case: GradientCase) =
        let withGradient = Backprop.Gradient(case.Network, case.Loss, case.Inputs, case.Targets, case.L2)
        let alone = Backprop.Cost(case.Network, case.Loss, case.Inputs, case.Targets, case.L2)
        withGradient.Loss = alone

    [<Property>]
    let ``the same seed gives the same initial network`` (architecture: Architecture) (seed: uint64) =
        architecture.Layers.Length > 0
        ==> lazy (Network.Create<float>(architecture, Initializer.Xavier, seed) = Network.Create<float>(architecture, Initializer.Xavier, seed))

    /// Cross-entropy on an output it does not pair with natively clamps probabilities at 1e-7 in float and 1e-15
    /// in double; the two precisions then differentiate different functions, so such cases are left out. Its
    /// derivative also divides by 1 − a, which float holds to about 6e-8 absolute: an output within 1e-5 of 1 loses
    /// the 1e-4 agreement asked below (a CI run met 4.9e-4 with BCE on a softmax output), so outputs stay 1e-3 from
    /// 0 and 1, where that error is 6e-5 of 1 − a at most.
    let private awayFromProbabilityClamp (case: GradientCase) =
        let native = (case.Loss = Loss.BinaryCrossEntropy && case.Network.Architecture.OutputActivation = Activation.Sigmoid)
                     || (case.Loss = Loss.SoftmaxCrossEntropy && case.Network.Architecture.OutputActivation = Activation.Softmax)
        case.Loss = Loss.Quadratic || native
        || Network.Forward(case.Network, case.Inputs).AsSpan().ToArray() |> Array.forall (fun a -> a > 1e-3 && a < 1.0 - 1e-3)

    let private floatAgreesWithDouble (case: GradientCase) =
        let single = Network.FromParameters(case.Network.Architecture, ReadOnlySpan(case.Network.Parameters.ToArray() |> Array.map float32))
        let g64 = Backprop.Gradient(case.Network, case.Loss, case.Inputs, case.Targets).Gradient.ToArray()
        let g32 = Backprop.Gradient(single, case.Loss, case.Inputs.Convert<float32>(), case.Targets.Convert<float32>()).Gradient.ToArray()
        let norm (v: float[]) = sqrt (Array.sumBy (fun x -> x * x) v)
        let difference = norm (Array.map2 (fun (a: float) (b: float32) -> a - float b) g64 g32)
        (difference <= floatTolerance * norm g64 + floatAbsolute)
        |> Prop.label (sprintf "‖g32 − g64‖ = %g, ‖g64‖ = %g" difference (norm g64))

    [<Property>]
    let ``float gradients agree with double gradients within float rounding`` (case: GradientCase) =
        awayFromProbabilityClamp case ==> lazy (floatAgreesWithDouble case)
