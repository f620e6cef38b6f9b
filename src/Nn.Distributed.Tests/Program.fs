/// The entry point mpiexec starts: `dotnet Nn.Distributed.Tests.dll rank SCENARIO DIRECTORY` runs one rank of a test
/// job (Scenarios.runRank). The test runner loads this assembly as a library and never calls it.
module Nn.Distributed.Tests.Program

[<EntryPoint>]
let main args =
    match args with
    | [| "rank"; scenario; directory |] ->
        Scenarios.runRank scenario directory
        0
    | _ ->
        eprintfn "usage: Nn.Distributed.Tests rank SCENARIO DIRECTORY"
        2
