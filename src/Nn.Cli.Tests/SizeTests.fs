/// Sizes past the library's limits, sizes past the machine's memory, and files declaring either, end to end: a
/// usage error naming the option (exit 2) or a file error naming the file and byte (exit 3), never a crash or a
/// stack trace.
module Nn.Cli.Tests.SizeTests

open System
open System.Collections.Immutable
open System.IO
open Xunit
open Nn
open Nn.Cli.Tests.Process
open Nn.Tests.IdxFiles

let private usage = 2
let private badInput = 3

/// Asserts the exit code, that standard error holds every fragment, and that nothing printed is a stack trace.
let private check (code: int) (fragments: string list) (run: Run) =
    Assert.True((run.ExitCode = code), sprintf "expected exit %d\n%O" code run)
    for fragment in fragments do
        Assert.Contains(fragment, run.Error)
    for text in [ run.Output; run.Error ] do
        Assert.DoesNotContain("   at ", text)
        Assert.DoesNotContain("Unhandled exception", text)

let layerSizes =
    let data = TheoryData<string, string, string>()
    // Each was a crash before: an access violation, an out-of-memory error or an overflow.
    data.Add("gradcheck", "64-65536-65536-10", "a dense layer 65536→65536 has 4295032832 parameters, more than Limits.MaxParameterCount = 2147483591")
    data.Add("gradcheck", "64-100000-100000-10", "a dense layer 100000→100000 has 10000100000 parameters, more than Limits.MaxParameterCount")
    data.Add("gradcheck", "64-2000000000-10", "every size must be at most 16777216 (Limits.MaxWidth), but 2000000000 is larger")
    data.Add("gradcheck", "64-99999999999-10", "every size must be at most 16777216 (Limits.MaxWidth), but 99999999999 is larger")
    data.Add("gradcheck", "64-46000-46000-46000-10", "the architecture 64-46000-46000-46000-10 has 4235542010 parameters, more than Limits.MaxParameterCount")
    data.Add("train", "64-65536-65536-10", "a dense layer 65536→65536 has 4295032832 parameters")
    data.Add("train", "64-16777217-10", "every size must be at most 16777216 (Limits.MaxWidth), but 16777217 is larger")
    data

[<Theory; MemberData("layerSizes")>]
let ``layers past the library's limits are a usage error naming --layers`` (command: string, layers: string, message: string) =
    use dir = new TempDirectory()
    dir.Run [ command; "--layers"; layers ] |> check usage [ "nn: --layers " + layers.Substring(0, 2); message; "Usage:" ]

[<Fact>]
let ``a class count past the class limit is a usage error naming --classes`` () =
    use dir = new TempDirectory()
    File.WriteAllLines(dir.File "d.csv", [| "0,1,2"; "1,2,3" |])
    for classes in [ "100000000"; "16385"; "0"; "-3" ] do
        dir.Run [ "train"; "--train"; "d.csv"; "--test"; "d.csv"; "--classes"; classes ]
        |> check usage [ sprintf "--classes must be in 1..16384 (Limits.MaxClasses), but is %s." classes ]
    dir.Run [ "gradcheck"; "--data"; "d.csv"; "--classes"; "100000000" ] |> check usage [ "--classes must be in 1..16384" ]

/// A network the limits allow but this process's memory does not: the runtime is given a 256 MiB heap.
let private smallHeap = [ "DOTNET_GCHeapHardLimit", "0x10000000" ]

[<Fact>]
let ``a network too large for the memory available is refused up front naming --layers`` () =
    use dir = new TempDirectory()
    for command in [ "gradcheck"; "train" ] do
        runWith dir.Path smallHeap None [ command; "--layers"; "64-1000000-10" ]
        |> check usage [ "--layers 64-1000000-10: a network of 75000010 parameters needs about 2.2 GiB, but only 0.2 GiB of memory is available" ]

[<Fact>]
let ``a network with batch normalisation, dropout or a convolution too large for the memory available is refused up front naming --layers`` () =
    use dir = new TempDirectory()
    for command, layers, parameters in
        [ "train", "64-bn-1000000-10", "75000138"
          "gradcheck", "64-1000000-dropout0.5-10", "75000010"
          "train", "1x8x8-conv1k1-1000000-10", "75000012" ] do
        runWith dir.Path smallHeap None [ command; "--layers"; layers ]
        |> check usage [ sprintf "--layers %s: a network of %s parameters needs about" layers parameters; "but only 0.2 GiB of memory is available" ]

[<Fact>]
let ``running out of memory anyway is a clear message, not a crash`` () =
    use dir = new TempDirectory()
    // The parameters fit, but a batch of 1000 through 50000 units needs three 200 MB buffers.
    runWith dir.Path smallHeap None [ "train"; "--layers"; "64-50000-10"; "--batch"; "1000"; "--epochs"; "1" ]
    |> check usage [ "nn: out of memory (0.2 GiB available)"; "--layers"; "--batch" ]

