/// Reading a model or checkpoint file from disk: the whole file when it starts with its kind's magic, from a regular
/// file or a pipe, and only its first bytes when it does not.
module Nn.Tests.Serialization.FormatFileTests

open System
open System.Diagnostics
open System.IO
open System.Threading.Tasks
open Xunit
open Nn
open Nn.Tests.Data.IdxDataTests

let private network () =
    Network.Create<float32>(Architecture.Input(3).Dense(4, Activation.Relu).Dense(2, Activation.Softmax), Initializer.He, 7UL)

[<Fact>]
let ``a path that does not start with the magic is refused from its first bytes, even one that never ends`` () =
    // /dev/zero read to its end would fill memory; its first four bytes are enough to refuse it.
    if OperatingSystem.IsLinux() then
        let refused (load: unit -> unit) =
            let e = Assert.Throws<ModelFormatException>(fun () -> load ())
            Assert.Contains("/dev/zero, byte 0: expected the", e.Message)
            Assert.Contains("but found '????'", e.Message)
        refused (fun () -> ModelFile.ReadInfo "/dev/zero" |> ignore)
        refused (fun () -> ModelFile.Load<float32> "/dev/zero" |> ignore)
        refused (fun () -> ModelFile.LoadModel<double> "/dev/zero" |> ignore)
        refused (fun () -> CheckpointFile.Load<float32> "/dev/zero" |> ignore)

[<Fact>]
let ``a file shorter than the magic or with another kind's magic gives the reader's message`` () =
    let directory = tempDirectory ()
    try
        let short = Path.Combine(directory, "short.nnm")
        File.WriteAllBytes(short, "NN"B)
        Assert.EndsWith("expected the model file magic 'NNMF', but found a 2-byte file.", (Assert.Throws<ModelFormatException>(fun () -> ModelFile.ReadInfo short |> ignore)).Message)
        let model = Path.Combine(directory, "m.nnm")
        ModelFile.Save(network (), model)
        Assert.EndsWith("expected the checkpoint file magic 'NNCK', but found 'NNMF' (a model file: nn eval, predict, info, export and gradcheck read it, ModelFile.Load in code).", (Assert.Throws<ModelFormatException>(fun () -> CheckpointFile.Load<float32> model |> ignore)).Message)
    finally
        Directory.Delete(directory, true)

[<Fact>]
let ``a model file loads whole from a regular file and from a pipe`` () =
    let directory = tempDirectory ()
    try
        let saved = network ()
        let path = Path.Combine(directory, "m.nnm")
        ModelFile.Save(saved, path)
        Assert.Equal<float32>(saved.Parameters.ToArray(), (ModelFile.Load<float32> path).Parameters.ToArray())
        if OperatingSystem.IsLinux() then
            let fifo = Path.Combine(directory, "pipe")
            use mkfifo = Process.Start("mkfifo", [ fifo ])
            mkfifo.WaitForExit()
            Assert.Equal(0, mkfifo.ExitCode)
            let writer = Task.Run(fun () -> File.WriteAllBytes(fifo, File.ReadAllBytes path))
            let info = ModelFile.ReadInfo fifo
            writer.Wait()
            Assert.Equal((ModelFile.ReadInfo path).Length, info.Length)
            Assert.Equal(saved.Architecture, info.Architecture)
    finally
        Directory.Delete(directory, true)

[<Fact>]
let ``a file of either of two kinds is read whole, and a file of neither only to its first bytes`` () =
    let directory = tempDirectory ()
    try
        let model = Path.Combine(directory, "m.nnm")
        ModelFile.Save(network (), model)
        let other = Path.Combine(directory, "other.bin")
        File.WriteAllBytes(other, Array.append "IDX3"B (Array.zeroCreate 1000))
        let either path = FormatFile.Read(path, ModelFile.Magic, CheckpointFile.Magic)
        Assert.Equal<byte[]>(File.ReadAllBytes model, either model)
        Assert.Equal<byte[]>("IDX3"B, either other)
        Assert.Equal<byte[]>(File.ReadAllBytes model, FormatFile.Read(model, CheckpointFile.Magic, ModelFile.Magic))
        Assert.Throws<ArgumentException>(fun () -> FormatFile.Read(model, ModelFile.Magic, "NN"B) |> ignore) |> ignore
    finally
        Directory.Delete(directory, true)

[<Fact>]
let ``loading a directory as a model or a checkpoint says it is a directory rather than that access is denied`` () =
    let folder = Directory.CreateTempSubdirectory("nn-dir-")
    try
        let expected = $"cannot load '{folder.FullName}': it is a directory."
        Assert.Equal(expected, (Assert.Throws<IOException>(fun () -> ModelFile.Load<float32>(folder.FullName) |> ignore)).Message)
        Assert.Equal(expected, (Assert.Throws<IOException>(fun () -> ModelFile.LoadModel<float32>(folder.FullName) |> ignore)).Message)
        Assert.Equal(expected, (Assert.Throws<IOException>(fun () -> CheckpointFile.Load<float32>(folder.FullName) |> ignore)).Message)
    finally
        folder.Delete()
