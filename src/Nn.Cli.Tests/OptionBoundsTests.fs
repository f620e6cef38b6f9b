/// Each option's bounds and the defaults it takes from other options, end to end: a value just outside the bounds
/// is refused with the option's own message (exit 2), and a value at an inclusive bound is taken.
module Nn.Cli.Tests.OptionBoundsTests

open System.IO
open Xunit
open Nn.Cli.Tests.Process

/// A 256 MiB heap, so that a network too large for memory is refused the same way on any machine.
let private smallHeap = [ "DOTNET_GCHeapHardLimit", "0x10000000" ]

let refusals =
    let data = TheoryData<string, string>()
    // A size of 0 is no size: the grammar refuses it, not the library's layer check.
    data.Add("train --layers 64-0-10", "--layers must be positive sizes joined by '-', e.g. 784-100-10, but is '64-0-10'.")
    // One size is no network: not "must end with the data's 10 classes".
    data.Add("train --layers 64", "--layers needs at least an input and an output size, e.g. 64-10, but is '64'.")
    // An input of width 0 in the spatial grammar is malformed, like any other bad input token.
    data.Add("gradcheck --layers 0-bn-10", "--layers must start with the input as a width or CxHxW, e.g. 1x8x8, but is '0-bn-10'.")
    // A width of exactly Limits.MaxWidth passes the width check and is refused for memory instead.
    data.Add("gradcheck --layers 64-16777216-10", "--layers 64-16777216-10: a network of 1258291210 parameters needs about 37.5 GiB, but only 0.2 GiB of memory is available")
    // A kernel side of 0 is named in words, not by the library's parameter (kernelHeight, kernelWidth).
    data.Add("train --layers 1x8x8-conv8k0x3-10", "--layers token 'conv8k0x3' does not fit: the kernel height must be positive, but is 0.")
    data.Add("train --layers 1x8x8-conv8k3x0-10", "--layers token 'conv8k3x0' does not fit: the kernel width must be positive, but is 0.")
    // A value outside an option's choices names the option and the choices on one line, as --kernels does.
    data.Add("train --optimizer adamx", "--optimizer must be sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw, cg or lbfgs, but is 'adamx'.")
    data.Add("gradcheck --activation softmax", "--activation must be relu, sigmoid, tanh or identity, but is 'softmax'.")
    data.Add("train --checkpoint c.nnck --checkpoint-every 0", "--checkpoint-every must be at least 1, but is 0.")
    data.Add("train --checkpoint c.nnck --epochs 10000001", "--epochs must be at most 10000000 with --checkpoint (the most epochs a checkpoint holds), but is 10000001.")
    data.Add("train --train d.csv --test d.csv --scale 0", "--scale must be 255, 16, textbook or a positive number, but is '0'.")
    data.Add("train --validation 1", "--validation must be a fraction in (0, 1), but is 1.")
    // Refused as --validation is, before the table is read, rather than by the split after its header was printed.
    data.Add("train --train d.csv --target 3 --test-split 0", "--test-split must be a fraction in (0, 1), but is 0.")
    data.Add("train --train d.csv --target 3 --test-split 1", "--test-split must be a fraction in (0, 1), but is 1.")
    // The number of a scheme is named where the help writes it, not by the library's parameter (standardDeviation, epsilon).
    data.Add("train --init normal:-1", "--init normal:-1: STD must be a positive finite number, but is -1.")
    data.Add("train --init uniform:0", "--init uniform:0: EPS must be a positive finite number, but is 0.")
    data.Add("train --init bogus", "--init must be he, xavier, normal-inputs, normal-outputs, normal:STD or uniform:EPS, but is 'bogus'.")
    data

[<Theory; MemberData(nameof refusals)>]
let ``a value just outside an option's bounds is refused with that option's message before any work`` (args: string, message: string) =
    use dir = new TempDirectory()
    File.WriteAllLines(dir.File "d.csv", [| "0,1,2"; "1,2,3" |])
    let run = dir.RunWith(smallHeap, None, List.ofArray (args.Split ' '))
    Assert.True((run.ExitCode = 2), sprintf "expected exit 2\n%O" run)
    Assert.StartsWith("nn: " + message, run.Error)
    Assert.Contains("Usage:", run.Error)
    Assert.Equal("", run.Output)
    Assert.False(File.Exists(dir.File "c.nnck"))

