/// Every kind of bad input gives its message and exit code: 2 with the usage for a wrong command line, 3 naming the
/// file for a missing or malformed one.
module Nn.Cli.Tests.BadInputTests

open System
open System.IO
open Xunit
open Nn.Cli.Tests.Process
open Nn.Tests.IdxFiles

let private usage = 2
let private badInput = 3

let private expect (dir: TempDirectory) (code: int) (args: string list) (message: string) =
    let run = dir.Run args
    Assert.True((run.ExitCode = code), sprintf "expected exit %d\n%O" code run)
    Assert.Contains(message, run.Error)
    if code = usage then
        Assert.Contains("Usage:", run.Error)
    run

[<Fact>]
let ``an unknown command prints the usage and exits with 2`` () =
    use dir = new TempDirectory()
    expect dir usage [ "frobnicate" ] "frobnicate" |> ignore

[<Fact>]
let ``no command prints the usage and exits with 2`` () =
    use dir = new TempDirectory()
    expect dir usage [] "Required command was not provided" |> ignore

[<Fact>]
let ``an unknown option prints the command's usage`` () =
    use dir = new TempDirectory()
    let run = expect dir usage [ "train"; "--bogus" ] "--bogus"
    Assert.Contains("--optimizer", run.Error)
    Assert.Contains("Usage:" + System.Environment.NewLine + "  nn train [options]", run.Error)

[<Fact>]
let ``several command-line errors are reported on the one error line, and an option typed with a line break stays on it`` () =
    use dir = new TempDirectory()
    let run = expect dir usage [ "train"; "--bogus"; "--also\nbogus" ] "--bogus"
    Assert.StartsWith("nn: Unrecognized command or argument '--bogus'. Unrecognized command or argument '--also\\nbogus'.\n\n", run.Error)

[<Fact>]
let ``help and usage name the program nn, the tool's command, not the assembly`` () =
    use dir = new TempDirectory()
    let help = dir.Run [ "--help" ]
    Assert.True((help.ExitCode = 0), string help)
    Assert.Contains("Usage:" + System.Environment.NewLine + "  nn [command] [options]", help.Output)
    Assert.DoesNotContain("Nn.Cli", help.Output)
    let none = expect dir usage [] "Required command was not provided"
    Assert.Contains("  nn [command] [options]", none.Error)
    Assert.DoesNotContain("Nn.Cli", none.Error)
    let version = dir.Run [ "--version" ]
    Assert.True((version.ExitCode = 0), string version)

[<Fact>]
let ``an optimizer that does not exist is refused`` () =
    use dir = new TempDirectory()
    expect dir usage [ "train"; "--optimizer"; "adadelta" ] "adadelta" |> ignore

[<Fact>]
let ``malformed layer sizes are refused naming the option`` () =
    use dir = new TempDirectory()
    expect dir usage [ "train"; "--layers"; "64-x-10" ] "--layers must be positive sizes joined by '-', e.g. 784-100-10, but is '64-x-10'." |> ignore
    expect dir usage [ "train"; "--layers"; "784-100-10" ] "--layers must start with the data's 64 inputs, but starts with 784." |> ignore

[<Fact>]
let ``malformed or misfitting convolution layers are refused naming the token and the shapes`` () =
    use dir = new TempDirectory()
    expect dir usage [ "train"; "--layers"; "1x8x8-convk3-10" ] "--layers token 'convk3' is not a size, conv<F>k<K>[s<S>][p<P>] (or k<KH>x<KW>), maxpool<K>[s<S>], bn or dropout<p> (in '1x8x8-convk3-10')." |> ignore
    expect dir usage [ "train"; "--layers"; "64-32-dropout1.5-10" ] "--layers token 'dropout1.5' does not fit: " |> ignore
    expect dir usage [ "train"; "--layers"; "64-32-dropoutx-10" ] "--layers token 'dropoutx' is not a size" |> ignore
    expect dir usage [ "train"; "--layers"; "1x8x8-conv4k9-10" ] "--layers token 'conv4k9' does not fit: layer 0 cannot follow the input, which gives 1x8x8: a 9x9 kernel does not fit the input 1x8x8 padded by 0 (8x8)" |> ignore
    expect dir usage [ "train"; "--layers"; "1x8x8-conv4k3-maxpool2" ] "--layers must end with a dense output size, e.g. 1x8x8-conv8k3p1-maxpool2-10, but is '1x8x8-conv4k3-maxpool2'." |> ignore
    expect dir usage [ "train"; "--layers"; "2x8x8-conv4k3-10" ] "--layers 2x8x8-conv4k3(relu)-10(softmax) reads 128 inputs and gives 10 classes, but the data has 64 inputs and 10 classes." |> ignore
    expect dir usage [ "train"; "--layers"; "8x8-conv4k3-10" ] "--layers must start with the input as a width or CxHxW, e.g. 1x8x8, but is '8x8-conv4k3-10'." |> ignore

