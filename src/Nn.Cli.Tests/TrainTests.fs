/// The program end to end: train, eval, gradcheck, info, checkpoints and plots, each run as a process.
module Nn.Cli.Tests.TrainTests

open System.IO
open Xunit
open Nn.Cli.Tests.Process
open Nn.Tests.IdxFiles

[<Fact>]
let ``train on the embedded digits reaches 95 percent and eval of the saved model reports the same accuracy`` () =
    use dir = new TempDirectory()
    let train = dir.Run [ "train"; "--save"; "digits.nnm" ]
    Assert.True((train.ExitCode = 0), string train)
    let accuracy, line = accuracyOf train
    Assert.True(accuracy >= 0.95, string train)
    let eval = dir.Run [ "eval"; "digits.nnm" ]
    Assert.True((eval.ExitCode = 0), string eval)
    Assert.Equal(line, snd (accuracyOf eval))
    Assert.Contains("class  samples  correct  accuracy", eval.Output)
    Assert.Contains("confusion matrix", eval.Output)
    let gradcheck = dir.Run [ "gradcheck"; "digits.nnm"; "--samples"; "2" ]
    Assert.True((gradcheck.ExitCode = 0), string gradcheck)
    Assert.Contains("gradient check passed", gradcheck.Output)
    let info = dir.Run [ "info"; "digits.nnm" ]
    Assert.True((info.ExitCode = 0), string info)
    Assert.Contains("model file, format version 1, float32", info.Output)
    Assert.Contains("architecture 64-32(relu)-10(softmax), 2410 parameters", info.Output)

[<Fact>]
let ``gradcheck of a fresh architecture reports every layer and passes`` () =
    use dir = new TempDirectory()
    let run = dir.Run [ "gradcheck"; "--layers"; "64-8-8-10"; "--activation"; "tanh" ]
    Assert.True((run.ExitCode = 0), string run)
    Assert.Contains("    2  bias", run.Output)
    Assert.Contains("gradient check passed", run.Output)

[<Fact>]
let ``resuming from a checkpoint saves the same model as the uninterrupted run`` () =
    use dir = new TempDirectory()
    let common = [ "train"; "--layers"; "64-16-10"; "--batch"; "64"; "--seed"; "5" ]
    let whole = dir.Run(common @ [ "--epochs"; "6"; "--save"; "whole.nnm" ])
    Assert.True((whole.ExitCode = 0), string whole)
    let half = dir.Run(common @ [ "--epochs"; "3"; "--checkpoint"; "run.nnck" ])
    Assert.True((half.ExitCode = 0), string half)
    let info = dir.Run [ "info"; "run.nnck" ]
    Assert.Contains("progress    3 of 3 epochs completed", info.Output)
    let resumed = dir.Run [ "train"; "--resume"; "run.nnck"; "--epochs"; "6"; "--save"; "resumed.nnm" ]
    Assert.True((resumed.ExitCode = 0), string resumed)
    Assert.Contains("resuming after epoch 3", resumed.Output)
    Assert.Equal<byte[]>(File.ReadAllBytes(dir.File "whole.nnm"), File.ReadAllBytes(dir.File "resumed.nnm"))
    Assert.Equal(snd (accuracyOf whole), snd (accuracyOf resumed))

[<Fact>]
let ``a run with a dropout rate below 1e-4 resumes from its checkpoint`` () =
    use dir = new TempDirectory()
    // The architecture printed as 64-dropout1E-05-10, and --resume re-read that text with the --layers grammar:
    // "--layers token 'dropout1E' is not a size", exit 2, for a checkpoint nn itself had written.
    let half = dir.Run [ "train"; "--layers"; "64-dropout0.00001-10"; "--epochs"; "1"; "--checkpoint"; "run.nnck" ]
    Assert.True((half.ExitCode = 0), string half)
    Assert.Contains("64-dropout0.00001-10(softmax)", half.Output)
    let resumed = dir.Run [ "train"; "--resume"; "run.nnck"; "--epochs"; "2" ]
    Assert.True((resumed.ExitCode = 0), string resumed)
    Assert.Contains("resuming after epoch 1", resumed.Output)

