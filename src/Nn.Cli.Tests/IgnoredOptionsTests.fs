/// An option the rest of the command line would leave without effect is refused with the reason (exit code 2),
/// never silently ignored.
module Nn.Cli.Tests.IgnoredOptionsTests

open System.IO
open Xunit
open Nn.Cli.Tests.Process

/// Runs nn, expecting the usage exit code, the message, the usage text, no training step and no stack trace.
let private refused (dir: TempDirectory) (args: string list) (message: string) =
    let run = dir.Run args
    Assert.True((run.ExitCode = 2), sprintf "expected exit 2\n%O" run)
    Assert.Contains(message, run.Error)
    Assert.Contains("Usage:", run.Error)
    Assert.DoesNotContain("epoch 1/", run.Output)
    assertNoStackTrace run

[<Fact>]
let ``mini-batch options with a full-batch minimiser are refused naming the option`` () =
    use dir = new TempDirectory()
    for rule in [ "cg"; "lbfgs" ] do
        for option, value in [ "--lr", "0.1"; "--beta1", "0.8"; "--schedule", "cosine"; "--batch", "16"; "--threads", "2" ] do
            refused dir [ "train"; "--optimizer"; rule; option; value ] $"{option} applies to the mini-batch optimisers sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw; {rule} minimises the full-batch cost"

[<Fact>]
let ``a full-batch minimiser still takes the options that apply to it`` () =
    use dir = new TempDirectory()
    let run = dir.Run [ "train"; "--optimizer"; "lbfgs"; "--epochs"; "3"; "--l2"; "0.1"; "--seed"; "2" ]
    Assert.True((run.ExitCode = 0), string run)
    Assert.Contains("lbfgs for at most 3 iterations", run.Output)

[<Fact>]
let ``data-reading options without a data file are refused, since the embedded digits have their own layout`` () =
    use dir = new TempDirectory()
    for option, value in [ "--classes", "5"; "--scale", "255"; "--label-column", "last"; "--train-labels", "l.idx"; "--test-labels", "l.idx" ] do
        refused dir [ "train"; option; value ] $"{option} only applies to data read from a file (--train and --test)"
    for option, value in [ "--classes", "10"; "--scale", "textbook"; "--label-column", "first"; "--test-labels", "l.idx" ] do
        refused dir [ "eval"; "m.nnm"; option; value ] $"{option} only applies to data read from a file (--test)"

[<Fact>]
let ``a hidden activation for a network without hidden layers is refused, and taken by convolutions`` () =
    use dir = new TempDirectory()
    refused dir [ "train"; "--layers"; "64-10"; "--activation"; "tanh" ] "--activation sets the hidden layers' activation, but --layers 64-10 has no hidden layer"
    let run = dir.Run [ "train"; "--layers"; "64-10"; "--output"; "softmax"; "--epochs"; "1" ]
    Assert.True((run.ExitCode = 0), string run)
    refused dir [ "train"; "--layers"; "1x8x8-10"; "--activation"; "tanh" ] "--activation sets the hidden layers' activation, but --layers 1x8x8-10 has no hidden layer"
    refused dir [ "train"; "--layers"; "1x8x8-maxpool2-10"; "--activation"; "tanh" ] "but --layers 1x8x8-maxpool2-10 has no hidden layer with an activation"
    let conv = dir.Run [ "train"; "--layers"; "1x8x8-conv2k3-maxpool2-10"; "--activation"; "tanh"; "--epochs"; "1" ]
    Assert.True((conv.ExitCode = 0), string conv)

[<Fact>]
let ``a hidden activation is refused when resuming a checkpoint whose network has no hidden layer`` () =
    use dir = new TempDirectory()
    Assert.Equal(0, (dir.Run [ "train"; "--layers"; "64-10"; "--epochs"; "1"; "--checkpoint"; "run.nnck" ]).ExitCode)
    refused dir [ "train"; "--resume"; "run.nnck"; "--epochs"; "2"; "--activation"; "tanh" ] "--activation sets the hidden layers' activation, but the checkpoint's network 64-10 has no hidden layer"
    let resumed = dir.Run [ "train"; "--resume"; "run.nnck"; "--epochs"; "2" ]
    Assert.True((resumed.ExitCode = 0), string resumed)

[<Fact>]
let ``checkpoint-every without a checkpoint is refused`` () =
    use dir = new TempDirectory()
    refused dir [ "train"; "--checkpoint-every"; "5" ] "--checkpoint-every only applies with --checkpoint, which is not given."

[<Fact>]
let ``init with resume and epochs below the checkpoint's progress are refused, other options still apply`` () =
    use dir = new TempDirectory()
    Assert.Equal(0, (dir.Run [ "train"; "--epochs"; "2"; "--checkpoint"; "run.nnck" ]).ExitCode)
    let before = File.ReadAllBytes(dir.File "run.nnck")
    refused dir [ "train"; "--resume"; "run.nnck"; "--init"; "xavier" ] "--init cannot be used with --resume: a resumed run continues from the checkpoint's weights"
    refused dir [ "train"; "--resume"; "run.nnck"; "--epochs"; "1" ] "--epochs is the total number of epochs, counting those done: 1 is below the 2 the checkpoint run.nnck has completed"
    Assert.Equal<byte[]>(before, File.ReadAllBytes(dir.File "run.nnck"))
    let resumed = dir.Run [ "train"; "--resume"; "run.nnck"; "--epochs"; "3"; "--threads"; "2" ]
    Assert.True((resumed.ExitCode = 0), string resumed)
    Assert.Contains("resuming after epoch 2", resumed.Output)

[<Fact>]
let ``eval of a model that does not fit the embedded digits says to pass its data with --test`` () =
    use dir = new TempDirectory()
    File.WriteAllLines(dir.File "data.csv", [| for i in 0..9 -> sprintf "%d,%d,%d,%d" (i % 2) i (i % 3) (i % 4) |])
    let train = dir.Run [ "train"; "--train"; "data.csv"; "--test"; "data.csv"; "--layers"; "3-4-2"; "--classes"; "2"; "--epochs"; "1"; "--save"; "m.nnm" ]
    Assert.True((train.ExitCode = 0), string train)
    refused dir [ "eval"; "m.nnm" ] "but the embedded digits it is evaluated on by default have 64 and 10; pass the model's test data with --test."
    let eval = dir.Run [ "eval"; "m.nnm"; "--test"; "data.csv"; "--classes"; "2" ]
    Assert.True((eval.ExitCode = 0), string eval)

[<Fact>]
let ``gradcheck refuses options that describe a fresh network when a model file is checked, and data options without data`` () =
    use dir = new TempDirectory()
    Nn.ModelFile.Save(Nn.Network.Create<float32>(Nn.Architecture.Input(64).Dense(8, Nn.Activation.Tanh).Dense(10, Nn.Activation.Softmax), Nn.Initializer.Xavier, 1UL), dir.File "m.nnm")
    for option, value in [ "--layers", "64-16-10"; "--activation", "sigmoid"; "--output", "sigmoid"; "--seed", "3" ] do
        refused dir [ "gradcheck"; "m.nnm"; option; value ] $"{option} describes the fresh network checked without a model file; m.nnm brings its own layers and weights."
    for option, value in [ "--data-labels", "labels.idx"; "--classes", "3"; "--scale", "255" ] do
        refused dir [ "gradcheck"; option; value ] $"{option} only applies to data read from a file (--data)"
    // What does apply to a model file still works.
    let run = dir.Run [ "gradcheck"; "m.nnm"; "--samples"; "2"; "--l2"; "0.5" ]
    Assert.True((run.ExitCode = 0), string run)