[<Fact>]
let ``train data without test data is refused`` () =
    use dir = new TempDirectory()
    expect dir usage [ "train"; "--train"; "x.csv" ] "--train and --test go together" |> ignore

[<Fact>]
let ``checkpoints with a full-batch optimiser are refused`` () =
    use dir = new TempDirectory()
    expect dir usage [ "train"; "--optimizer"; "cg"; "--checkpoint"; "c.nnck" ] "--checkpoint works with the mini-batch optimisers sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw; cg is a full-batch minimiser" |> ignore

[<Fact>]
let ``a missing training file is named with exit code 3`` () =
    use dir = new TempDirectory()
    expect dir badInput [ "train"; "--train"; "missing.csv"; "--test"; "missing.csv" ] "--train: file not found: missing.csv" |> ignore

[<Fact>]
let ``a missing model file is named with exit code 3`` () =
    use dir = new TempDirectory()
    expect dir badInput [ "eval"; "nothing.nnm" ] "model: file not found: nothing.nnm" |> ignore
    expect dir badInput [ "info"; "nothing.nnm" ] "file: file not found: nothing.nnm" |> ignore
    expect dir badInput [ "train"; "--resume"; "nothing.nnck" ] "--resume: file not found: nothing.nnck" |> ignore

[<Fact>]
let ``a corrupted model file is refused with the offset and the checksum`` () =
    use dir = new TempDirectory()
    let train = dir.Run [ "train"; "--epochs"; "1"; "--save"; "m.nnm" ]
    Assert.Equal(0, train.ExitCode)
    let bytes = File.ReadAllBytes(dir.File "m.nnm")
    bytes[100] <- bytes[100] ^^^ 0xFFuy
    File.WriteAllBytes(dir.File "m.nnm", bytes)
    expect dir badInput [ "eval"; "m.nnm" ] "SHA-256 checksum" |> ignore
    File.WriteAllBytes(dir.File "m.nnm", Array.take 50 bytes)
    expect dir badInput [ "info"; "m.nnm" ] "(the file is corrupt or truncated)" |> ignore

[<Fact>]
let ``a CSV line with a wrong field or count names the file and line`` () =
    use dir = new TempDirectory()
    File.WriteAllLines(dir.File "bad.csv", [| "1,2,3"; "4,oops,6" |])
    File.WriteAllLines(dir.File "short.csv", [| "1,2,3"; "4,5" |])
    File.WriteAllLines(dir.File "label.csv", [| "1,2,3"; "11,5,6" |])
    expect dir badInput [ "train"; "--train"; "bad.csv"; "--test"; "bad.csv" ] "bad.csv, line 2, field 2: expected a finite number, but found 'oops'." |> ignore
    expect dir badInput [ "train"; "--train"; "short.csv"; "--test"; "short.csv" ] "short.csv, line 2: expected 3 fields (as on the first line), but found 2." |> ignore
    expect dir badInput [ "train"; "--train"; "label.csv"; "--test"; "label.csv" ] "label.csv, line 2, field 1: expected a label in 0..9, but found 11." |> ignore

[<Fact>]
let ``a truncated or wrong-magic IDX file names the byte offset`` () =
    use dir = new TempDirectory()
    let images, labels = fashionLike 20 4
    File.WriteAllBytes(dir.File "train-images-idx3-ubyte.gz", gzip (Array.take 1000 images))
    File.WriteAllBytes(dir.File "train-labels-idx1-ubyte.gz", gzip labels)
    let bad = Array.copy images
    bad[1] <- 0x42uy
    File.WriteAllBytes(dir.File "magic-images-idx3-ubyte", bad)
    File.WriteAllBytes(dir.File "magic-labels-idx1-ubyte", labels)
    expect dir badInput [ "train"; "--train"; "train-images-idx3-ubyte.gz"; "--test"; "train-images-idx3-ubyte.gz" ] "byte 1000 (decompressed)" |> ignore
    expect dir badInput [ "eval"; "x.nnm"; "--test"; "magic-images-idx3-ubyte" ] "file not found: x.nnm" |> ignore
    let train = dir.Run [ "train"; "--epochs"; "1"; "--layers"; "64-10"; "--save"; "m.nnm" ]
    Assert.Equal(0, train.ExitCode)
    expect dir badInput [ "eval"; "m.nnm"; "--test"; "magic-images-idx3-ubyte" ] "magic-images-idx3-ubyte, byte 0: expected an IDX magic number starting 0x00 0x00" |> ignore