[<Fact>]
let ``a convolutional run checkpointed and resumed from the command line ends bit for bit as the uninterrupted one`` () =
    use dir = new TempDirectory()
    let common = [ "train"; "--layers"; "1x8x8-conv4k3p1-maxpool2-conv6k2x3s2-10"; "--activation"; "tanh"; "--batch"; "64"; "--seed"; "5" ]
    let whole = dir.Run(common @ [ "--epochs"; "4"; "--save"; "whole.nnm" ])
    Assert.True((whole.ExitCode = 0), string whole)
    let half = dir.Run(common @ [ "--epochs"; "2"; "--checkpoint"; "run.nnck" ])
    Assert.True((half.ExitCode = 0), string half)
    let info = dir.Run [ "info"; "run.nnck" ]
    Assert.Contains("checkpoint file, format version 6", info.Output)
    Assert.Contains("1x8x8-conv4k3p1(tanh)-maxpool2-conv6k2x3s2(tanh)-10(softmax)", info.Output)
    Assert.Contains("progress    2 of 2 epochs completed", info.Output)
    let refused = dir.Run [ "train"; "--resume"; "run.nnck"; "--epochs"; "4"; "--layers"; "1x8x8-conv4k3p1-maxpool2-10" ]
    Assert.True((refused.ExitCode = 2), string refused)
    Assert.Contains("nn: cannot resume: the checkpoint's architecture is 1x8x8-conv4k3p1-maxpool2-conv6k2x3s2-10, but 1x8x8-conv4k3p1-maxpool2-10 was given.", refused.Error)
    let otherActivation = dir.Run [ "train"; "--resume"; "run.nnck"; "--epochs"; "4"; "--activation"; "relu" ]
    Assert.Contains("nn: cannot resume: the checkpoint's hidden activation is tanh, but relu was given.", otherActivation.Error)
    let resumed =
        dir.Run [ "train"; "--resume"; "run.nnck"; "--epochs"; "4"; "--layers"; "1x8x8-conv4k3s1p1-maxpool2s2-conv6k2x3s2-10"; "--activation"; "tanh"; "--save"; "resumed.nnm" ]
    Assert.True((resumed.ExitCode = 0), string resumed)
    Assert.Contains("resuming after epoch 2", resumed.Output)
    Assert.Equal<byte[]>(File.ReadAllBytes(dir.File "whole.nnm"), File.ReadAllBytes(dir.File "resumed.nnm"))
    Assert.Equal(snd (accuracyOf whole), snd (accuracyOf resumed))

[<Fact>]
let ``resuming with another batch size, learning rate, architecture or data set is refused naming the field, exit code 2`` () =
    use dir = new TempDirectory()
    let half = dir.Run [ "train"; "--layers"; "64-16-10"; "--batch"; "64"; "--seed"; "5"; "--epochs"; "2"; "--checkpoint"; "run.nnck" ]
    Assert.True((half.ExitCode = 0), string half)
    let info = dir.Run [ "info"; "run.nnck" ]
    Assert.Contains("checkpoint file, format version 6", info.Output)
    Assert.Contains("data        1438 samples × 64 inputs → 10 targets, SHA-256 ", info.Output)
    let refused (args: string list) (message: string) =
        let run = dir.Run([ "train"; "--resume"; "run.nnck"; "--epochs"; "3" ] @ args)
        Assert.True((run.ExitCode = 2), string run)
        Assert.Contains("nn: cannot resume: " + message, run.Error)
        Assert.Contains("Usage:", run.Error)
    refused [ "--batch"; "16" ] "the checkpoint's batch size is 64, but 16 was given."
    refused [ "--lr"; "0.01" ] "the checkpoint's learning rate η is 0.005, but 0.01 was given."
    refused [ "--optimizer"; "sgd" ] "the checkpoint's optimiser is 'adam', but 'sgd' was given."
    refused [ "--layers"; "64-32-10" ] "the checkpoint's architecture is 64-16-10, but 64-32-10 was given."
    refused [ "--activation"; "tanh" ] "the checkpoint's hidden activation is relu, but tanh was given."
    refused [ "--output"; "sigmoid" ] "the checkpoint's output activation is softmax, but sigmoid was given."
    // The digits' test part as training data: the same shape, other values.
    let digits = Nn.Digits.Load<float32>()
    let rows (data: Nn.Dataset<float32>) =
        [| for i in 0 .. data.Count - 1 ->
               System.String.Join(",", data.Inputs.RowArray i |> Array.map (fun v -> string (int (round (v * 16.0f))))) + "," + string data.Labels[i] |]
    File.WriteAllLines(dir.File "other.csv", rows digits.Test)
    let other = [ "--train"; "other.csv"; "--test"; "other.csv"; "--label-column"; "last"; "--scale"; "16" ]
    refused other "the checkpoint's training data is (1438 samples × 64 inputs → 10 targets, SHA-256 "
    // Settings typed with the checkpoint's own values are accepted.
    let resumed = dir.Run [ "train"; "--resume"; "run.nnck"; "--epochs"; "3"; "--batch"; "64"; "--seed"; "5"; "--optimizer"; "adam"; "--layers"; "64-16-10"; "--activation"; "relu"; "--output"; "softmax" ]
    Assert.True((resumed.ExitCode = 0), string resumed)
    Assert.Contains("resuming after epoch 2", resumed.Output)