[<Fact>]
let ``every scheme --init takes is named in its help, normal-outputs included`` () =
    use dir = new TempDirectory()
    let help = dir.Run [ "train"; "--help" ]
    Assert.Contains("he, xavier, normal-inputs, normal-outputs, normal:STD or uniform:EPS", help.Output)
    let run = dir.Run [ "train"; "--init"; "normal-outputs"; "--epochs"; "1" ]
    Assert.True((run.ExitCode = 0), string run)

[<Fact>]
let ``the largest thread count, 256, is taken`` () =
    use dir = new TempDirectory()
    let run = dir.Run [ "train"; "--threads"; "256"; "--epochs"; "1" ]
    Assert.True((run.ExitCode = 0), string run)
    Assert.Contains("test accuracy ", run.Output)

[<Fact>]
let ``gradcheck takes as many samples as the data has, and one more is refused`` () =
    use dir = new TempDirectory()
    File.WriteAllLines(dir.File "d.csv", [| "0,1,2"; "1,2,3" |])
    let all = dir.Run [ "gradcheck"; "--data"; "d.csv"; "--classes"; "2"; "--samples"; "2" ]
    Assert.True((all.ExitCode = 0), string all)
    Assert.Contains(", 2 samples, central differences", all.Output)
    let more = dir.Run [ "gradcheck"; "--data"; "d.csv"; "--classes"; "2"; "--samples"; "3" ]
    Assert.True((more.ExitCode = 2), string more)
    Assert.StartsWith("nn: --samples must be in 1..2, but is 3.", more.Error)

[<Fact>]
let ``an IDX images file named images.idx3 finds its labels.idx1 file by name, as images-idx3 finds labels-idx1`` () =
    // Both namings of the MNIST files are in use (train-images-idx3-ubyte, t10k-images.idx3-ubyte).
    use dir = new TempDirectory()
    let images, labels = fashionLike 40 3
    File.WriteAllBytes(dir.File "t10k-images.idx3-ubyte", images)
    File.WriteAllBytes(dir.File "t10k-labels.idx1-ubyte", labels)
    let run = dir.Run [ "train"; "--train"; "t10k-images.idx3-ubyte"; "--test"; "t10k-images.idx3-ubyte"; "--epochs"; "1"; "--layers"; "784-10" ]
    Assert.True((run.ExitCode = 0), string run)
    Assert.Contains("test accuracy ", run.Output)

[<Fact>]
let ``a warm-up as long as the run is taken, and one step longer is refused`` () =
    // The digits' 1,438 training samples in batches of 32 take 45 steps an epoch.
    use dir = new TempDirectory()
    let whole = dir.Run [ "train"; "--epochs"; "1"; "--schedule"; "warmup:45,constant" ]
    Assert.True((whole.ExitCode = 0), string whole)
    Assert.Contains("schedule warm-up over 45 steps, then constant, batch 32, 1 epoch", whole.Output)
    let longer = dir.Run [ "train"; "--epochs"; "1"; "--schedule"; "warmup:46,constant" ]
    Assert.True((longer.ExitCode = 2), string longer)
    Assert.StartsWith("nn: --schedule warmup:46,constant: the warm-up of 46 steps is longer than the run's 45", longer.Error)

[<Fact>]
let ``an output over a test labels file given by option is refused and the labels are unchanged`` () =
    // The test set's labels come from --test-labels, not from the training labels or the name of the test images.
    use dir = new TempDirectory()
    let images, labels = fashionLike 20 5
    for name, bytes in [ "a-images", images; "a-labels", labels; "b-images", images; "b-labels", labels ] do
        File.WriteAllBytes(dir.File name, bytes)
    let run =
        dir.Run [ "train"; "--train"; "a-images"; "--train-labels"; "a-labels"; "--test"; "b-images"; "--test-labels"; "b-labels"; "--layers"; "784-10"; "--epochs"; "1"; "--save"; "b-labels" ]
    Assert.True((run.ExitCode = 2), string run)
    Assert.StartsWith("nn: --save and --test-labels name the same file (b-labels); writing --save would destroy the input.", run.Error)
    Assert.Equal<byte[]>(labels, File.ReadAllBytes(dir.File "b-labels"))