[<Fact>]
let ``a gzip IDX file cut inside its checksum is refused as truncated, though every pixel arrived`` () =
    use dir = new TempDirectory()
    let images, labels = fashionLike 20 4
    let compressed = gzip images
    File.WriteAllBytes(dir.File "cut-images-idx3-ubyte.gz", compressed[.. compressed.Length - 5])
    File.WriteAllBytes(dir.File "cut-labels-idx1-ubyte.gz", gzip labels)
    let expected =
        sprintf "cut-images-idx3-ubyte.gz, byte %d (decompressed): expected a complete gzip member, but found the end of the file inside a gzip member (truncated)." images.Length
    expect dir badInput [ "train"; "--train"; "cut-images-idx3-ubyte.gz"; "--test"; "cut-images-idx3-ubyte.gz" ] expected |> ignore

[<Fact>]
let ``a CSV in UTF-16 or UTF-32 with a byte-order mark trains as its UTF-8 copy does, UTF-32 big-endian not taken for IDX`` () =
    use dir = new TempDirectory()
    let text = String.replicate 4 "1,2,0\n3,4,1\n"
    let args name = [ "train"; "--train"; name; "--test"; name; "--layers"; "2-3-2"; "--classes"; "2"; "--epochs"; "1"; "--label-column"; "last" ]
    let epochLine (run: Run) = run.Output.Split('\n') |> Array.find (fun line -> line.StartsWith "epoch 1/1") |> fun line -> line.Substring(0, line.LastIndexOf "  ")
    File.WriteAllText(dir.File "utf8.csv", text)
    let utf8 = dir.Run(args "utf8.csv")
    Assert.True((utf8.ExitCode = 0), string utf8)
    for encoding in [ Text.Encoding.Unicode; Text.Encoding.BigEndianUnicode; Text.Encoding.UTF32; Text.UTF32Encoding(true, true) :> Text.Encoding ] do
        File.WriteAllBytes(dir.File "other.csv", Array.append (encoding.GetPreamble()) (encoding.GetBytes text))
        let other = dir.Run(args "other.csv")
        Assert.True((other.ExitCode = 0), sprintf "%s\n%O" encoding.WebName other)
        Assert.Equal(epochLine utf8, epochLine other)

[<Fact>]
let ``an IDX images file without a findable labels file asks for one`` () =
    use dir = new TempDirectory()
    let images, _ = fashionLike 10 5
    File.WriteAllBytes(dir.File "pictures.idx", images)
    expect dir usage [ "train"; "--train"; "pictures.idx"; "--test"; "pictures.idx" ] "give its labels file with --train-labels" |> ignore

[<Fact>]
let ``training that diverges says where, saves the last finite network where --save asked, says so and exits with 1`` () =
    use dir = new TempDirectory()
    let run = dir.Run [ "train"; "--optimizer"; "sgd"; "--lr"; "1e30"; "--save"; "last.nnm" ]
    Assert.Equal(1, run.ExitCode)
    Assert.Contains("training diverged: the cost became NaN at epoch 1", run.Error)
    Assert.Contains("saved the last finite network to last.nnm; it is not a trained model.", run.Output)
    Assert.Equal(0, (dir.Run [ "info"; "last.nnm" ]).ExitCode)

[<Fact>]
let ``a thread count outside 1 to 256 is a usage error naming the option`` () =
    use dir = new TempDirectory()
    expect dir usage [ "train"; "--threads"; "0" ] "--threads must be in 1..256, but is 0" |> ignore
    // 100,000 threads once hung the program starting them.
    expect dir usage [ "train"; "--threads"; "100000" ] "--threads must be in 1..256, but is 100000" |> ignore