[<Fact>]
let ``plot writes a PNG of the curves`` () =
    use dir = new TempDirectory()
    let run = dir.Run [ "train"; "--epochs"; "3"; "--plot"; "curve.png" ]
    Assert.True((run.ExitCode = 0), string run)
    let bytes = File.ReadAllBytes(dir.File "curve.png")
    Assert.Equal<byte[]>([| 0x89uy; byte 'P'; byte 'N'; byte 'G' |], Array.take 4 bytes)
    Assert.True(bytes.Length > 5000)

[<Fact>]
let ``redirected output gets one plain line per epoch`` () =
    use dir = new TempDirectory()
    let run = dir.Run [ "train"; "--epochs"; "2" ]
    Assert.Contains("epoch 1/2  train cost ", run.Output)
    Assert.Contains("train accuracy 0.", run.Output)
    Assert.Contains(" (epoch mean)", run.Output)
    Assert.Contains("epoch 2/2  train cost ", run.Output)
    Assert.DoesNotContain("\u001b[", run.Output)

[<Fact>]
let ``a full-batch optimiser trains on the digits`` () =
    use dir = new TempDirectory()
    let run = dir.Run [ "train"; "--optimizer"; "lbfgs"; "--epochs"; "30"; "--layers"; "64-16-10" ]
    Assert.True((run.ExitCode = 0), string run)
    Assert.True(fst (accuracyOf run) >= 0.85, string run)

[<Fact>]
let ``gzip IDX files in the Fashion-MNIST layout train and evaluate`` () =
    use dir = new TempDirectory()
    let trainImages, trainLabels = fashionLike 400 1
    let testImages, testLabels = fashionLike 100 2
    File.WriteAllBytes(dir.File "train-images-idx3-ubyte.gz", gzip trainImages)
    File.WriteAllBytes(dir.File "train-labels-idx1-ubyte.gz", gzip trainLabels)
    File.WriteAllBytes(dir.File "t10k-images-idx3-ubyte.gz", gzip testImages)
    File.WriteAllBytes(dir.File "t10k-labels-idx1-ubyte.gz", gzip testLabels)
    let run =
        dir.Run [ "train"; "--train"; "train-images-idx3-ubyte.gz"; "--test"; "t10k-images-idx3-ubyte.gz"
                  "--layers"; "784-32-10"; "--epochs"; "5"; "--lr"; "0.002"; "--save"; "fashion.nnm" ]
    Assert.True((run.ExitCode = 0), string run)
    Assert.Contains("784-32(relu)-10(softmax)", run.Output)
    Assert.True(fst (accuracyOf run) >= 0.9, string run)
    let eval = dir.Run [ "eval"; "fashion.nnm"; "--test"; "t10k-images-idx3-ubyte.gz"; "--test-labels"; "t10k-labels-idx1-ubyte.gz" ]
    Assert.True((eval.ExitCode = 0), string eval)
    Assert.Equal(snd (accuracyOf run), snd (accuracyOf eval))

