/// Every file nn writes is checked before the work starts: a path that cannot be written, that names a directory,
/// device or read-only file, or that is one of the command's inputs or other outputs is refused at once, and the
/// inputs are left byte for byte as they were.
module Nn.Cli.Tests.OutputPathTests

open System
open System.Diagnostics
open System.IO
open Xunit
open Nn.Cli.Tests.Process
open Nn.Tests.IdxFiles

let private usage = 2
let private badInput = 3

/// Runs nn, expecting the exit code, a message naming the option, no training step and no stack trace.
let private refused (dir: TempDirectory) (code: int) (args: string list) (messages: string list) =
    let run = dir.Run args
    Assert.True((run.ExitCode = code), sprintf "expected exit %d\n%O" code run)
    for message in messages do
        Assert.Contains(message, run.Error)
    Assert.DoesNotContain("epoch 1/", run.Output)
    assertNoStackTrace run
    run

/// Runs the check with a file's bytes taken before and compared after: a refused command must leave its inputs alone.
let private unchanged (path: string) (check: unit -> unit) =
    let before = File.ReadAllBytes path
    check ()
    Assert.Equal<byte[]>(before, File.ReadAllBytes path)

/// The kind of file system entry, as stat(1) names it ("regular file", "fifo", "character special file").
let private kind (path: string) =
    use stat = Process.Start(ProcessStartInfo("stat", [ "-c"; "%F"; path ], RedirectStandardOutput = true)) |> nonNull
    let text = stat.StandardOutput.ReadToEnd().Trim()
    stat.WaitForExit()
    text

let private csv (dir: TempDirectory) (name: string) =
    File.WriteAllLines(dir.File name, [| for i in 0..19 -> sprintf "%d,%d,%d,%d" (i % 2) (i % 5) (i % 3) (i % 7) |])

let private trainCsv = [ "train"; "--train"; "data.csv"; "--test"; "data.csv"; "--layers"; "3-4-2"; "--classes"; "2"; "--epochs"; "2" ]

[<Fact>]
let ``an empty output path is refused naming the option before training`` () =
    use dir = new TempDirectory()
    refused dir usage [ "train"; "--save"; "" ] [ "--save must name a file, but is empty." ] |> ignore
    refused dir usage [ "train"; "--plot"; "" ] [ "--plot must name a file" ] |> ignore
    refused dir usage [ "export"; "m.nnm"; "--onnx"; "" ] [ "--onnx must name a file" ] |> ignore

[<Fact>]
let ``a dash as an output that writes a file is refused naming the option, and no file named dash is written`` () =
    use dir = new TempDirectory()
    for option in [ "--save"; "--plot"; "--checkpoint" ] do
        refused dir usage [ "train"; option; "-" ] [ sprintf "%s must name a file, but is '-'" option; "./-" ] |> ignore
    refused dir usage [ "export"; "m.nnm"; "--onnx"; "-" ] [ "--onnx must name a file, but is '-'" ] |> ignore
    Assert.False(File.Exists(dir.File "-"))

[<Fact>]
let ``an output whose file name is missing, so that the next option was taken as it, is refused and no such file is written`` () =
    // The parser hands --save the next word even when it is an option: the model went to a file named
    // --exact-train-metrics, and the run measured the epoch means, as if that option had not been typed.
    use dir = new TempDirectory()
    for option in [ "--save"; "--plot"; "--checkpoint" ] do
        refused dir usage [ "train"; "--epochs"; "1"; option; "--exact-train-metrics" ] [ sprintf "nn: %s must name a file, but is '--exact-train-metrics', which reads as an option: a file name is missing after %s; give one (./--exact-train-metrics for a file named so)." option option ] |> ignore
    refused dir usage [ "export"; "m.nnm"; "--onnx"; "--help" ] [ "--onnx must name a file, but is '--help', which reads as an option" ] |> ignore
    refused dir usage [ "predict"; "m.nnm"; "--data"; "d.csv"; "--out"; "--scale" ] [ "--out must name a file, but is '--scale', which reads as an option" ] |> ignore
    Assert.Empty(Directory.GetFileSystemEntries dir.Path)
    // A file whose name starts with two dashes is still written, given as a path.
    Assert.Equal(0, (dir.Run [ "train"; "--epochs"; "1"; "--save"; "./--m.nnm" ]).ExitCode)
    Assert.True(File.Exists(dir.File "--m.nnm"))