[<Theory>]
[<InlineData("--epochs|0", "nn: --epochs must be positive, but is 0.")>]
[<InlineData("--batch|0", "nn: --batch must be positive, but is 0.")>]
[<InlineData("--l2|-1", "nn: --l2 must be a non-negative finite number, but is -1.")>]
[<InlineData("--lr|-1", "nn: --lr -1: learning rate η must be a positive finite number, but is -1.")>]
[<InlineData("--optimizer|momentum|--momentum|2", "nn: --momentum 2: momentum coefficient μ must be in [0, 1), but is 2.")>]
[<InlineData("--optimizer|lbfgs|--epochs|0", "nn: --epochs must be positive, but is 0.")>]
[<InlineData("--layers|1x8x8-conv8k3s0-10", "nn: --layers token 'conv8k3s0' does not fit: stride must be positive, but is 0.")>]
[<InlineData("--layers|1x8x8-maxpool9-10", "nn: --layers token 'maxpool9' does not fit: layer 0 cannot follow the input, which gives 1x8x8: a 9x9 pooling window does not fit the input 1x8x8.")>]
[<InlineData("--layers|0x8x8-10", "nn: --layers input '0x8x8' does not fit: channels must be positive, but is 0.")>]
[<InlineData("--layers|1x65536x65536-10", "nn: --layers input '1x65536x65536' does not fit: an image of 1x65536x65536 has more than 2147483647 values.")>]
[<InlineData("--layers|64-2000000-2000000-10", "more than Limits.MaxParameterCount = 2147483591.")>]
let ``a value the library refuses is a usage error naming the option typed, not the library's parameter`` (args: string, message: string) =
    use dir = new TempDirectory()
    let run = expect dir usage ("train" :: List.ofArray (args.Split '|')) message
    Assert.DoesNotContain("(Parameter", run.Error)

[<Fact>]
let ``a value the library refuses on --resume names the option typed too`` () =
    use dir = new TempDirectory()
    Assert.Equal(0, (dir.Run [ "train"; "--epochs"; "1"; "--checkpoint"; "run.nnck" ]).ExitCode)
    expect dir usage [ "train"; "--resume"; "run.nnck"; "--beta1"; "1" ] "nn: --beta1 1: Adam β₁ must be in [0, 1), but is 1." |> ignore
    expect dir usage [ "train"; "--resume"; "run.nnck"; "--batch"; "0" ] "nn: --batch must be positive, but is 0." |> ignore

/// /dev/zero never ends: read whole, it ran the machine out of memory (7 s here, then a message about the network's size).
[<Theory>]
[<InlineData("info")>]
[<InlineData("eval")>]
[<InlineData("export|--onnx|m.onnx")>]
[<InlineData("predict|--data|x.csv")>]
let ``a model path that is no model file is refused from its first bytes by every command that reads one`` (command: string) =
    use dir = new TempDirectory()
    let args = command.Split('|') |> List.ofArray
    expect dir badInput (args.Head :: "/dev/zero" :: args.Tail) "nn: /dev/zero, byte 0: expected the model file magic 'NNMF'" |> ignore
    Assert.False(File.Exists(dir.File "m.onnx"), "no ONNX file is written for a model that did not load")

[<Fact>]
let ``data of a single class is refused as such before training, and in eval, with exit 3 and no usage`` () =
    use dir = new TempDirectory()
    // Every label 0: a network of one output, whose every answer is right. Training ran to the end and saved the model,
    // then the final accuracy line was refused as a bad command line (exit 2, with the usage).
    File.WriteAllText(dir.File "one.csv", "x,y\n1,0\n2,0\n3,0\n4,0\n")
    let train = expect dir badInput [ "train"; "--train"; "one.csv"; "--target"; "y"; "--test"; "one.csv"; "--save"; "one.nnm" ] "one.csv holds a single class"
    Assert.Contains("--task regression", train.Error)
    Assert.Contains("classification of y, 1 class: label 0 is class 0", train.Output)
    Assert.DoesNotContain("epoch", train.Output)
    Assert.DoesNotContain("Usage:", train.Error)
    Assert.False(File.Exists(dir.File "one.nnm"))
    File.WriteAllText(dir.File "pixels.csv", "0,1,2\n0,3,4\n")
    expect dir badInput [ "train"; "--train"; "pixels.csv"; "--test"; "pixels.csv"; "--label-column"; "first"; "--classes"; "1"; "--layers"; "2-1" ] "pixels.csv holds a single class" |> ignore
    let network = Nn.Network.Create<float32>(Nn.Architecture.Input(2).Dense(1, Nn.Activation.Softmax), Nn.Initializer.Xavier, 1UL)
    Nn.ModelFile.Save(network, dir.File "one-output.nnm")
    let eval = expect dir badInput [ "eval"; "one-output.nnm"; "--test"; "pixels.csv"; "--label-column"; "first"; "--classes"; "1" ] "holds a single class for the model one-output.nnm"
    Assert.DoesNotContain("Usage:", eval.Error)

