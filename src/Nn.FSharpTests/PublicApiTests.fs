/// The library's public API is tracked in PublicApi/Nn.approved.txt.
module Nn.Tests.PublicApiTests

open Xunit

[<Fact>]
let ``the public API of Nn is the approved one`` () = PublicApi.approve typeof<Nn.Activation>.Assembly
