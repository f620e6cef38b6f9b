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