[<Fact>]
let ``training data whose labels are all one class of several is refused like data of a single class`` () =
    use dir = new TempDirectory()
    // Every label 5 makes classes 0..5 with only class 5 present, and every label 3 of --classes 4 the same: both
    // trained to the end and reported a test accuracy of 1.0000 for a network that answers one class whatever the input.
    File.WriteAllText(dir.File "fives.csv", "x,y\n1,5\n2,5\n3,5\n4,5\n")
    let table = expect dir badInput [ "train"; "--train"; "fives.csv"; "--target"; "y"; "--test"; "fives.csv"; "--save"; "fives.nnm" ] "fives.csv holds a single class"
    Assert.Contains("every label is class 5 of 6", table.Error)
    Assert.DoesNotContain("epoch", table.Output)
    Assert.False(File.Exists(dir.File "fives.nnm"))
    File.WriteAllText(dir.File "threes.csv", "3,1,2\n3,3,4\n")
    let pixels =
        expect dir badInput [ "train"; "--train"; "threes.csv"; "--test"; "threes.csv"; "--label-column"; "first"; "--classes"; "4"; "--layers"; "2-4" ] "threes.csv holds a single class"
    Assert.Contains("every label is class 3 of 4", pixels.Error)
    Assert.DoesNotContain("test accuracy", pixels.Output)

[<Fact>]
let ``resuming on data of another width names the checkpoint's network and the data's sizes`` () =
    use dir = new TempDirectory()
    // The λ check on the training data ran before the sizes were compared, so the library's own
    // "inputs must have 64 columns (the network's input size), but have 2." came out instead, naming no file.
    let first = dir.Run [ "train"; "--epochs"; "1"; "--checkpoint"; "c.nnck" ]
    Assert.True((first.ExitCode = 0), sprintf "%O" first)
    File.WriteAllText(dir.File "narrow.csv", "0,1,2\n1,3,4\n")
    let run = expect dir usage [ "train"; "--resume"; "c.nnck"; "--train"; "narrow.csv"; "--test"; "narrow.csv"; "--epochs"; "2" ] "nn: --resume c.nnck holds a 64-32(relu)-10(softmax) network, which needs 64 inputs and 10 classes, but the training data has 2 and 10."
    Assert.DoesNotContain("the network's input size", run.Error)

[<Fact>]
let ``predict given an IDX labels file does not point to a labels option it does not have`` () =
    use dir = new TempDirectory()
    // The advice was train's and gradcheck's, "give the images file as --data and this one as --data-labels",
    // but predict reads no labels and has no --data-labels option.
    let _, labels = fashionLike 3 1
    File.WriteAllBytes(dir.File "labels", labels)
    Nn.ModelFile.Save(Nn.Network.Create<float32>(Nn.Architecture.Input(784).Dense(10, Nn.Activation.Softmax), Nn.Initializer.Xavier, 1UL), dir.File "m.nnm")
    let run = expect dir usage [ "predict"; "m.nnm"; "--data"; "labels" ] "nn: --data labels is an IDX labels file (one dimension), which holds no inputs to predict from; give the images file as --data."
    Assert.DoesNotContain("--data-labels", run.Error)

[<Fact>]
let ``a batch size that leaves one row alone in each epoch's last batch of a dense batch normalisation is refused before training`` () =
    use dir = new TempDirectory()
    // The digits' 1438 training samples are 479 batches of 3 and one of 1, which trained silently.
    let run =
        expect dir usage [ "train"; "--layers"; "64-64-bn-10"; "--batch"; "3"; "--epochs"; "1" ]
            "nn: batch normalisation of a vector (layer 1) needs at least 2 rows per batch, but 1438 training samples in batches of 3 leave a last batch of 1 row each epoch; a batch size of 4 would not"
    Assert.DoesNotContain("epoch 1/1", run.Output)