[<Fact>]
let ``an output in a missing directory is refused before training, the plot included`` () =
    use dir = new TempDirectory()
    refused dir usage [ "train"; "--save"; "missing/m.nnm" ] [ "--save: cannot save 'missing/m.nnm'"; "does not exist" ] |> ignore
    refused dir usage [ "train"; "--plot"; "missing/c.png"; "--save"; "m.nnm" ] [ "--plot: cannot save 'missing/c.png'" ] |> ignore
    refused dir usage [ "train"; "--checkpoint"; "missing/r.nnck" ] [ "--checkpoint: cannot save" ] |> ignore
    Assert.False(File.Exists(dir.File "m.nnm"))

[<Fact>]
let ``an output whose name is longer than the file system allows is refused before training`` () =
    use dir = new TempDirectory()
    let name = String.replicate 256 "m"
    refused dir usage [ "train"; "--save"; name ] [ sprintf "--save: cannot save '%s': its name of 256 bytes, or its whole path, is longer than the file system allows" name ] |> ignore
    refused dir usage [ "train"; "--checkpoint"; String.replicate 128 "é" ] [ "--checkpoint: cannot save"; "its name of 256 bytes" ] |> ignore
    Assert.Empty(Directory.GetFileSystemEntries dir.Path)

[<Fact>]
let ``a directory given as an output is refused and left as it is`` () =
    use dir = new TempDirectory()
    Directory.CreateDirectory(dir.File "out") |> ignore
    refused dir usage [ "train"; "--save"; "out" ] [ "--save: cannot save 'out': 'out' is a directory." ] |> ignore
    refused dir usage [ "train"; "--plot"; "out/" ] [ "--plot"; "ends in a directory separator" ] |> ignore
    refused dir usage [ "export"; "m.nnm"; "--onnx"; "out" ] [ "--onnx: cannot save 'out'" ] |> ignore
    Assert.True(Directory.Exists(dir.File "out"))

[<Fact>]
let ``an output in a directory where no file can be created is refused before training`` () =
    use dir = new TempDirectory()
    // /proc accepts no new files, even from root, so the check is real wherever the tests run on Linux.
    if OperatingSystem.IsLinux() then
        refused dir usage [ "train"; "--save"; "/proc/nn-model.nnm" ] [ "--save: cannot save '/proc/nn-model.nnm'"; "no file can be created" ] |> ignore

[<Fact>]
let ``a device or FIFO given as an output is refused and stays what it was`` () =
    use dir = new TempDirectory()
    if OperatingSystem.IsLinux() then
        refused dir usage [ "train"; "--save"; "/dev/full" ] [ "--save: cannot save '/dev/full'"; "not a regular file" ] |> ignore
        Assert.Equal("character special file", kind "/dev/full")
        use mkfifo = Process.Start("mkfifo", [ dir.File "pipe" ])
        mkfifo.WaitForExit()
        refused dir usage [ "train"; "--plot"; "pipe" ] [ "--plot: cannot save 'pipe'"; "not a regular file" ] |> ignore
        Assert.Equal("fifo", kind (dir.File "pipe"))

[<Fact>]
let ``a read-only output file is refused with exit code 3 and keeps its bytes`` () =
    use dir = new TempDirectory()
    File.WriteAllText(dir.File "kept.nnm", "mine")
    File.SetAttributes(dir.File "kept.nnm", FileAttributes.ReadOnly)
    unchanged (dir.File "kept.nnm") (fun () ->
        refused dir badInput [ "train"; "--save"; "kept.nnm" ] [ "--save: cannot save 'kept.nnm'"; "is read-only" ] |> ignore
        Assert.Equal(0, (dir.Run [ "train"; "--epochs"; "1"; "--save"; "m.nnm" ]).ExitCode)
        refused dir badInput [ "export"; "m.nnm"; "--onnx"; "kept.nnm" ] [ "--onnx: cannot save 'kept.nnm'"; "is read-only" ] |> ignore)
    File.SetAttributes(dir.File "kept.nnm", FileAttributes.Normal)

