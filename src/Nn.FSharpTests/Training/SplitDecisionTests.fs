/// What the two split choosers share: the median of their timings.
module Nn.Tests.Training.SplitDecisionTests

open System
open Nn
open Xunit

[<Fact>]
let ``the median of an odd count of timings is the middle one and leaves the timings in their order`` () =
    let times = [| 9L; 1L; 5L; 7L; 3L |]
    Assert.Equal(5L, SplitDecision.Median(ReadOnlySpan times))
    Assert.Equal<int64[]>([| 9L; 1L; 5L; 7L; 3L |], times)

[<Fact>]
let ``the median of an even count is the upper of the two middle timings`` () =
    Assert.Equal(7L, SplitDecision.Median(ReadOnlySpan [| 9L; 1L; 7L; 3L |]))
    Assert.Equal(4L, SplitDecision.Median(ReadOnlySpan [| 4L |]))