/// A model file whose header declares the given input size, with the checksum recomputed.
let private modelDeclaring (inputs: int) =
    let bytes = ModelFile.ToBytes(Network.Create<float32>(Architecture.Input(64).Dense(1, Activation.Sigmoid), Initializer.Xavier, 1UL))
    let body = Array.take (bytes.Length - 32) bytes
    BitConverter.GetBytes(inputs).CopyTo(body, 8)
    Array.append body (Security.Cryptography.SHA256.HashData body)

[<Fact>]
let ``a model file declaring 1e9 inputs is a file error naming the file and byte 8`` () =
    use dir = new TempDirectory()
    File.WriteAllBytes(dir.File "huge.nnm", modelDeclaring 1_000_000_000)
    let message = "nn: huge.nnm, byte 8: expected the input size in 1..16777216, but found 1000000000."
    for args in [ [ "eval"; "huge.nnm" ]; [ "info"; "huge.nnm" ]; [ "gradcheck"; "huge.nnm" ]; [ "export"; "huge.nnm"; "--onnx"; "huge.onnx" ] ] do
        dir.Run args |> check badInput [ message ]
    Assert.False(File.Exists(dir.File "huge.onnx"))

[<Fact>]
let ``a model or checkpoint file longer than one array is a file error naming it, not read for gigabytes`` () =
    use dir = new TempDirectory()
    // A valid start, then a (sparse) file past Array.MaxLength: it was read to 2 GiB and refused as "Stream was too long."
    for name, args in [ "long.nnm", [ [ "info"; "long.nnm" ]; [ "eval"; "long.nnm" ]; [ "gradcheck"; "long.nnm" ] ]; "long.nnck", [ [ "info"; "long.nnck" ]; [ "train"; "--resume"; "long.nnck" ] ] ] do
        File.WriteAllBytes(dir.File name, (if name.EndsWith "nnm" then modelDeclaring 64 else "NNCK"B))
        using (new FileStream(dir.File name, FileMode.Open)) (fun stream -> stream.SetLength 2_300_000_000L)
        for command in args do
            dir.Run command |> check badInput [ sprintf "nn: %s, byte 2147483591: expected the end of the file within 2147483591 bytes (the largest array .NET holds), but found 2300000000 bytes." name ]

[<Fact>]
let ``an IDX header announcing samples past the width limit is a file error naming the byte`` () =
    use dir = new TempDirectory()
    File.WriteAllBytes(dir.File "wide-images-idx3-ubyte", idxBytes [ 1; 5000; 5000 ] [||])
    File.WriteAllBytes(dir.File "wide-labels-idx1-ubyte", idxBytes [ 1 ] [| 0uy |])
    dir.Run [ "train"; "--train"; "wide-images-idx3-ubyte"; "--test"; "wide-images-idx3-ubyte" ]
    |> check badInput [ "wide-images-idx3-ubyte, byte 12: expected at most 16777216 values per sample (Limits.MaxWidth), but found dimensions giving 25000000 or more." ]

[<Fact>]
let ``a convolution or a batch whose scratch passes the element limit is a usage error, not an overflow`` () =
    use dir = new TempDirectory()
    // Nine 512x512 images of two classes.
    File.WriteAllBytes(dir.File "images-idx3-ubyte", idxBytes [ 9; 512; 512 ] (Array.init (9 * 512 * 512) byte))
    File.WriteAllBytes(dir.File "labels-idx1-ubyte", idxBytes [ 9 ] (Array.init 9 (fun i -> byte (i % 2))))
    let data = [ "--train"; "images-idx3-ubyte"; "--train-labels"; "labels-idx1-ubyte"; "--test"; "images-idx3-ubyte"; "--test-labels"; "labels-idx1-ubyte"; "--classes"; "2"; "--epochs"; "1" ]
    // Eight samples' im2col of 31x31 kernels over 512x512 fit one array; a batch of nine needs two slices' worth.
    dir.Run([ "train"; "--layers"; "1x512x512-conv1k31p15-maxpool64-2"; "--batch"; "9" ] @ data)
    |> check usage [ "nn: a batch of 9 rows through layer 0 needs 4064311362 values of scratch, more than Limits.MaxElements = 2147483591; ask for a smaller batch." ]
    dir.Run([ "train"; "--layers"; "1x4096x4096-conv1k49s3-maxpool16-2" ] @ data)
    |> check usage [ "--layers token 'conv1k49s3' does not fit"; "needs more than Limits.MaxElements = 2147483591 values of scratch for 8 samples (its im2col matrix alone would hold 35006580000)" ]

/// One epoch of Adam on the embedded digits, as `nn train` would checkpoint it with the rule given, with its state then replaced.
let private checkpointOf (rule: Optimizer) (l2: float) (edit: TrainingState<float32> -> TrainingState<float32>) =
    let train = Digits.Load<float32>().Train
    let network = Network.Create<float32>(Architecture.Input(64).Dense(16, Activation.Relu).Dense(10, Activation.Softmax), Initializer.He, 1UL)
    let options = TrainingOptions(Epochs = 3, BatchSize = 32, Seed = 1UL, L2 = l2)
    let state = Trainer.Train(network, Loss.SoftmaxCrossEntropy, Adam 0.005, train, TrainingOptions(Epochs = 1, BatchSize = 32, Seed = 1UL)).State
    // The writer's bytes before it reads them back: a state the reader refuses still reaches the file, as a hostile tool's would.
    CheckpointFile.UncheckedBytes(Checkpoint<float32>(edit state, rule, Loss.SoftmaxCrossEntropy, options, DataFingerprint.Of train))

