/// Data read through a pipe — a FIFO, or standard input given as '-' — is exactly the data of the file itself: the
/// program prints the same lines whichever way the same bytes arrive.
module Nn.Cli.Tests.PipeTests

open System
open System.IO
open System.Text.RegularExpressions
open System.Threading.Tasks
open Xunit
open Nn.Cli.Tests.Process
open Nn.Tests.IdxFiles

/// The output with wall-clock times and the training file's name taken out, the parts that may differ.
let private comparable (run: Run) =
    Assert.True((run.ExitCode = 0), string run)
    let lines = run.Output.Split('\n') |> Array.skip 1 |> String.concat "\n"
    Regex.Replace(lines, @"\d+\.\d+ s\b", "T s")

/// A CSV whose first field is "100": a reader that sniffs the format by consuming bytes of a pipe reads "0".
let private csv (dir: TempDirectory) =
    let random = Random 3
    let lines =
        [| for i in 0..59 ->
               let pixels = Array.init 16 (fun p -> if i = 0 && p = 0 then 100 else random.Next 101)
               String.Join(",", pixels) + "," + string (i % 3) |]
    File.WriteAllLines(dir.File "data.csv", lines)
    [ "--label-column"; "last"; "--classes"; "3"; "--scale"; "100"; "--epochs"; "3"; "--layers"; "16-8-3" ]

/// Makes a FIFO and writes the bytes into it once a reader opens it; the task ends when they are written or when
/// `release` opens the FIFO itself (the program failed before reading it).
let private fifo (dir: TempDirectory) (name: string) (bytes: byte[]) =
    let path = dir.File name
    use make = Diagnostics.Process.Start("mkfifo", [ path ])
    make.WaitForExit()
    Assert.Equal(0, make.ExitCode)
    let writer = Task.Run(fun () -> File.WriteAllBytes(path, bytes))
    let release () =
        if not (writer.Wait(TimeSpan.FromSeconds 1.0)) then
            use _ = File.OpenRead path
            writer.Wait()
    path, release

[<Fact>]
let ``CSV through a FIFO trains exactly as the file does`` () =
    use dir = new TempDirectory()
    let options = csv dir
    let fromFile = dir.Run([ "train"; "--train"; "data.csv"; "--test"; "data.csv" ] @ options)
    let path, release = fifo dir "data.fifo" (File.ReadAllBytes(dir.File "data.csv"))
    let fromFifo = dir.Run([ "train"; "--train"; path; "--test"; "data.csv" ] @ options)
    release ()
    Assert.Equal(comparable fromFile, comparable fromFifo)

[<Fact>]
let ``CSV on standard input as '-' trains exactly as the file does`` () =
    use dir = new TempDirectory()
    let options = csv dir
    let fromFile = dir.Run([ "train"; "--train"; "data.csv"; "--test"; "data.csv" ] @ options)
    let fromStdin = dir.RunWith([], Some(File.ReadAllBytes(dir.File "data.csv")), [ "train"; "--train"; "-"; "--test"; "data.csv" ] @ options)
    Assert.Equal(comparable fromFile, comparable fromStdin)
    Assert.StartsWith("standard input: ", fromStdin.Output)

[<Fact>]
let ``gzip IDX images through a FIFO and on standard input read as from the file`` () =
    use dir = new TempDirectory()
    let images, labels = fashionLike 40 5
    File.WriteAllBytes(dir.File "images.gz", gzip images)
    File.WriteAllBytes(dir.File "labels", labels)
    let rest = [ "--train-labels"; "labels"; "--test"; "images.gz"; "--test-labels"; "labels"; "--epochs"; "2"; "--layers"; "784-10" ]
    let fromFile = dir.Run([ "train"; "--train"; "images.gz" ] @ rest)
    let path, release = fifo dir "images.fifo" (gzip images)
    let fromFifo = dir.Run([ "train"; "--train"; path ] @ rest)
    release ()
    let fromStdin = dir.RunWith([], Some(gzip images), [ "train"; "--train"; "-" ] @ rest)
    Assert.Equal(comparable fromFile, comparable fromFifo)
    Assert.Equal(comparable fromFile, comparable fromStdin)

