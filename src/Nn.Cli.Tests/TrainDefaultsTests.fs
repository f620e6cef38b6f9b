/// The values nn train documents for the options a run leaves out, each seen in what the run does.
module Nn.Cli.Tests.TrainDefaultsTests

open System.Text.RegularExpressions
open Xunit
open Nn.Cli.Tests.Process

[<Fact>]
let ``without --epochs a fresh run trains the 20 epochs --help documents`` () =
    use dir = new TempDirectory()
    let run = dir.Run [ "train"; "--layers"; "64-10"; "--batch"; "256" ]
    Assert.True((run.ExitCode = 0), string run)
    Assert.Contains("Default 20", (dir.Run [ "train"; "--help" ]).Output)
    Assert.Contains("batch 256, 20 epochs, 1438 training samples", run.Output)
    Assert.Equal(20, Regex.Matches(run.Output, @"^epoch \d+/20 ", RegexOptions.Multiline).Count)
    Assert.Contains("completed 20 epochs.", run.Output)

[<Fact>]
let ``without --checkpoint-every a run's checkpoint holds its last epoch, also when it stops early`` () =
    // With the portable kernels (the same scalar code on every CPU) this run's validation cost rises from 0.71 to 0.99 in epoch 3,
    // so patience 1 stops it there, well within the first second: the paced checkpoint is saved when the run ends and
    // holds epoch 3, where one written every 2 epochs holds epoch 2 (the final epoch of the run's 40 is never reached,
    // so nothing forces a save at 3).
    use dir = new TempDirectory()
    let train extra =
        let run =
            dir.Run(
                [ "train"; "--layers"; "64-32-10"; "--validation"; "0.5"; "--patience"; "1"; "--lr"; "0.1"; "--epochs"; "40"; "--batch"; "16"; "--kernels"; "portable" ]
                @ extra)
        Assert.True((run.ExitCode = 0), string run)
        Assert.Contains("stopped early after epoch 3:", run.Output)
    let progress file =
        let info = dir.Run [ "info"; file ]
        Assert.True((info.ExitCode = 0), string info)
        Regex.Match(info.Output, @"progress\s+(\d+) of 40 epochs completed").Groups[1].Value
    train [ "--checkpoint"; "every.nnck" ]
    train [ "--checkpoint"; "second.nnck"; "--checkpoint-every"; "2" ]
    Assert.Equal("3", progress "every.nnck")
    Assert.Equal("2", progress "second.nnck")
