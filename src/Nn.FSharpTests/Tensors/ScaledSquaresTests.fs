/// Sums of squares in units of a scale s: each value is divided by s before its centre is subtracted, so values
/// near the largest double, even of opposite signs, give a finite sum; with s = 1 they are the plain sums.
module Nn.Tests.Tensors.ScaledSquaresTests

open System
open Nn
open Xunit

[<Fact>]
let ``values and centres of opposite signs near the largest double give a finite sum in units of the scale`` () =
    // (1e308/1e308 − (−1e308)/1e308)² = 2² per term; 1e308 − (−1e308) itself would overflow to ∞.
    Assert.Equal(8.0, ScaledSquares.Sum(ReadOnlySpan [| 1e308; -1e308 |], ReadOnlySpan [| -1e308; 1e308 |], 1e308))
    Assert.Equal(4.0, ScaledSquares.Sum(ReadOnlySpan [| 1e308 |], -1e308, 1e308))

[<Fact>]
let ``with a scale of 1 the sums are the plain sums of squared differences`` () =
    Assert.Equal(1.0 + 9.0, ScaledSquares.Sum(ReadOnlySpan [| 1.5; -1.0 |], ReadOnlySpan [| 0.5; 2.0 |], 1.0))
    Assert.Equal(0.25 + 4.0, ScaledSquares.Sum(ReadOnlySpan [| 1.5; -1.0 |], 1.0, 1.0))

[<Fact>]
let ``the largest magnitude is 0 for no values and NaN when any value is NaN`` () =
    Assert.Equal(0.0, ScaledSquares.LargestMagnitude ReadOnlySpan<float>.Empty)
    Assert.Equal(3.0, ScaledSquares.LargestMagnitude(ReadOnlySpan [| 1.0; -3.0; 2.0 |]))
    Assert.True(Double.IsNaN(ScaledSquares.LargestMagnitude(ReadOnlySpan [| 1e308; nan; -1.0 |])))