[<Fact>]
let ``CSV files with the label first or last train with the textbook scaling`` () =
    use dir = new TempDirectory()
    let images, labels = fashionLike 200 3
    let rows first =
        [| for i in 0 .. 199 ->
               let pixels = images[16 + i * 784 .. 16 + i * 784 + 783] |> Array.map string
               let label = string labels[8 + i]
               String.concat "," (if first then Array.append [| label |] pixels else Array.append pixels [| label |]) |]
    File.WriteAllLines(dir.File "first.csv", rows true)
    File.WriteAllLines(dir.File "last.csv", rows false)
    let first = dir.Run [ "train"; "--train"; "first.csv"; "--test"; "first.csv"; "--scale"; "textbook"; "--output"; "sigmoid"; "--epochs"; "3" ]
    Assert.True((first.ExitCode = 0), string first)
    Assert.Contains("binary-cross-entropy", first.Output)
    let last = dir.Run [ "train"; "--train"; "last.csv"; "--test"; "last.csv"; "--label-column"; "last"; "--scale"; "textbook"; "--output"; "sigmoid"; "--epochs"; "3" ]
    Assert.True((last.ExitCode = 0), string last)
    Assert.Equal(snd (accuracyOf first), snd (accuracyOf last))

[<Fact>]
let ``training with two threads saves the same model as training with one`` () =
    use dir = new TempDirectory()
    let common = [ "train"; "--layers"; "64-16-10"; "--epochs"; "3"; "--seed"; "4" ]
    let one = dir.Run(common @ [ "--threads"; "1"; "--save"; "one.nnm" ])
    let two = dir.Run(common @ [ "--threads"; "2"; "--save"; "two.nnm" ])
    Assert.True((one.ExitCode = 0 && two.ExitCode = 0), sprintf "%O\n%O" one two)
    Assert.Equal<byte[]>(File.ReadAllBytes(dir.File "one.nnm"), File.ReadAllBytes(dir.File "two.nnm"))

[<Fact>]
let ``info, eval and gradcheck read a convolutional model file and info prints each layer's shapes`` () =
    use dir = new TempDirectory()
    let architecture = Nn.Architecture.Input(1, 8, 8).Conv2D(4, 3, 3, Nn.Activation.Tanh, padding = 1).MaxPool2D(2).Dense(10, Nn.Activation.Softmax)
    Nn.ModelFile.Save(Nn.Network.Create<float32>(architecture, Nn.Initializer.Xavier, 1UL), dir.File "conv.nnm")
    let info = dir.Run [ "info"; "conv.nnm" ]
    Assert.True((info.ExitCode = 0), string info)
    Assert.Contains("model file, format version 2, float32", info.Output)
    Assert.Contains("architecture 1x8x8-conv4k3p1(tanh)-maxpool2-10(softmax), 690 parameters", info.Output)
    Assert.Contains("    0   1x8x8    4x8x8  tanh        yes           40", info.Output)
    Assert.Contains("    1   4x8x8    4x4x4  identity    no             0", info.Output)
    Assert.Contains("    2      64       10  softmax     yes          650", info.Output)
    let eval = dir.Run [ "eval"; "conv.nnm" ]
    Assert.True((eval.ExitCode = 0), string eval)
    accuracyOf eval |> ignore
    let gradcheck = dir.Run [ "gradcheck"; "conv.nnm"; "--samples"; "2" ]
    Assert.True((gradcheck.ExitCode = 0), string gradcheck)
    Assert.Contains("gradient check passed", gradcheck.Output)

[<Fact>]
let ``train --layers with a convolution and pooling learns the digits and saves a model info describes`` () =
    use dir = new TempDirectory()
    let train = dir.Run [ "train"; "--layers"; "1x8x8-conv8k3p1-maxpool2-10"; "--epochs"; "15"; "--save"; "conv.nnm" ]
    Assert.True((train.ExitCode = 0), string train)
    let accuracy, _ = accuracyOf train
    Assert.True(accuracy >= 0.95, string train)
    let info = dir.Run [ "info"; "conv.nnm" ]
    Assert.Contains("architecture 1x8x8-conv8k3p1(relu)-maxpool2-10(softmax), 1370 parameters", info.Output)
    Assert.Contains("    1   8x8x8    8x4x4  identity    no             0", info.Output)

[<Fact>]
let ``--exact-train-metrics measures the epoch's final network and drops the epoch-mean label`` () =
    use dir = new TempDirectory()
    let run = dir.Run [ "train"; "--epochs"; "1"; "--exact-train-metrics" ]
    Assert.True((run.ExitCode = 0), string run)
    Assert.Contains("epoch 1/1  train cost ", run.Output)
    Assert.DoesNotContain("(epoch mean)", run.Output)

