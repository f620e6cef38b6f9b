/// Building networks, running them forward, and the bad input every entry point refuses.
module Nn.Tests.Networks.NetworkTests

open System
open Nn
open Nn.Tests.Helpers
open Xunit

let private debugNetwork () =
    let theta1 = readCsv "ex4debug_theta1.csv" |> array2D
    let theta2 = readCsv "ex4debug_theta2.csv" |> array2D
    Network.FromBiasFirstColumns<float>([| theta1; theta2 |], [| Activation.Sigmoid; Activation.Sigmoid |])

let private debugData () =
    let x = readCsv "ex4debug_X.csv"
    let labels = readCsv "ex4debug_y.csv" |> Array.map (fun r -> int r[0] - 1)
    Dataset.FromLabels(matrix x, labels, 3)

[<Fact>]
let ``bias-first matrices load into weights and biases at the documented offsets`` () =
    let network = debugNetwork ()
    let theta1 = readCsv "ex4debug_theta1.csv"
    Assert.Equal("3-5(sigmoid)-3(sigmoid)", string network.Architecture)
    Assert.Equal(theta1[2][0], network.Bias(0).Span[2])
    Assert.Equal(theta1[2][3], network.Weights(0)[2, 2])
    Assert.Equal(network.Parameters[network.Architecture.BiasOffset 0 + 2], theta1[2][0])

[<Fact>]
let ``the debug network passes the gradient check with and without L2`` () =
    let network = debugNetwork ()
    let data = debugData ()
    for lambda in [ 0.0; 3.0 ] do
        let report = GradientCheck.Run(network, Loss.BinaryCrossEntropy, data.Inputs, data.Targets, lambda)
        Assert.True(report.Passes 1e-6 && report.MaxAbsolute <= 1e-9, string report)

/// A batch goes through the packed register-blocked products and a single row through dot products, which sum
/// in a different order, so the two agree to double rounding rather than bit for bit.
let batchRowTolerance = 1e-14

[<Fact>]
let ``forward on a batch equals forward on each row`` () =
    let network = debugNetwork ()
    let x = readCsv "ex4debug_X.csv"
    let batch = Network.Forward(network, matrix x)
    for i in 0 .. x.Length - 1 do
        assertAllClose batchRowTolerance (network.Forward(ReadOnlySpan x[i])) (batch.RowArray i)

[<Fact>]
let ``forward on several threads gives bit for bit the outputs of one thread`` () =
    let architecture = Architecture.Input(100).Dense(96, Activation.Relu).Dense(70, Activation.Tanh).Dense(10, Activation.Softmax)
    let network = Network.Create<float32>(architecture, Initializer.He, 9UL)
    let random = Random(4)
    let x = Matrix<float32>.Own(600, 100, Array.init (600 * 100) (fun _ -> float32 (random.NextDouble())))
    let one = Network.Forward(network, x)
    for threads in [ 1; 2; 3 ] do
        Assert.Equal<float32[]>(Seq.cast<float32> (one.ToArray()) |> Seq.toArray, Seq.cast<float32> (Network.Forward(network, x, threads).ToArray()) |> Seq.toArray)

[<Fact>]
let ``forward on threads refuses a thread count outside 1 to the thread limit and bad inputs`` () =
    let network = debugNetwork ()
    let x = readCsv "ex4debug_X.csv"
    Assert.Contains("threads must be in 1..256 (Limits.MaxThreads), but is 0", messageOf<ArgumentOutOfRangeException> (fun () -> Network.Forward(network, matrix x, 0) |> ignore))
    Assert.Contains("threads must be in 1..256 (Limits.MaxThreads), but is -2", messageOf<ArgumentOutOfRangeException> (fun () -> Network.Forward(network, matrix x, -2) |> ignore))
    Assert.Contains("threads must be in 1..256 (Limits.MaxThreads), but is 100000", messageOf<ArgumentOutOfRangeException> (fun () -> Network.Forward(network, matrix x, 100000) |> ignore))
    let wrong = matrix [| [| 1.0; 2.0 |] |]
    Assert.Contains("inputs must have 3 columns", messageOf<ArgumentException> (fun () -> Network.Forward(network, wrong, 2) |> ignore))
    let infinite = matrix [| [| 1.0; infinity; 2.0 |] |]
    Assert.Contains("inputs", messageOf<ArgumentException> (fun () -> Network.Forward(network, infinite, 2) |> ignore))

[<Fact>]
let ``a wrong input length names the expected and actual lengths`` () =
    let message = messageOf<ArgumentException> (fun () -> debugNetwork().Forward(ReadOnlySpan [| 1.0; 2.0 |]) |> ignore)
    Assert.Contains("length 3", message)
    Assert.Contains("length 2", message)

[<Fact>]
let ``a NaN input is refused with its position`` () =
    let message = messageOf<ArgumentException> (fun () -> debugNetwork().Forward(ReadOnlySpan [| 1.0; nan; 2.0 |]) |> ignore)
    Assert.Contains("element 1 is NaN", message)

