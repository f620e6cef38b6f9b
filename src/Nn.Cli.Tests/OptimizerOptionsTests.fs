/// `nn train --optimizer`, the hyperparameter options and `--schedule`, walked over every rule in the library's
/// registry: each one trains, checkpoints and resumes to the uninterrupted run's model, so a rule the command line
/// misses fails here.
module Nn.Cli.Tests.OptimizerOptionsTests

open System.IO
open Xunit
open Nn
open Nn.Cli.Tests.Process

let kinds = TheoryData<string>([ for kind in OptimizerKinds.All -> kind.Name ])

let private refused (dir: TempDirectory) (args: string list) (message: string) =
    let run = dir.Run args
    Assert.True((run.ExitCode = 2), sprintf "expected exit 2\n%O" run)
    Assert.Contains(message, run.Error)
    Assert.Contains("Usage:", run.Error)
    assertNoStackTrace run

[<Fact>]
let ``train's help names every registered rule and every hyperparameter option with each rule's default`` () =
    use dir = new TempDirectory()
    let help = dir.Run [ "train"; "--help" ]
    Assert.True((help.ExitCode = 0), string help)
    // Help wraps long descriptions, so the text is compared with its runs of white space made single spaces.
    let text = System.Text.RegularExpressions.Regex.Replace(help.Output, @"\s+", " ")
    for kind in OptimizerKinds.All do
        Assert.Contains(kind.Name, text)
        for spec in kind.Hyperparameters do
            Assert.Contains($"--{spec.Option}", text)
            Assert.Contains(string spec.Default + " for " + kind.Name, text)
    Assert.Contains("--schedule", help.Output)

[<Theory; MemberData(nameof kinds)>]
let ``every registered rule trains with a schedule, checkpoints and resumes to the uninterrupted run's model`` (name: string) =
    use dir = new TempDirectory()
    // A step decay counts epochs, not the run's length, so the first half and the whole run have the same schedule.
    let common = [ "train"; "--optimizer"; name; "--lr"; "0.01"; "--layers"; "64-10"; "--batch"; "128"; "--seed"; "3"; "--schedule"; "warmup:5,step:1:0.5" ]
    let whole = dir.Run(common @ [ "--epochs"; "4"; "--save"; "whole.nnm" ])
    Assert.True((whole.ExitCode = 0), string whole)
    Assert.Contains($"{name} η=0.01", whole.Output)
    Assert.Contains("schedule warm-up over 5 steps, then step decay ×0.5 every 12 steps", whole.Output)
    let half = dir.Run(common @ [ "--epochs"; "2"; "--checkpoint"; "run.nnck" ])
    Assert.True((half.ExitCode = 0), string half)
    let info = dir.Run [ "info"; "run.nnck" ]
    Assert.Contains($"optimiser   {name} η=0.01", info.Output)
    Assert.Contains("after 24 steps", info.Output)
    let resumed = dir.Run [ "train"; "--resume"; "run.nnck"; "--epochs"; "4"; "--save"; "resumed.nnm" ]
    Assert.True((resumed.ExitCode = 0), string resumed)
    Assert.Equal<byte[]>(File.ReadAllBytes(dir.File "whole.nnm"), File.ReadAllBytes(dir.File "resumed.nnm"))
    refused dir [ "train"; "--resume"; "run.nnck"; "--epochs"; "4"; "--schedule"; "cosine" ] "the checkpoint's learning-rate schedule is warm-up over 5 steps"

[<Fact>]
let ``a hyperparameter option is set on the rules that have it and refused naming them on those that do not`` () =
    use dir = new TempDirectory()
    let run = dir.Run [ "train"; "--optimizer"; "adamw"; "--weight-decay"; "0.05"; "--beta2"; "0.99"; "--layers"; "64-10"; "--epochs"; "1" ]
    Assert.True((run.ExitCode = 0), string run)
    Assert.Contains("adamw η=0.005 λ=0.05 β₁=0.9 β₂=0.99 ε=1E-08", run.Output)
    refused dir [ "train"; "--optimizer"; "sgd"; "--beta1"; "0.8" ] "--beta1 applies to adam, adamw; sgd has no such hyperparameter."
    refused dir [ "train"; "--optimizer"; "rmsprop"; "--momentum"; "0.5" ] "--momentum applies to momentum, nesterov; rmsprop has no such hyperparameter."

