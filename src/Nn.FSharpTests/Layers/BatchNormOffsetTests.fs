/// Batch normalisation of features far from zero: σ²_B is summed from the deviations x − μ_B, so a feature at
/// 1e8 ± 2 is normalised as one at ± 2 would be. The shortcut E[x²] − μ² loses the variance to the rounding of x²
/// (values near 1e16, two apart) and, for a feature of nearly constant value, can go negative.
module Nn.Tests.Layers.BatchNormOffsetTests

open System
open Nn
open Nn.Tests.Helpers
open Xunit

/// One training step's forward pass of a one-feature layer (γ = 1, β = 0) from running mean 0 and variance 1:
/// the normalised values and the next running statistics.
let private trainingPass (x: float[]) =
    let layer = BatchNormLayer(Shape.Vector 1, momentum = 0.1)
    let rows = x.Length
    let buffers = LayerBuffers<float>(Array.zeroCreate (int (layer.ScratchLength rows)), [||], Nn.Kernels.KernelSelection.Best, null)
    let next = Array.create layer.StateCount Double.NaN
    let z = Array.zeroCreate<float> rows
    let a = Array.zeroCreate<float> rows
    layer.Forward<float>(
        ReadOnlySpan [| 1.0; 0.0 |], ReadOnlySpan x, rows, Span z, Span a, buffers, PassMode<float>.TrainingStep(1UL, ReadOnlySpan [| 0.0; 1.0 |], Span next))
    a, next

[<Fact>]
let ``a feature far from zero is normalised by its deviations, as the same feature near zero is`` () =
    // 1e8 + 1 … 1e8 + 4: μ_B = 1e8 + 2.5 and x − μ_B = ±0.5, ±1.5 exactly, so σ²_B = 1.25 (unbiased 5/3).
    let near = [| 1.0; 2.0; 3.0; 4.0 |]
    let far = near |> Array.map (fun v -> 1e8 + v)
    let normalised, next = trainingPass far
    let root = sqrt (1.25 + BatchNormLayer.DefaultEpsilon)
    assertAllClose doubleRounding [| -1.5 / root; -0.5 / root; 0.5 / root; 1.5 / root |] normalised
    assertAllClose doubleRounding (fst (trainingPass near)) normalised
    assertAllClose doubleRounding [| 0.1 * (1e8 + 2.5); 0.9 + 0.1 * (5.0 / 3.0) |] next

[<Fact>]
let ``a constant feature far from zero has variance 0 and normalises to 0`` () =
    // Three copies sum and divide back to the value exactly, so every x − μ_B is 0; E[x²] − μ² rounds to −128 here.
    let normalised, next = trainingPass (Array.create 3 987654321.987)
    Assert.All(normalised, fun v -> Assert.Equal(0.0, v))
    Assert.Equal(0.9, next[1])
