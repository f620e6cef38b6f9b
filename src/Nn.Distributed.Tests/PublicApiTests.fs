/// The MPI package's public API is tracked in src/Nn.FSharpTests/PublicApi/Nn.Distributed.approved.txt.
module Nn.Distributed.Tests.PublicApiTests

open Xunit

[<Fact>]
let ``the public API of Nn.Distributed is the approved one`` () = Nn.Tests.PublicApi.approve typeof<Nn.Distributed.MpiGroup>.Assembly