[<Fact>]
let ``--exact-train-metrics with a full-batch minimiser is refused, having no epochs to measure`` () =
    use dir = new TempDirectory()
    let run = dir.Run [ "train"; "--optimizer"; "lbfgs"; "--exact-train-metrics" ]
    Assert.NotEqual(0, run.ExitCode)
    Assert.Contains("--exact-train-metrics applies to the mini-batch optimisers", run.Output + run.Error)

[<Fact>]
let ``--validation reports the held-out share after every epoch and --patience names the best epoch`` () =
    use dir = new TempDirectory()
    let run = dir.Run [ "train"; "--epochs"; "3"; "--validation"; "0.2"; "--patience"; "5"; "--plot"; dir.File "curve.png" ]
    Assert.True((run.ExitCode = 0), string run)
    Assert.Matches(@"epoch 3/3  train cost \d\.\d{4}  train accuracy \d\.\d{4} \(epoch mean\)  validation cost \d\.\d{4}  validation accuracy \d\.\d{4}", run.Output)
    // The header counts the rows the run fits apart from those it holds out.
    Assert.Contains("1438 training samples (1150 fitted, 288 held out for validation)", run.Output)
    Assert.Contains("The best epoch was ", run.Output)
    Assert.True(File.Exists(dir.File "curve.png"))

[<Theory>]
[<InlineData("--batch 32", "batch 32, 2 epochs, 1438 training samples")>]
[<InlineData("--batch 1438", "batch 1438, 2 epochs, 1438 training samples")>]
[<InlineData("--batch 5000", "batch 5000 (the 1438 training samples in one batch), 2 epochs, 1438 training samples")>]
[<InlineData("--batch 1000 --validation 0.5", "batch 1000 (the 719 fitted samples in one batch), 2 epochs, 1438 training samples (719 fitted, 719 held out")>]
let ``the header says when a batch larger than the samples fitted takes them all in one batch`` (arguments: string, header: string) =
    use dir = new TempDirectory()
    let run = dir.Run([ "train"; "--epochs"; "2" ] @ List.ofArray (arguments.Split ' '))
    Assert.True((run.ExitCode = 0), string run)
    Assert.Contains(header, run.Output)

[<Theory>]
[<InlineData("--validation 0.5 --schedule cosine", "schedule cosine over 46 steps to 0, batch 32, 2 epochs, 1438 training samples (719 fitted")>]
[<InlineData("--validation 0.2 --schedule step:1:0.5", "schedule step decay ×0.5 every 36 steps")>]
[<InlineData("--schedule cosine", "schedule cosine over 90 steps to 0")>]
let ``a schedule spans the steps the run takes over the samples it fits, not over those held out`` (arguments: string, header: string) =
    // 719 fitted digits are 23 batches of 32 an epoch; the schedule was sized by all 1438 (45 batches), so a cosine
    // over a run with half held out for validation ended halfway down.
    use dir = new TempDirectory()
    let run = dir.Run([ "train"; "--epochs"; "2" ] @ List.ofArray (arguments.Split ' '))
    Assert.True((run.ExitCode = 0), string run)
    Assert.Contains(header, run.Output)

[<Fact>]
let ``the header counts one epoch and one sample in the singular`` () =
    use dir = new TempDirectory()
    let run = dir.Run [ "train"; "--epochs"; "1"; "--validation"; "0.999" ]
    Assert.True((run.ExitCode = 0), string run)
    Assert.Contains("batch 32 (the 1 fitted sample in one batch), 1 epoch, 1438 training samples (1 fitted, 1437 held out for validation)", run.Output)
    Assert.Contains("completed 1 epoch.", run.Output)

[<Theory>]
[<InlineData("--validation 1.5", "--validation must be a fraction in (0, 1), but is 1.5.")>]
[<InlineData("--validation 0.2 --patience 0", "--patience must be at least 1, but is 0.")>]
[<InlineData("--patience 3", "--patience only applies with --validation, which is not given.")>]
[<InlineData("--validation 0.2 --resume c.nnck", "--validation cannot be used with --resume: a resumed run keeps the validation share and patience its checkpoint holds.")>]
[<InlineData("--optimizer cg --validation 0.2", "--validation applies to the mini-batch optimisers")>]
let ``validation options that cannot work are refused before training`` (arguments: string, message: string) =
    use dir = new TempDirectory()
    let run = dir.Run("train" :: List.ofArray (arguments.Split ' '))
    Assert.Equal(2, run.ExitCode)
    Assert.Contains(message, run.Output + run.Error)

