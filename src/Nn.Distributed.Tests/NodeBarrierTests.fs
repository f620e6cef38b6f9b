module Nn.Distributed.Tests.NodeBarrierTests

open Nn.Distributed.Tests.Mpi
open Xunit

[<Fact>]
let ``with NN_MPI_BARRIER=sleep two hundred thousand sums back to back are all exact, none left waiting for a generation that has passed`` () =
    // Three ranks on fewer CPUs arrive at every barrier within moments of each other, so that a rank reading the
    // generation after it arrived, not before, would at some barrier read the next one and wait for ever (a hang).
    for n in [ 2; 3 ] do
        use dir = new TempDirectory()
        let results = ranksWith [ "NN_MPI_BARRIER", "sleep" ] n "many-sums" dir.Path
        for lines in results do
            Assert.Equal<string list>([ "exact true" ], lines)