[<Fact>]
let ``eval reads its test data from standard input`` () =
    use dir = new TempDirectory()
    let options = csv dir
    let train = dir.Run([ "train"; "--train"; "data.csv"; "--test"; "data.csv"; "--save"; "m.nnm" ] @ options)
    Assert.True((train.ExitCode = 0), string train)
    let evalOptions = [ "--label-column"; "last"; "--classes"; "3"; "--scale"; "100" ]
    let fromFile = dir.Run([ "eval"; "m.nnm"; "--test"; "data.csv" ] @ evalOptions)
    let fromStdin = dir.RunWith([], Some(File.ReadAllBytes(dir.File "data.csv")), [ "eval"; "m.nnm"; "--test"; "-" ] @ evalOptions)
    Assert.Equal(snd (accuracyOf fromFile), snd (accuracyOf fromStdin))

[<Fact>]
let ``predict --out '-' writes to standard output, as --data '-' reads standard input`` () =
    use dir = new TempDirectory()
    // '-' was taken as a file name: the predictions went to a file called '-' and standard output said so.
    Nn.ModelFile.Save(Nn.Network.Create<float32>(Nn.Architecture.Input(2).Dense(2, Nn.Activation.Softmax), Nn.Initializer.Xavier, 1UL), dir.File "m.nnm")
    File.WriteAllText(dir.File "rows.csv", "1,2\n3,4\n")
    let toFile = dir.Run [ "predict"; "m.nnm"; "--data"; "rows.csv"; "--scale"; "4" ]
    Assert.True((toFile.ExitCode = 0), string toFile)
    let dash = dir.Run [ "predict"; "m.nnm"; "--data"; "rows.csv"; "--scale"; "4"; "--out"; "-" ]
    Assert.True((dash.ExitCode = 0), string dash)
    Assert.Equal(toFile.Output, dash.Output)
    Assert.False(File.Exists(dir.File "-"), "no file named '-' is written")

[<Fact>]
let ``standard input can feed only one option`` () =
    use dir = new TempDirectory()
    let run = dir.RunWith([], Some "1,2\n"B, [ "train"; "--train"; "-"; "--test"; "-" ])
    Assert.Equal(2, run.ExitCode)
    Assert.Contains("nn: --test and --train both read standard input ('-'), which can be read only once.", run.Error)

[<Fact>]
let ``standard input given to two options is refused before anything is read, in train, eval and gradcheck`` () =
    use dir = new TempDirectory()
    // Read first, this input was refused as a table without rows (exit 3), or as CSV given a labels file; the model
    // eval names does not exist, so the refusal comes before any file is opened.
    for arguments, message in
        [ [ "train"; "--train"; "-"; "--test"; "-"; "--target"; "y" ], "--test and --train"
          [ "train"; "--train"; "-"; "--train-labels"; "-"; "--test"; "x.csv" ], "--train-labels and --train"
          [ "eval"; "missing.nnm"; "--test"; "-"; "--test-labels"; "-" ], "--test-labels and --test"
          [ "gradcheck"; "--data"; "-"; "--data-labels"; "-" ], "--data-labels and --data" ] do
        let run = dir.RunWith([], Some "y\n"B, arguments)
        Assert.True((run.ExitCode = 2), string run)
        Assert.StartsWith($"nn: {message} both read standard input ('-'), which can be read only once.\n", run.Error)
        Assert.Equal("", run.Output)

[<Fact>]
let ``a malformed CSV on standard input is named as standard input with its line`` () =
    use dir = new TempDirectory()
    let run = dir.RunWith([], Some "1,2\n3\n"B, [ "train"; "--train"; "-"; "--test"; "x.csv" ])
    Assert.Equal(3, run.ExitCode)
    Assert.Contains("nn: standard input, line 2: expected 2 fields (as on the first line), but found 1.", run.Error)

[<Fact>]
let ``info, export, eval and gradcheck read a model or checkpoint through a FIFO`` () =
    use dir = new TempDirectory()
    let train = dir.Run [ "train"; "--epochs"; "1"; "--save"; "m.nnm"; "--checkpoint"; "c.nnck" ]
    Assert.True((train.ExitCode = 0), string train)
    let through (name: string) (args: string list) =
        let path, release = fifo dir (name + Guid.NewGuid().ToString("N")) (File.ReadAllBytes(dir.File name))
        let run = dir.Run(args @ [ path ])
        release ()
        Assert.True((run.ExitCode = 0), string run)
        run.Output.Replace(path, name)
    Assert.Equal((dir.Run [ "info"; "m.nnm" ]).Output, through "m.nnm" [ "info" ])
    Assert.Equal((dir.Run [ "info"; "c.nnck" ]).Output, through "c.nnck" [ "info" ])
    Assert.Contains("ONNX model of 64-32(relu)-10(softmax)", through "m.nnm" [ "export"; "--onnx"; "m.onnx" ])
    Assert.Equal(snd (accuracyOf (dir.Run [ "eval"; "m.nnm" ])), snd (accuracyOf { ExitCode = 0; Output = through "m.nnm" [ "eval" ]; Error = "" }))
    Assert.Contains("gradient check passed", through "m.nnm" [ "gradcheck"; "--samples"; "1" ])

