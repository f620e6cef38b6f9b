/// LogOnePlus keeps the digits of ln(1 + x) that 1 + x rounds away: checked against references that take no logarithm
/// of 1 + x.
module Nn.Tests.Kernels.StableScalarsTests

open System
open Nn.Kernels
open Xunit

/// ln(1 + x) = 2 atanh(x / (2 + x)) summed as its odd power series, which needs no logarithm and, for −1/2 ≤ x ≤ 1
/// (|s| ≤ 1/3), is within a few ulps after 40 terms.
let private logOnePlusBySeries (x: float) =
    let s = x / (2.0 + x)
    let s2 = s * s
    let mutable power, sum = s, 0.0
    for k in 0 .. 39 do
        sum <- sum + power / float (2 * k + 1)
        power <- power * s2
    2.0 * sum

let private relativeError (expected: float) (actual: float) = abs (actual - expected) / abs expected

[<Fact>]
let ``ln(1 + x) of an x that one plus x rounds away is x itself, where LogP1 gives zero`` () =
    for x in [ 1e-17; exp -40.0; 1e-100; 5e-324 ] do
        Assert.Equal(x, StableScalars.LogOnePlus x)
        Assert.Equal(0.0, Double.LogP1 x)
    Assert.Equal(2e-9f, StableScalars.LogOnePlus 2e-9f)

[<Fact>]
let ``ln(1 + x) from minus a half to one matches the atanh series to a few ulps`` () =
    let points = [ for i in 0 .. 300 -> exp (-0.25 * float i) ] @ [ for i in 1 .. 50 -> -0.01 * float i ]
    for x in points do
        let expected = logOnePlusBySeries x
        Assert.True(relativeError expected (StableScalars.LogOnePlus x) <= 1e-15, $"x = {x}")

[<Fact>]
let ``ln(1 + x) in float keeps its digits against the double reference`` () =
    for i in 0 .. 200 do
        let x = float32 (exp (-0.1 * float i))
        let expected = logOnePlusBySeries (float x)
        Assert.True(relativeError expected (float (StableScalars.LogOnePlus x)) <= 2.4e-7, $"x = {x}")

[<Fact>]
let ``ln(1 + x) at its edges: zero, minus one, infinity, NaN and below minus one`` () =
    Assert.Equal(0.0, StableScalars.LogOnePlus 0.0)
    Assert.Equal(-infinity, StableScalars.LogOnePlus -1.0)
    Assert.Equal(infinity, StableScalars.LogOnePlus infinity)
    Assert.True(Double.IsNaN(StableScalars.LogOnePlus nan))
    Assert.True(Double.IsNaN(StableScalars.LogOnePlus -2.0))
    Assert.True(relativeError (log 1e300) (StableScalars.LogOnePlus 1e300) <= 2.3e-16)
