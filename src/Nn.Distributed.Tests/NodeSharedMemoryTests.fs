module Nn.Distributed.Tests.NodeSharedMemoryTests

open System.IO
open Nn.Distributed.Tests.Mpi
open Xunit

[<Fact>]
let ``an all-gather that carries totals brings every rank's block and the totals' sums, through shared memory as through MPI's collectives`` () =
    // The step's path when θ is not shared (MPI did not lay the segments out one after another): no run takes it here.
    for n, expected in [ 2, "totals 3 0.25"; 3, "totals 6 0.75" ] do
        for environment in [ []; collectives ] do
            use dir = new TempDirectory()
            let results = ranksWith environment n "gathered-totals" dir.Path
            for lines in results do
                Assert.Equal<string list>([ "blocks true"; expected ], lines)

[<Fact>]
let ``the sums wait in the barrier that sleeps only when every rank asks for it`` () =
    let job (first: string list) (second: string list) =
        use dir = new TempDirectory()
        let rank = [ "dotnet"; testsDll; "rank"; "barrier-choice"; dir.Path ]
        let run = mpiexec dir.Path ([ "-n"; "1" ] @ first @ rank @ [ ":"; "-n"; "1" ] @ second @ rank)
        Assert.True((run.ExitCode = 0), string run)
        [ for r in 0..1 -> File.ReadAllLines(dir.File(sprintf "rank%d.txt" r)) |> List.ofArray ]
    let sleep = [ "-env"; "NN_MPI_BARRIER"; "sleep" ]
    for lines in job sleep [] @ job [] sleep do
        Assert.Equal<string list>([ "sleeping barrier false"; "sum 3" ], lines)
    for lines in job sleep sleep do
        Assert.Equal<string list>([ "sleeping barrier true"; "sum 3" ], lines)
