/// `nn train --distributed` under mpiexec.mpich: one model from the job, resuming on the same number of ranks, and a
/// failing or killed rank ending the whole job instead of leaving the others waiting.
module Nn.Distributed.Tests.DistributedCliTests

open System
open System.Globalization
open System.IO
open System.Text.RegularExpressions
open Nn.Distributed.Tests.Mpi
open Xunit

/// `mpiexec.mpich -n N dotnet Nn.Cli.dll ARGS` in a directory.
let private nnOnRanks (directory: string) (n: int) (args: string list) = mpiexec directory ([ "-n"; string n; "dotnet"; cliDll ] @ args)

/// The "test accuracy A (c/n)" line's accuracy.
let private accuracyOf (run: Run) =
    let m = Regex.Match(run.Output, @"test accuracy (\d\.\d{4}) \(\d+/\d+\)\s*$")
    if not m.Success then failwithf "no final accuracy line:\n%O" run
    Double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)

let private count (pattern: string) (text: string) = Regex.Matches(text, pattern).Count

[<Fact>]
let ``two ranks train the embedded digits to the one-process accuracy and rank 0 alone prints and saves`` () =
    use dir = new TempDirectory()
    let two = nnOnRanks dir.Path 2 [ "train"; "--distributed"; "--epochs"; "8"; "--save"; "two.nnm" ]
    Assert.True((two.ExitCode = 0), string two)
    let one = runProgram dir.Path limit "dotnet" [ cliDll; "train"; "--epochs"; "8"; "--save"; "one.nnm" ]
    Assert.True((one.ExitCode = 0), string one)
    Assert.Contains("data-parallel over 2 MPI ranks", two.Output)
    Assert.Equal(1, count "trained in" two.Output)
    Assert.Equal(1, count "saved the model to two.nnm" two.Output)
    // Float sums in another order: the accuracy may differ by a sample or two, not more.
    Assert.InRange(abs (accuracyOf two - accuracyOf one), 0.0, 2.5 / 359.0)
    Assert.True(accuracyOf two >= 0.93, string two)
    Assert.Equal<string list>([ "one.nnm"; "two.nnm" ], Directory.GetFiles dir.Path |> Array.map (fun f -> Path.GetFileName f |> nonNull) |> Array.sort |> List.ofArray)

[<Fact>]
let ``a checkpoint resumed on the same number of ranks continues bit for bit`` () =
    use dir = new TempDirectory()
    let straight = nnOnRanks dir.Path 2 [ "train"; "--distributed"; "--epochs"; "4"; "--save"; "straight.nnm" ]
    Assert.True((straight.ExitCode = 0), string straight)
    let first = nnOnRanks dir.Path 2 [ "train"; "--distributed"; "--epochs"; "2"; "--checkpoint"; "run.nnck" ]
    Assert.True((first.ExitCode = 0), string first)
    let resumed = nnOnRanks dir.Path 2 [ "train"; "--distributed"; "--resume"; "run.nnck"; "--epochs"; "4"; "--save"; "resumed.nnm" ]
    Assert.True((resumed.ExitCode = 0), string resumed)
    Assert.Contains("resuming after epoch 2", resumed.Output)
    Assert.Equal<byte[]>(File.ReadAllBytes(dir.File "straight.nnm"), File.ReadAllBytes(dir.File "resumed.nnm"))

[<Fact>]
let ``two threads per rank read theta where the ranks share it and save the model MPI's collectives save`` () =
    use dir = new TempDirectory()
    let train (environment: (string * string) list) (file: string) =
        let run =
            runProgramWith environment dir.Path limit launcher
                [ "-n"; "2"; "dotnet"; cliDll; "train"; "--distributed"; "--threads"; "2"; "--epochs"; "3"; "--save"; file ]
        Assert.True((run.ExitCode = 0), string run)
    train [] "shared.nnm"
    train collectives "collectives.nnm"
    Assert.Equal<byte[]>(File.ReadAllBytes(dir.File "collectives.nnm"), File.ReadAllBytes(dir.File "shared.nnm"))

