/// The library's argument checks write the numbers in their messages with a decimal point whatever the culture.
module Nn.Tests.Validation.GuardTests

open System
open Nn
open Nn.Tests.Helpers
open Xunit

[<Theory>]
[<InlineData "de-DE">]
[<InlineData "fr-FR">]
let ``a refused value is printed with a decimal point under a culture with a decimal comma`` (culture: string) =
    let messages =
        underCulture culture (fun () ->
            [ messageOf<ArgumentException> (fun () -> Sgd(-1.5) |> ignore)
              messageOf<ArgumentException> (fun () -> TrainingOptions(1, L2 = -0.25) |> ignore)
              messageOf<ArgumentException> (fun () -> PixelScaling.Divide(-2.5) |> ignore) ])
    Assert.Contains("-1.5", messages[0])
    Assert.Contains("-0.25", messages[1])
    Assert.Contains("-2.5", messages[2])
    for message in messages do
        Assert.DoesNotMatch(@"-\d+,\d", message)

[<Fact>]
let ``the data set's finite check names the first bad element wherever it lies on every kernel path`` () =
    for path in Nn.Kernels.KernelSelection.Supported() do
        use _ = Nn.Kernels.KernelSelection.Enter path
        for length in [ 1; 7; 16; 17; 100; 1000 ] do
            Guard.FiniteData("values", ReadOnlySpan(Array.create length 1.5f))
            for at in [ 0; length / 2; length - 1 ] do
                for bad in [ nan; infinity; -infinity ] do
                    let values = Array.create length 1.0
                    values[at] <- bad
                    if at + 1 < length then values[length - 1] <- nan
                    let message = messageOf<ArgumentException> (fun () -> Guard.FiniteData("values", ReadOnlySpan values))
                    Assert.StartsWith(sprintf "values must hold finite numbers, but element %d is " at, message)

[<Fact>]
let ``a complete array passes through as it is, and a default array or one with a null item is refused naming the first hole`` () =
    let items = Collections.Immutable.ImmutableArray.Create("a", "b")
    Assert.Equal<string>(items, Guard.Complete(items, "Names", "the names", "empty for none", "the name"))
    Assert.Equal(0, Guard.Complete(Collections.Immutable.ImmutableArray<string>.Empty, "Names", "the names", "empty for none", "the name").Length)
    let unset = Assert.Throws<ArgumentException>(fun () -> Guard.Complete(Collections.Immutable.ImmutableArray<string>(), "Names", "the names", "empty for none", "the name") |> ignore)
    Assert.Equal("Names", unset.ParamName)
    Assert.Equal("the names must be an array (empty for none), not a default ImmutableArray. (Parameter 'Names')", unset.Message)
    let holed = Collections.Immutable.ImmutableArray.Create("a", Unchecked.defaultof<string>, Unchecked.defaultof<string>)
    let hole = Assert.Throws<ArgumentException>(fun () -> Guard.Complete(holed, "Names", "the names", "empty for none", "the name") |> ignore)
    Assert.Equal("the name 1 is null. (Parameter 'Names')", hole.Message)

[<Fact>]
let ``a bare message leaves out the parameter suffix, and the actual value's line an out-of-range refusal appends after it`` () =
    Assert.Equal("x must be positive.", Guard.BareMessage(ArgumentException("x must be positive.", "x")))
    // nn train --test-split 1 printed "… but is 1. (Parameter 'testFraction')" and "Actual value was 1." on a second line.
    let e = ArgumentOutOfRangeException("testFraction", 1.0, "the test fraction must be between 0 and 1 (exclusive), but is 1.")
    Assert.Equal("the test fraction must be between 0 and 1 (exclusive), but is 1.", Guard.BareMessage e)
    Assert.Equal("n must be in 0..3, but is 7.", Guard.BareMessage(ArgumentOutOfRangeException("n", "n must be in 0..3, but is 7.")))
    Assert.Equal("no parameter", Guard.BareMessage(ArgumentException("no parameter")))
