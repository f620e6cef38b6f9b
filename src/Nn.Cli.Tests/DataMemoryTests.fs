/// Data that would need more memory than the program has, end to end: an endless or enormous stream of CSV text is
/// refused as it is read, and an IDX header announcing too many images before they are read, in one line naming
/// the option and the file (exit 3), never a stack trace, an out-of-memory error or a kill by the operating system.
module Nn.Cli.Tests.DataMemoryTests

open System
open System.IO
// The IDX tests announce more images than they send, written with the library tests' IDX helpers.
open Nn.Tests.IdxFiles
open System.Text
open Xunit
open Nn.Cli.Tests.Process

/// A 64 MiB heap: the runtime refuses to grow past it, as a small machine or container would.
let private smallMachine = [ "DOTNET_GCHeapHardLimit", "0x4000000" ]

/// 32 MB of "1,2,0" lines, as `yes 1,2,0` writes them: at the 13.4 bytes of memory a byte measured as samples, far past 64 MiB.
let private flood = lazy (Encoding.ASCII.GetBytes(String.replicate 5_333_333 "1,2,0\n"))

/// Asserts a refusal in one line, exit 3, that starts with the option and the file and says why.
let private refused (start: string) (why: string) (run: Run) =
    Assert.True((run.ExitCode = 3), sprintf "expected exit 3\n%O" run)
    Assert.StartsWith("nn: " + start, run.Error)
    Assert.Contains(why, run.Error)
    Assert.Equal(1, run.Error.TrimEnd('\n').Split('\n').Length)
    assertNoStackTrace run

let private small = [| "0,1,2"; "1,2,3" |]

/// A model of two inputs trained on the two lines of `small`, made once for every test that takes one.
let private model =
    lazy
        (use dir = new TempDirectory()
         File.WriteAllLines(dir.File "small.csv", small)
         let trained = dir.Run [ "train"; "--train"; "small.csv"; "--test"; "small.csv"; "--epochs"; "1"; "--save"; "m.nnm" ]
         Assert.True((trained.ExitCode = 0), string trained)
         File.ReadAllBytes(dir.File "m.nnm"))

/// A directory holding `small` as small.csv and the model as m.nnm.
let private withModel () =
    let dir = new TempDirectory()
    File.WriteAllLines(dir.File "small.csv", small)
    File.WriteAllBytes(dir.File "m.nnm", model.Value)
    dir

let textCommands =
    let data = TheoryData<string list, string, string>()
    data.Add([ "train"; "--train"; "-"; "--test"; "small.csv"; "--epochs"; "1" ], "--train standard input: the data read so far (", "of memory as samples (12 bytes a value")
    data.Add([ "train"; "--train"; "-"; "--target"; "1"; "--test-split"; "0.5" ], "--train standard input: the data read so far (", "of memory as a table (2 bytes a byte of text")
    data.Add([ "gradcheck"; "--data"; "-" ], "--data standard input: the data read so far (", "of memory as samples (24 bytes a value")
    data.Add([ "eval"; "m.nnm"; "--test"; "-" ], "--test standard input: the data read so far (", "of memory as samples (12 bytes a value")
    data.Add([ "predict"; "m.nnm"; "--data"; "-" ], "--data standard input: the data read so far (", "of memory as a table (")
    data

[<Theory; MemberData(nameof textCommands)>]
let ``a stream of CSV text past the memory left is refused as it is read, naming the option`` (args: string list, start: string, why: string) =
    use dir = withModel ()
    dir.RunWith(smallMachine, Some flood.Value, args) |> refused start why

[<Fact>]
let ``a regular CSV file past the memory left is refused as it is read, naming the file`` () =
    use dir = withModel ()
    File.WriteAllBytes(dir.File "big.csv", flood.Value)
    let run = dir.RunWith(smallMachine, None, [ "eval"; "m.nnm"; "--test"; "big.csv" ])
    run |> refused "--test big.csv: the data read so far (" "more than the "

[<Fact>]
let ``an IDX header announcing more images than memory holds is refused before they are read, plain or gzip`` () =
    use dir = withModel ()
    // Fifty million images of 10 values need about 6 GiB as float32; a megabyte of their pixels follows the header.
    let claim = idxBytes [ 50_000_000; 10 ] (Array.zeroCreate 1_000_000)
    File.WriteAllBytes(dir.File "labels", idxBytes [ 1 ] [| 0uy |])
    let announces = "its IDX header announces 50000000 images of 10 values, which would need about "
    dir.RunWith(smallMachine, Some claim, [ "train"; "--train"; "-"; "--train-labels"; "labels"; "--test"; "small.csv" ])
    |> refused "--train standard input: " announces
    dir.RunWith(smallMachine, Some(gzip claim), [ "predict"; "m.nnm"; "--data"; "-" ])
    |> refused "--data standard input: " announces

[<Fact>]
let ``data well within the memory left still trains on a small machine`` () =
    use dir = withModel ()
    // 1.5 MB of samples needs about 24 MiB by the same rule, under half the heap.
    let lines = Encoding.ASCII.GetBytes(String.replicate 125_000 "0,1,2\n1,2,3\n")
    let run = dir.RunWith(smallMachine, Some lines, [ "train"; "--train"; "-"; "--test"; "small.csv"; "--epochs"; "1" ])
    Assert.True((run.ExitCode = 0), string run)
    accuracyOf run |> ignore
    let images, labels = fashionLike 300 5
    File.WriteAllBytes(dir.File "images", images)
    File.WriteAllBytes(dir.File "labels", labels)
    let test = [ "--test"; "images"; "--test-labels"; "labels" ]
    let idx = dir.RunWith(smallMachine, Some images, [ "train"; "--train"; "-"; "--train-labels"; "labels"; "--epochs"; "1" ] @ test)
    Assert.True((idx.ExitCode = 0), string idx)
    accuracyOf idx |> ignore
