module Nn.Distributed.Tests.NodeSharedParametersTests

open Nn.Distributed.Tests.Mpi
open Xunit

[<Fact>]
let ``ranks on one machine share theta, and a run of the same length in another element type gets memory of its own size`` () =
    for n, total in [ 2, "2"; 3, "3" ] do
        use dir = new TempDirectory()
        let results = ranks n "shared-parameters" dir.Path
        for lines in results do
            Assert.Equal<string list>([ "floats whole true, totals " + total; "doubles whole true, totals " + total ], lines)