[<Fact>]
let ``a malformed schedule is refused in plain words`` () =
    use dir = new TempDirectory()
    let train schedule = [ "train"; "--layers"; "64-10"; "--epochs"; "2"; "--schedule"; schedule ]
    refused dir (train "linear") "--schedule linear: 'linear' is not a schedule; write cosine, cosine:<floor>, step:<epochs>:<factor>, warmup:<steps> or constant."
    refused dir (train "step:x:0.5") "--schedule step:x:0.5: the epochs between decays must be a whole number of at least 1, but is 'x'."
    refused dir (train "step:2:1.5") "--schedule step:2:1.5: the decay factor must be above 0 and at most 1, but is 1.5."
    refused dir (train "step:2") "--schedule step:2: 'step:2' has the wrong number of parts"
    refused dir (train "cosine:2") "--schedule cosine:2: the cosine's floor must be at least 0 and below 1, but is 2."
    refused dir (train "cosine,warmup:5") "--schedule cosine,warmup:5: a warm-up must come before the stage it hands over to, not last."
    refused dir (train "cosine,step:1:0.5") "--schedule cosine,step:1:0.5: only a warm-up can come before another stage, but 'cosine' does."
    refused dir (train "warmup:100000,cosine") "--schedule warmup:100000,cosine: the warm-up takes every step of the run, which leaves none for the cosine decay."
    // A warm-up longer than the run (2 epochs of 45 steps at batch 32) ended it below the rate asked for, without a word.
    refused dir (train "warmup:91") "--schedule warmup:91: the warm-up of 91 steps is longer than the run's 90, so the learning rate would never reach the rate asked for."
    refused dir (train "warmup:99999999999,step:1:0.5") "the warm-up of 99999999999 steps is longer than the run's 90"
    // Warm-ups whose steps add up past a long threw OverflowException (exit 1); they take every step of the run.
    refused dir (train "warmup:4611686018427387904,warmup:4611686018427387904,cosine") "the warm-up takes every step of the run, which leaves none for the cosine decay."
    // 2^62 + 1 epochs of 4 steps (batch 360 of 1438 digits) wrapped to a decay every 4 steps, and the run went on with it.
    refused dir (train "step:4611686018427387905:0.5" @ [ "--batch"; "360" ]) "--schedule step:4611686018427387905:0.5: the epochs between decays must be at most 2305843009213693951 (at 4 steps an epoch), but is 4611686018427387905."

[<Fact>]
let ``resuming a cosine run past the end of its decay is refused, since the learning rate there is 0`` () =
    use dir = new TempDirectory()
    // The cosine decays to 0 over the 2 epochs (90 steps) the first run asked for; --epochs 6 on resume trained
    // epochs 3 to 6 at η = 0, printed them as trained and saved a model identical to the checkpoint's.
    let half = dir.Run [ "train"; "--layers"; "64-10"; "--epochs"; "2"; "--schedule"; "cosine"; "--checkpoint"; "run.nnck" ]
    Assert.True((half.ExitCode = 0), string half)
    refused dir [ "train"; "--resume"; "run.nnck"; "--epochs"; "6"; "--save"; "more.nnm" ]
        "nn: --epochs 6 runs past the end of the checkpoint's learning-rate schedule, cosine over 90 steps to 0: the learning rate is 0 from step 91 on, so epoch 3 and those after it would leave the network as it is; start a new run with the schedule over every epoch wanted."
    Assert.False(File.Exists(dir.File "more.nnm"))
    // A floor above 0 keeps training after the decay, so going on past it is a run that changes the network.
    let floored = dir.Run [ "train"; "--layers"; "64-10"; "--epochs"; "2"; "--schedule"; "cosine:0.1"; "--checkpoint"; "floored.nnck" ]
    Assert.True((floored.ExitCode = 0), string floored)
    let resumed = dir.Run [ "train"; "--resume"; "floored.nnck"; "--epochs"; "3" ]
    Assert.True((resumed.ExitCode = 0), string resumed)