/// λ = 1e300 is infinite in float32: every rule reported "diverged" at the start of a run that never took a step.
[<Theory>]
[<InlineData("sgd")>]
[<InlineData("momentum")>]
[<InlineData("adam")>]
[<InlineData("cg")>]
[<InlineData("lbfgs")>]
let ``an L2 coefficient whose term overflows the starting weights is refused for every optimiser, not reported as divergence`` (rule: string) =
    use dir = new TempDirectory()
    for l2 in [ "1e300"; "1e37" ] do
        let run = expect dir usage [ "train"; "--optimizer"; rule; "--epochs"; "1"; "--l2"; l2 ] "nn: --l2 must be below 3.93E+36 for these weights, but is "
        Assert.Contains("would overflow float32", run.Error)
        Assert.DoesNotContain("diverged", run.Error)
        Assert.DoesNotContain("epoch 1", run.Output)

/// predict, eval and gradcheck called the same wrong-shaped file a bad command line (exit 2, with the usage).
[<Fact>]
let ``data of another width than the model's inputs is bad data, exit 3 naming the file, for every command that reads it`` () =
    use dir = new TempDirectory()
    Assert.Equal(0, (dir.Run [ "train"; "--epochs"; "1"; "--save"; "m.nnm" ]).ExitCode)
    File.WriteAllText(dir.File "x3.csv", "1,2,3\n4,5,6\n")
    File.WriteAllText(dir.File "y3.csv", "1,2,3,4\n0,5,6,7\n")
    for args, option, file in
        [ [ "predict"; "m.nnm"; "--data"; "x3.csv" ], "--data", "x3.csv"
          [ "eval"; "m.nnm"; "--test"; "y3.csv" ], "--test", "y3.csv"
          [ "gradcheck"; "m.nnm"; "--data"; "y3.csv"; "--samples"; "1" ], "--data", "y3.csv" ] do
        let run = expect dir badInput args $"nn: {option} {file} has 3 values per sample, but the model takes 64 inputs."
        Assert.DoesNotContain("Usage:", run.Error)

/// β₂ = 0.99999999999 is 1 in float32: the second moment never moved and the run reported "diverged".
[<Theory>]
[<InlineData("adam|--beta2|0.99999999999", "the adam rule's Adam β₂ = 0.99999999999 is 1 in float32")>]
[<InlineData("momentum|--momentum|0.9999999999", "the momentum rule's momentum coefficient μ = 0.9999999999 is 1 in float32")>]
[<InlineData("rmsprop|--rho|0.99999999999", "the rmsprop rule's RMSProp ρ = 0.99999999999 is 1 in float32")>]
let ``a decay that rounds to 1 in float32 is refused like 1 itself, not trained until it diverges`` (args: string, message: string) =
    use dir = new TempDirectory()
    let run = expect dir usage ([ "train"; "--epochs"; "1"; "--optimizer" ] @ List.ofArray (args.Split '|')) message
    Assert.DoesNotContain("diverged", run.Error)

/// .NET's number parser ignores trailing NULs: a row "5\0\0,…" was predicted from as if it held 5.
[<Fact>]
let ``a number followed by NUL bytes is bad data for predict, eval and train, exit 3 naming the row`` () =
    use dir = new TempDirectory()
    Assert.Equal(0, (dir.Run [ "train"; "--epochs"; "1"; "--save"; "m.nnm" ]).ExitCode)
    let row (label: string) = label + "," + String.Join(",", Array.create 64 "1")
    File.WriteAllText(dir.File "rows.csv", String.Join(",", Array.create 64 "1") + "\n5\000\000" + String.replicate 63 ",1" + "\n")
    File.WriteAllText(dir.File "labelled.csv", row "3" + "\n" + row "5\000" + "\n")
    for args, message in
        [ [ "predict"; "m.nnm"; "--data"; "rows.csv" ], "nn: rows.csv, data row 2, field 1: expected a finite number, but found '5\\u0000\\u0000'."
          [ "eval"; "m.nnm"; "--test"; "labelled.csv" ], "nn: labelled.csv, line 2, field 1: expected a finite number, but found '5\\u0000'."
          [ "train"; "--epochs"; "1"; "--train"; "labelled.csv"; "--test"; "labelled.csv" ], "nn: labelled.csv, line 2, field 1: expected a finite number, but found '5\\u0000'." ] do
        expect dir badInput args message |> ignore