[<Fact>]
let ``saving to a symbolic link writes the file it points to and keeps the link`` () =
    use dir = new TempDirectory()
    File.CreateSymbolicLink(dir.File "latest.nnm", "model-1.nnm") |> ignore
    let run = dir.Run [ "train"; "--epochs"; "1"; "--save"; "latest.nnm" ]
    Assert.True((run.ExitCode = 0), string run)
    Assert.Equal("model-1.nnm", FileInfo(dir.File "latest.nnm").LinkTarget)
    Assert.Equal(0, (dir.Run [ "info"; "model-1.nnm" ]).ExitCode)

[<Fact>]
let ``an output equal to a training or test file is refused and the data is unchanged`` () =
    use dir = new TempDirectory()
    csv dir "data.csv"
    File.CreateSymbolicLink(dir.File "alias.csv", "data.csv") |> ignore
    Directory.CreateSymbolicLink(dir.File "here", dir.Path) |> ignore
    unchanged (dir.File "data.csv") (fun () ->
        refused dir usage (trainCsv @ [ "--save"; "data.csv" ]) [ "--save and --train name the same file (data.csv)" ] |> ignore
        refused dir usage [ "train"; "--train"; "alias.csv"; "--test"; "other.csv"; "--plot"; "data.csv" ] [ "--plot and --train name the same file (data.csv and alias.csv are one file)" ] |> ignore
        refused dir usage [ "train"; "--train"; "other.csv"; "--test"; "data.csv"; "--checkpoint"; "here/data.csv" ] [ "--checkpoint and --test name the same file" ] |> ignore
        refused dir usage [ "train"; "--train"; "other.csv"; "--test"; "data.csv"; "--save"; Path.Combine(dir.Path, "data.csv") ] [ "--save and --test name the same file" ] |> ignore)

[<Fact>]
let ``an output equal to an IDX labels file, given or found by its name, is refused`` () =
    use dir = new TempDirectory()
    let images, labels = fashionLike 10 3
    File.WriteAllBytes(dir.File "train-images-idx3-ubyte", images)
    File.WriteAllBytes(dir.File "train-labels-idx1-ubyte", labels)
    let data = [ "train"; "--train"; "train-images-idx3-ubyte"; "--test"; "train-images-idx3-ubyte" ]
    unchanged (dir.File "train-labels-idx1-ubyte") (fun () ->
        refused dir usage (data @ [ "--save"; "train-labels-idx1-ubyte" ]) [ "--save and --train-labels name the same file" ] |> ignore
        refused dir usage (data @ [ "--test-labels"; "train-labels-idx1-ubyte"; "--plot"; "train-labels-idx1-ubyte" ]) [ "--plot and --train-labels name the same file" ] |> ignore)

[<Fact>]
let ``two outputs naming one file are refused`` () =
    use dir = new TempDirectory()
    File.CreateSymbolicLink(dir.File "link.nnm", "out.nnm") |> ignore
    refused dir usage [ "train"; "--save"; "out.nnm"; "--plot"; "out.nnm" ] [ "--save and --plot name the same file (out.nnm)" ] |> ignore
    refused dir usage [ "train"; "--save"; "out.nnm"; "--checkpoint"; "out.nnm" ] [ "--save and --checkpoint name the same file" ] |> ignore
    refused dir usage [ "train"; "--checkpoint"; "link.nnm"; "--plot"; "out.nnm" ] [ "--checkpoint and --plot name the same file (link.nnm and out.nnm are one file)" ] |> ignore
    Assert.False(File.Exists(dir.File "out.nnm"))