[<Theory>]
[<InlineData("--validation 0.9999", "--validation 0.9999 would hold out all 1438 training samples of digits (0.9999 × 1438 rounds to 1438), leaving none to train on; give a fraction that holds out at most 1437 of them.")>]
[<InlineData("--train one.csv --test one.csv --classes 2 --validation 0.5", "--validation 0.5 needs at least 2 training samples, one to hold out and one to train on, but one.csv has 1.")>]
[<InlineData("--train four.csv --test four.csv --classes 2 --validation 0.9", "--validation 0.9 would hold out all 4 training samples of four.csv (0.9 × 4 rounds to 4), leaving none to train on; give a fraction that holds out at most 3 of them.")>]
let ``a validation fraction that would leave no sample to train on is refused before training, naming the fraction and the counts`` (arguments: string, message: string) =
    use dir = new TempDirectory()
    File.WriteAllLines(dir.File "one.csv", [| "1,0.1,0.2" |])
    File.WriteAllLines(dir.File "four.csv", [| "1,0.1,0.2"; "0,0.3,0.1"; "1,0.5,0.5"; "0,0.2,0.9" |])
    let run = dir.Run("train" :: List.ofArray (arguments.Split ' '))
    Assert.Equal(2, run.ExitCode)
    Assert.Contains("nn: " + message, run.Error)
    Assert.DoesNotContain("epoch", run.Output)

[<Fact>]
let ``a validation fraction that leaves one sample to train on trains on it and the header says so`` () =
    use dir = new TempDirectory()
    // round(0.999 × 1438) = 1437 of the 1438 digits held out.
    let run = dir.Run [ "train"; "--epochs"; "2"; "--validation"; "0.999" ]
    Assert.True((run.ExitCode = 0), string run)
    Assert.Contains("batch 32 (the 1 fitted sample in one batch), 2 epochs, 1438 training samples (1 fitted, 1437 held out for validation)", run.Output)

[<Fact>]
let ``a run with validation and patience checkpointed and resumed saves the same best model as the uninterrupted run`` () =
    use dir = new TempDirectory()
    let common = [ "train"; "--layers"; "64-16-10"; "--batch"; "64"; "--seed"; "5" ]
    let validating = [ "--validation"; "0.25"; "--patience"; "10" ]
    let whole = dir.Run(common @ validating @ [ "--epochs"; "5"; "--save"; "whole.nnm" ])
    Assert.True((whole.ExitCode = 0), string whole)
    let half = dir.Run(common @ validating @ [ "--epochs"; "2"; "--checkpoint"; "run.nnck" ])
    Assert.True((half.ExitCode = 0), string half)
    Assert.Contains("validation  0.25 of the data held out, patience 10, best epoch ", (dir.Run [ "info"; "run.nnck" ]).Output)
    let resumed = dir.Run [ "train"; "--resume"; "run.nnck"; "--epochs"; "5"; "--save"; "resumed.nnm" ]
    Assert.True((resumed.ExitCode = 0), string resumed)
    Assert.Contains("The best epoch was ", resumed.Output)
    Assert.Equal<byte[]>(File.ReadAllBytes(dir.File "whole.nnm"), File.ReadAllBytes(dir.File "resumed.nnm"))

[<Fact>]
let ``train --layers with batch normalisation and dropout learns the digits and saves a model info and eval read`` () =
    use dir = new TempDirectory()
    let train = dir.Run [ "train"; "--layers"; "64-64-bn-dropout0.2-10"; "--epochs"; "15"; "--save"; "bn.nnm" ]
    Assert.True((train.ExitCode = 0), string train)
    let accuracy, _ = accuracyOf train
    Assert.True(accuracy >= 0.95, string train)
    let info = dir.Run [ "info"; "bn.nnm" ]
    Assert.True((info.ExitCode = 0), string info)
    Assert.Contains("architecture 64-64(relu)-bn-dropout0.2-10(softmax)", info.Output)
    Assert.Contains("model file, format version 4", info.Output)
    let eval = dir.Run [ "eval"; "bn.nnm" ]
    Assert.True((eval.ExitCode = 0), string eval)
    Assert.Equal(fst (accuracyOf eval), accuracy)
    let gradcheck = dir.Run [ "gradcheck"; "bn.nnm"; "--samples"; "3" ]
    Assert.True((gradcheck.ExitCode = 0), string gradcheck)