[<Fact>]
let ``a parameter vector of the wrong length is refused`` () =
    let architecture = Architecture.Input(3).Dense(2, Activation.Tanh)
    let message = messageOf<ArgumentException> (fun () -> Network.FromParameters(architecture, ReadOnlySpan [| 1.0; 2.0 |]) |> ignore)
    Assert.Contains("length 8", message)

[<Fact>]
let ``infinite parameters are refused`` () =
    let architecture = Architecture.Input(1).Dense(1, Activation.Tanh)
    messageOf<ArgumentException> (fun () -> Network.FromParameters(architecture, ReadOnlySpan [| infinity; 0.0 |]) |> ignore)
    |> fun m -> Assert.Contains("element 0 is Infinity", m)

[<Fact>]
let ``layers whose sizes do not chain are refused`` () =
    let message =
        messageOf<ArgumentException> (fun () ->
            Network.FromWeights<float>([| LayerWeights(Array2D.zeroCreate 4 3, null, Activation.Relu); LayerWeights(Array2D.zeroCreate 2 5, null, Activation.Relu) |]) |> ignore)
    Assert.Contains("must have 4 inputs", message)
    Assert.Contains("has 5", message)

[<Fact>]
let ``a loss that does not fit the output activation is refused`` () =
    let network = Network.Create<float>(Architecture.Input(2).Dense(2, Activation.Tanh), Initializer.Xavier, 1UL)
    let message = messageOf<ArgumentException> (fun () -> Backprop.Gradient(network, Loss.BinaryCrossEntropy, ReadOnlySpan [| 1.0; 2.0 |], ReadOnlySpan [| 0.0; 1.0 |]) |> ignore)
    Assert.Contains("'binary-cross-entropy' is not defined for output activation 'tanh'", message)

[<Fact>]
let ``an architecture without layers cannot make a network`` () =
    let message = messageOf<ArgumentException> (fun () -> Network.Create<float>(Architecture.Input(4), Initializer.He, 0UL) |> ignore)
    Assert.Contains("at least 1 layer", message)

[<Fact>]
let ``weights and biases sit where the architecture says`` () =
    let architecture = Architecture.Input(3).Dense(2, Activation.Relu).Dense(1, Activation.Identity, false)
    Assert.Equal(10, architecture.ParameterCount)
    Assert.Equal<int list>([ 0; 6; 8 ], [ architecture.WeightOffset 0; architecture.BiasOffset 0; architecture.WeightOffset 1 ])
    Assert.Equal(-1, architecture.BiasOffset 1)

[<Fact>]
let ``every initialiser draws reproducibly from its seed with the spread it promises`` () =
    let architecture = Architecture.Input(400).Dense(100, Activation.Relu)
    let std (network: Network<float>) =
        let w = network.Weights(0).AsSpan().ToArray()
        let mean = Array.average w
        sqrt (w |> Array.averageBy (fun v -> (v - mean) ** 2.0))
    let make init seed = Network.Create<float>(architecture, init, seed)
    for init in [ Initializer.NormalInverseSqrtInputs; Initializer.NormalInverseSqrtOutputs; Initializer.Xavier; Initializer.He; Initializer.NormalFixed 0.01; Initializer.Uniform 0.12 ] do
        Assert.Equal(make init 5UL, make init 5UL)
        Assert.NotEqual(make init 5UL, make init 6UL)
        Assert.True((make init 5UL).Bias(0).ToArray() |> Array.forall ((=) 0.0))
    assertClose 0.05 (1.0 / sqrt 400.0) (std (make Initializer.NormalInverseSqrtInputs 1UL) / 1.0)
    assertClose 0.05 (1.0 / sqrt 100.0) (std (make Initializer.NormalInverseSqrtOutputs 1UL))
    assertClose 0.01 (sqrt (6.0 / 500.0) / sqrt 3.0) (std (make Initializer.Xavier 1UL))
    assertClose 0.01 (sqrt (2.0 / 400.0)) (std (make Initializer.He 1UL))
    assertClose 0.001 0.01 (std (make (Initializer.NormalFixed 0.01) 1UL))
    assertClose 0.01 (0.12 / sqrt 3.0) (std (make (Initializer.Uniform 0.12) 1UL))
    let w = (make (Initializer.Uniform 0.12) 1UL).Weights(0).AsSpan().ToArray()
    Assert.True(w |> Array.forall (fun v -> abs v <= 0.12))