/// 60 rows of "label,64 values 0..16", the digits' CSV layout.
let private digitsCsv (path: string) (broken: bool) =
    let random = Random 3
    let rows =
        [ for i in 0..59 ->
              let values = [ for _ in 1..64 -> string (random.Next 17) ]
              String.Join(",", string (i % 10) :: values) ]
    let rows = if broken then rows |> List.mapi (fun i r -> if i = 4 then r.Replace(",7,", ",seven,") else r) else rows
    File.WriteAllLines(path, rows)

[<Fact>]
let ``a rank that cannot read its data ends the whole job with its message and its exit code`` () =
    use dir = new TempDirectory()
    digitsCsv (dir.File "good.csv") false
    digitsCsv (dir.File "bad.csv") true
    Assert.Contains("seven", File.ReadAllText(dir.File "bad.csv"))
    let common = [ "train"; "--distributed"; "--test"; "good.csv"; "--scale"; "16"; "--epochs"; "50"; "--save"; "m.nnm" ]
    // One program per rank (MPMD): rank 1 alone is given the malformed file.
    let run =
        mpiexec dir.Path ([ "-n"; "1"; "dotnet"; cliDll ] @ common @ [ "--train"; "good.csv"; ":"; "-n"; "1"; "dotnet"; cliDll ] @ common @ [ "--train"; "bad.csv" ])
    Assert.True((run.ExitCode <> 0), string run)
    Assert.Contains("bad.csv", run.Error)
    Assert.Contains("rank 1 of 2 stopped with exit code 3", run.Error)
    Assert.False(File.Exists(dir.File "m.nnm"), "no model from a failed job")

[<Fact>]
let ``a killed rank ends the whole job with a non-zero exit instead of a hang`` () =
    use dir = new TempDirectory()
    let train = sprintf "dotnet '%s' train --distributed --epochs 1000 --checkpoint run.nnck" cliDll
    // Rank 1 is killed (SIGKILL) once rank 0 has written the first epoch's checkpoint, in the middle of training.
    let killer = sprintf "%s & while [ ! -f run.nnck ]; do sleep 0.2; done; kill -9 $!; wait $!" train
    let run = mpiexec dir.Path [ "-n"; "1"; "sh"; "-c"; train; ":"; "-n"; "1"; "sh"; "-c"; killer ]
    Assert.True((run.ExitCode <> 0), string run)
    Assert.DoesNotContain("completed 1000 epochs", run.Output)

[<Fact>]
let ``without an MPI library --distributed names the library and what to install, exit 3`` () =
    use dir = new TempDirectory()
    let run = runProgramWith [ "NN_MPI_LIBRARY", "libnn-no-such-mpi.so.12" ] dir.Path limit "dotnet" [ cliDll; "train"; "--distributed"; "--epochs"; "1" ]
    Assert.Equal(3, run.ExitCode)
    Assert.Contains("MPI library libnn-no-such-mpi.so.12 not found: install MPICH", run.Error)
    Assert.DoesNotContain("unexpected", run.Error)
    Assert.DoesNotContain("   at ", run.Error)

[<Fact>]
let ``a network with batch normalisation or dropout is refused before training, exit 2, its running statistics not being synchronised`` () =
    use dir = new TempDirectory()
    let run = nnOnRanks dir.Path 2 [ "train"; "--distributed"; "--layers"; "64-32-bn-dropout0.2-10"; "--epochs"; "1"; "--save"; "m.nnm" ]
    Assert.Equal(2, run.ExitCode)
    Assert.Contains("not synchronised across ranks", run.Output + run.Error)
    Assert.False(File.Exists(dir.File "m.nnm"), "no model from a refused job")

[<Fact>]
let ``the nn program compiles every method once and fully optimised, leaving no compiling for the CPUs its ranks use`` () =
    // Tiered compilation recompiles hot methods on background threads; with a rank on every CPU they take the ranks'
    // time (docs/distributed.md, "The runtime's compiler"). The setting lives in the program's runtimeconfig.
    let config = Path.ChangeExtension(cliDll, ".runtimeconfig.json") |> nonNull
    use document = System.Text.Json.JsonDocument.Parse(File.ReadAllText config)
    let properties = document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties")
    let mutable tiered = Unchecked.defaultof<System.Text.Json.JsonElement>
    Assert.True(properties.TryGetProperty("System.Runtime.TieredCompilation", &tiered), config)
    Assert.Equal(System.Text.Json.JsonValueKind.False, tiered.ValueKind)