[<Fact>]
let ``an endless CSV line through a FIFO ends in exit 3 naming the line and Limits.MaxLineLength`` () =
    use dir = new TempDirectory()
    let path = dir.File "endless.fifo"
    use make = Diagnostics.Process.Start("mkfifo", [ path ])
    make.WaitForExit()
    // "1," without a line break until the program stops reading and the write fails.
    let writer =
        Task.Run(fun () ->
            let chunk = Text.Encoding.ASCII.GetBytes(String.replicate 32768 "1,")
            try
                use stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite)
                while true do
                    stream.Write(chunk, 0, chunk.Length)
            with :? IOException -> ())
    let run = dir.Run([ "train"; "--train"; path; "--test"; "x.csv" ])
    Assert.True(writer.Wait(TimeSpan.FromSeconds 30.0), "the writer should stop once the program has gone")
    Assert.Equal(3, run.ExitCode)
    Assert.Equal(sprintf "nn: %s, line 1: expected at most %d characters per line (Limits.MaxLineLength), but found a longer line.\n" path Nn.Limits.MaxLineLength, run.Error)

[<Fact>]
let ``standard input closed when nn starts is refused at once as '-', not waited on for ever`` () =
    // With descriptor 0 closed the runtime's own start-up pipe takes it; reading that pipe never ends.
    use dir = new TempDirectory()
    let code, error = runRedirected dir.Path "train --train - --test x.csv" "<&-"
    Assert.Equal(2, code)
    Assert.StartsWith("nn: --train - reads standard input, but nn was started with standard input closed; give a file, or pipe the data in.", error)

[<Fact>]
let ``standard input that is a directory is refused as '-', exit code 3, naming standard input`` () =
    // The shell opens the directory for reading; the first read fails with EISDIR, whose message named nothing.
    use dir = new TempDirectory()
    let code, error = runRedirected dir.Path "train --train - --test x.csv --target y" "< ."
    Assert.Equal(3, code)
    Assert.Equal("nn: --train: standard input (-) is a directory, not a file\n", error)

/// With descriptor 1 closed the runtime's start-up pipe takes it: its read end, where every write failed with
/// "Access to the path is denied" (exit 3), or, with standard input closed too, its write end, where the run
/// printed into the runtime's own signal pipe and ended with exit 0.
[<Theory>]
[<InlineData(">&-")>]
[<InlineData("<&- >&-")>]
let ``standard output closed when nn starts is refused before any work, exit 2, naming standard output`` (redirections: string) =
    use dir = new TempDirectory()
    let code, error = runRedirected dir.Path "train --epochs 1 --save m.nnm" redirections
    Assert.Equal(2, code)
    Assert.Equal("nn: standard output was closed when nn started, so nothing it prints could be read; send it to a file or to /dev/null instead of closing it.\n", error)
    Assert.False(File.Exists(dir.File "m.nnm"), "nothing should have been trained")

[<Fact>]
let ``standard output that is a pipe nn also holds the other end of is not taken for a closed one`` () =
    // A careless parent can pass a pipe's read end beside its write end; the stream is still live. Descriptor 5 here
    // reopens standard output's pipe for reading, the shape the runtime's own start-up pipe has.
    use dir = new TempDirectory()
    let _, error = runRedirected dir.Path "train --epochs 1" "5</proc/self/fd/1 | cat > out.txt"
    Assert.Equal("", error)
    Assert.Contains("test accuracy", File.ReadAllText(dir.File "out.txt"))

[<Fact>]
let ``standard output sent to /dev/null is not taken for a closed one`` () =
    use dir = new TempDirectory()
    let code, error = runRedirected dir.Path "train --epochs 1 --save m.nnm" "> /dev/null"
    Assert.Equal(0, code)
    Assert.Equal("", error)
    Assert.True(File.Exists(dir.File "m.nnm"))