let private checkpointWith = checkpointOf (Adam 0.005) 0.0

let private rebuilt (state: TrainingState<float32>) moments random completed history =
    TrainingState<float32>(state.Network, OptimizerState<float32>(state.OptimizerState.Step, moments), random, completed, history)

let impossibleStates =
    let data = TheoryData<string, (TrainingState<float32> -> TrainingState<float32>), string>()
    data.Add("negative Adam v", (fun s ->
        let v = s.OptimizerState.Moments[1].ToArray()
        v[3] <- -1.0f
        rebuilt s (ImmutableArray.Create(s.OptimizerState.Moments[0], ParameterVector<float32>.Create(ReadOnlySpan v))) s.Random s.EpochsCompleted s.History),
        "expected Adam's second moment v of 0 or more (a mean of squares), but found -1 at element 3.")
    data.Add("more epochs than the total", (fun s ->
        let extra = [ for e in 2 .. 4 -> EpochRecord(e, 0.1, 0.9, Nullable(), Nullable()) ]
        rebuilt s s.OptimizerState.Moments s.Random 4 (s.History.AddRange extra)),
        "expected the epochs completed (at most the epoch count) in 0..3, but found 4.")
    data.Add("NaN in the history", (fun s -> rebuilt s s.OptimizerState.Moments s.Random 1 (ImmutableArray.Create(EpochRecord(1, nan, 0.5, Nullable(), Nullable())))),
        "expected a finite history record 0's training loss of 0 or more, but found NaN.")
    data

[<Fact>]
let ``a checkpoint whose random state is all zeros is a file error naming the file and byte`` () =
    // No TrainingState holds that state, so the file's four words are found and zeroed and the checksum made again.
    let mutable words = RandomState()
    let bytes = checkpointWith (fun s -> words <- s.Random; s)
    let pattern = Array.concat [ for w in [ words.S0; words.S1; words.S2; words.S3 ] -> BitConverter.GetBytes w ]
    let at = Seq.windowed 32 bytes |> Seq.findIndex (fun window -> window = pattern)
    let body = Array.take (bytes.Length - 32) bytes
    Array.fill body at 32 0uy
    use dir = new TempDirectory()
    File.WriteAllBytes(dir.File "bad.nnck", Array.append body (Security.Cryptography.SHA256.HashData body))
    dir.Run [ "train"; "--resume"; "bad.nnck" ] |> check badInput [ sprintf "nn: bad.nnck, byte %d: expected a random state with a non-zero word" at ]

[<Theory; MemberData("impossibleStates")>]
let ``a checkpoint holding impossible state is a file error naming the file and byte`` (_case: string, edit: TrainingState<float32> -> TrainingState<float32>, message: string) =
    use dir = new TempDirectory()
    File.WriteAllBytes(dir.File "bad.nnck", checkpointWith edit)
    let resumed = dir.Run [ "train"; "--resume"; "bad.nnck" ]
    resumed |> check badInput [ "nn: bad.nnck, byte "; message ]
    dir.Run [ "info"; "bad.nnck" ] |> check badInput [ "nn: bad.nnck, byte "; message ]

[<Fact>]
let ``a checkpoint whose learning rate float32 cannot hold is a file error naming the file, not a value to type again`` () =
    use dir = new TempDirectory()
    // A float32 run whose rule says η = 1e300, as a tool other than nn could write it: the reader takes doubles.
    File.WriteAllBytes(dir.File "bad.nnck", checkpointOf (Adam 1e300) 0.0 id)
    let resumed = dir.Run [ "train"; "--resume"; "bad.nnck" ]
    resumed
    |> check badInput [ "nn: --resume bad.nnck holds a rule its float32 network cannot run: the adam rule's learning rate η = 1E+300 is infinite in float32, the network's numbers; choose a value float32 can hold, or train in float64.\n" ]
    Assert.Equal("", resumed.Output)

[<Fact>]
let ``a checkpoint whose L2 term overflows float32 on its weights is a file error naming the file, not --l2, which was not typed`` () =
    use dir = new TempDirectory()
    File.WriteAllBytes(dir.File "bad.nnck", checkpointOf (Adam 0.005) 1e300 id)
    let resumed = dir.Run [ "train"; "--resume"; "bad.nnck" ]
    resumed |> check badInput [ "nn: --resume bad.nnck holds an L2 λ its float32 network cannot run: λ must be below 5.78E+36 for these weights, but is 1E+300: the L2 term " ]
    Assert.DoesNotContain("--l2", resumed.Error)
    Assert.Equal("", resumed.Output)
