/// Ctrl-C during training: the process ends with 130, says so, and leaves only complete files behind.
module Nn.Cli.Tests.InterruptionTests

open System
open System.IO
open Xunit
open Nn.Cli.Tests.Process

[<Fact>]
let ``SIGINT during training exits with 130, leaves no temporary file and a loadable checkpoint`` () =
    if not (OperatingSystem.IsWindows()) then
        use dir = new TempDirectory()
        use running = new Running(dir.Path, [ "train"; "--epochs"; "200"; "--checkpoint"; "run.nnck"; "--save"; "m.nnm" ])
        running.WaitForLine "epoch 2/"
        running.Interrupt()
        let run = running.Finish()
        Assert.True((run.ExitCode = 130), string run)
        Assert.Contains("nn: interrupted", run.Error)
        assertNoStackTrace run
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"))
        Assert.False(File.Exists(dir.File "m.nnm"))
        let info = dir.Run [ "info"; "run.nnck" ]
        Assert.True((info.ExitCode = 0), string info)