[<Fact>]
let ``saving over the checkpoint being resumed is refused, checkpointing into it continues the run`` () =
    use dir = new TempDirectory()
    Assert.Equal(0, (dir.Run [ "train"; "--epochs"; "1"; "--checkpoint"; "run.nnck" ]).ExitCode)
    unchanged (dir.File "run.nnck") (fun () ->
        refused dir usage [ "train"; "--resume"; "run.nnck"; "--save"; "run.nnck" ] [ "--save and --resume name the same file (run.nnck)"; "would destroy the input" ] |> ignore
        refused dir usage [ "train"; "--resume"; "run.nnck"; "--plot"; "run.nnck" ] [ "--plot and --resume name the same file" ] |> ignore)
    let continued = dir.Run [ "train"; "--resume"; "run.nnck"; "--epochs"; "2"; "--checkpoint"; "run.nnck" ]
    Assert.True((continued.ExitCode = 0), string continued)
    Assert.Contains("progress    2 of 2 epochs completed", (dir.Run [ "info"; "run.nnck" ]).Output)

[<Fact>]
let ``exporting a model over itself is refused and the model is unchanged`` () =
    use dir = new TempDirectory()
    Assert.Equal(0, (dir.Run [ "train"; "--epochs"; "1"; "--save"; "m.nnm" ]).ExitCode)
    File.CreateSymbolicLink(dir.File "m.onnx", "m.nnm") |> ignore
    unchanged (dir.File "m.nnm") (fun () ->
        refused dir usage [ "export"; "m.nnm"; "--onnx"; "m.nnm" ] [ "--onnx and the model file name the same file (m.nnm)" ] |> ignore
        refused dir usage [ "export"; "m.nnm"; "--onnx"; "m.onnx" ] [ "--onnx and the model file name the same file (m.onnx and m.nnm are one file)" ] |> ignore)

[<Fact>]
let ``when the plot cannot be written at the end the model is still saved and the plot named, exit code 3`` () =
    use dir = new TempDirectory()
    Directory.CreateDirectory(dir.File "plots") |> ignore
    use running = new Running(dir.Path, [ "train"; "--epochs"; "40"; "--plot"; "plots/curve.png"; "--save"; "m.nnm" ])
    running.WaitForLine "epoch 1/"
    // Gone after the checks passed: only the end of the run can notice.
    Directory.Delete(dir.File "plots")
    let run = running.Finish()
    Assert.True((run.ExitCode = badInput), string run)
    Assert.Contains("--plot: could not write plots/curve.png", run.Error)
    Assert.Contains("not written: --plot plots/curve.png; every other output was written.", run.Error)
    Assert.Contains("saved the model to m.nnm", run.Output)
    Assert.Equal(0, (dir.Run [ "info"; "m.nnm" ]).ExitCode)
    assertNoStackTrace run

[<Fact>]
let ``when a checkpoint cannot be written during training the run goes on and its model is saved, exit code 3`` () =
    use dir = new TempDirectory()
    Directory.CreateDirectory(dir.File "runs") |> ignore
    use running = new Running(dir.Path, [ "train"; "--epochs"; "40"; "--checkpoint"; "runs/run.nnck"; "--save"; "m.nnm" ])
    running.WaitForLine "epoch 1/"
    // A checkpoint's temporary file may appear while the directory is emptied; then the removal is tried again.
    let rec remove attempts =
        try Directory.Delete(dir.File "runs", true)
        with :? IOException when attempts > 0 ->
            Threading.Thread.Sleep 20
            remove (attempts - 1)
    remove 10
    let run = running.Finish()
    Assert.True((run.ExitCode = badInput), string run)
    Assert.Contains("--checkpoint: could not write runs/run.nnck", run.Error)
    Assert.Contains("Training goes on without it.", run.Error)
    Assert.Contains("epoch 40/40", run.Output)
    Assert.Contains("not written: --checkpoint runs/run.nnck; every other output was written.", run.Error)
    Assert.Contains("saved the model to m.nnm", run.Output)
    assertNoStackTrace run