[<Fact>]
let ``a batch whose convolution scratch passes the element limit is refused naming the batch and the layer`` () =
    // 31x31 kernels over 512x512, padded to keep the size: 2,015,887,360 values of im2col for 8 samples fit one array,
    // a batch of 9 needs two slices' worth and does not. It used to end in an OverflowException from the allocation.
    let network =
        Network.Create<float32>(
            Architecture.Input(1, 512, 512).Conv2D(1, 31, 31, Activation.Identity, padding = 15).MaxPool2D(64).Dense(2, Activation.Softmax), Initializer.He, 1UL)
    let nine = Matrix.Create(9, 512 * 512, ReadOnlySpan(Array.zeroCreate<float32> (9 * 512 * 512)))
    for threads in [ 1; 2 ] do
        let message = messageOf<ArgumentException> (fun () -> Network.Forward(network, nine, threads) |> ignore)
        Assert.Contains("a batch of 9 rows through layer 0 needs 4064311362 values of scratch, more than Limits.MaxElements = 2147483591; ask for a smaller batch.", message)

[<Fact>]
let ``Classify gives -1 for a row whose outputs overflow and the largest output's index for the others`` () =
    // Outputs 10³⁰·x + 10³⁰ and −10³⁰·x − 10³⁰: +∞ and −∞ in float32 for x = 10¹⁰.
    let network = Network.FromParameters<float32>(Architecture.Input(1).Dense(2, Activation.Identity), ReadOnlySpan [| 1e30f; -1e30f; 1e30f; -1e30f |])
    let outputs = Network.Forward(network, Matrix<float32>.Create(3, 1, ReadOnlySpan [| 1f; 1e10f; -2f |]))
    Assert.True(Single.IsPositiveInfinity outputs[1, 0], sprintf "%g" outputs[1, 0])
    Assert.Equal<int[]>([| 0; -1; 1 |], Network.Classify(network, Matrix<float32>.Create(3, 1, ReadOnlySpan [| 1f; 1e10f; -2f |])))

[<Fact>]
let ``a network of an element type no kernel computes in, such as Half, is refused when it is made, naming the type`` () =
    let architecture = Architecture.Input(2).Dense(2, Activation.Softmax)
    // Before, Create returned a network whose first forward pass threw 'Specified type is not supported' from a vector width.
    let created = Assert.Throws<NotSupportedException>(fun () -> Network.Create<Half>(architecture, Initializer.Xavier, 1UL) |> ignore)
    Assert.Equal("networks compute in float (float32) or double (float64), but System.Half was asked for; convert the values to one of them.", created.Message)
    Assert.Throws<NotSupportedException>(fun () -> Network.FromParameters<Half>(architecture, ReadOnlySpan(Array.create 6 Half.One)) |> ignore) |> ignore

[<Fact>]
let ``FromWeights and FromBiasFirstColumns refuse a default ImmutableArray, naming the list`` () =
    let unset (act: unit -> Network<float>) = (Assert.ThrowsAny<ArgumentException>(fun () -> act () |> ignore)).Message
    Assert.Equal(
        "layers is a default ImmutableArray, which holds no items. (Parameter 'layers')",
        unset (fun () -> Network.FromWeights<float>(Unchecked.defaultof<Collections.Immutable.ImmutableArray<LayerWeights<float>>>)))
    Assert.Equal(
        "thetas is a default ImmutableArray, which holds no items. (Parameter 'thetas')",
        unset (fun () -> Network.FromBiasFirstColumns<float>(Unchecked.defaultof<Collections.Immutable.ImmutableArray<float[,]>>, [| Activation.Sigmoid |])))
    Assert.Equal(
        "activations is a default ImmutableArray, which holds no items. (Parameter 'activations')",
        unset (fun () -> Network.FromBiasFirstColumns<float>([| Array2D.zeroCreate 1 2 |], Unchecked.defaultof<Collections.Immutable.ImmutableArray<Activation>>)))

[<Fact>]
let ``a forward trace refuses a default array of weighted inputs or activations, when made and in C#'s with`` () =
    let trace = Network.Trace(debugNetwork (), (debugData ()).Inputs)
    let unset = Collections.Immutable.ImmutableArray<Matrix<float>>()
    let refused (make: unit -> ForwardTrace<float>) = (Assert.Throws<ArgumentException>(fun () -> make () |> ignore)).Message
    Assert.Equal(
        "a forward trace's weighted inputs must be an array (one matrix per layer), not a default ImmutableArray. (Parameter 'Z')",
        refused (fun () -> ForwardTrace<float>(unset, trace.A)))
    Assert.Equal(
        "a forward trace's activations must be an array (the input, then one matrix per layer), not a default ImmutableArray. (Parameter 'A')",
        refused (fun () -> ForwardTrace<float>(trace.Z, unset)))
    Assert.Equal("weighted input 1 is null. (Parameter 'Z')", refused (fun () -> ForwardTrace<float>(trace.Z.SetItem(1, Unchecked.defaultof<Matrix<float>>), trace.A)))
    for name in [ "Z"; "A" ] do
        let e = Assert.Throws<Reflection.TargetInvocationException>(fun () -> (nonNull (typeof<ForwardTrace<float>>.GetProperty name)).SetValue(trace, box unset))
        Assert.Equal(name, (Assert.IsType<ArgumentException>(e.InnerException)).ParamName)
    Assert.Equal(3, trace.A.Length)
