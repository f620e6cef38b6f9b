/// Counts written with their noun in the number they take.
module Nn.Tests.Training.CountedTests

open Nn
open Xunit

[<Theory>]
[<InlineData(0L, "0 epochs")>]
[<InlineData(1L, "1 epoch")>]
[<InlineData(2L, "2 epochs")>]
[<InlineData(-1L, "-1 epochs")>]
[<InlineData(1234567L, "1234567 epochs")>]
let ``a count takes the singular noun exactly when it is one`` (count: int64, expected: string) =
    Assert.Equal(expected, Counted.Of(count, "epoch"))

[<Fact>]
let ``an irregular plural is written as given`` () =
    Assert.Equal("1 batch", Counted.Of(1L, "batch", "batches"))
    Assert.Equal("3 batches", Counted.Of(3L, "batch", "batches"))
