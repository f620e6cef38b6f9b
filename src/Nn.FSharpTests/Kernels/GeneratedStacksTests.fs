/// The whole-batch passes that generated code of a stack with convolutions or pooling hands large batches to, and a
/// stack with batch normalisation or dropout every pass: equal to the runtime's Backprop, Network.Forward and
/// training step (and batch normalisation's to the independent golden numbers), a gradient written rather than added to, one workspace per
/// thread and architecture that grows with the batch and then allocates nothing, a pass nested in another on its thread
/// with buffers of its own, and argument checks.
module Nn.Tests.Kernels.GeneratedStacksTests

open System
open System.Threading.Tasks
open global.Xunit
open Nn
open Nn.Kernels
open Nn.Tests.Kernels.NestingActivation
open Nn.Tests.Helpers

/// A padded, strided convolution, pooling and two dense layers, with sigmoid outputs for binary cross-entropy.
let private convolutional =
    Architecture.Input(2, 7, 6)
        .Conv2D(3, 3, 3, Activation.Tanh, stride = 1, padding = 1).MaxPool2D(2)
        .Dense(5, Activation.Tanh).Dense(2, Activation.Sigmoid)

/// Another architecture, so one thread holds two workspaces.
let private pooled = Architecture.Input(1, 4, 4).MaxPool2D(2).Dense(3, Activation.Softmax)

/// θ drawn by Xavier from the seed, inputs in [−1, 1], targets in [0, 1] (or one-hot for softmax).
let private case (architecture: Architecture) (rows: int) (seed: int) =
    let network = Network.Create<float>(architecture, Initializer.Xavier, uint64 seed)
    let random = Random(seed)
    let inputs = Array.init (rows * architecture.InputSize) (fun _ -> 2.0 * random.NextDouble() - 1.0)
    let targets =
        if architecture.OutputSize = 3 then
            Array.init (rows * 3) (fun k -> if k % 3 = (k / 3) % 3 then 1.0 else 0.0)
        else
            Array.init (rows * architecture.OutputSize) (fun _ -> random.NextDouble())
    network, inputs, targets

let private lossOf (architecture: Architecture) = if architecture.OutputSize = 3 then Loss.SoftmaxCrossEntropy else Loss.BinaryCrossEntropy

let private costAndGradient (architecture: Architecture) (theta: float[]) (inputs: float[]) (targets: float[]) rows l2 count (gradient: float[]) =
    GeneratedStacks.CostAndGradient<float>(architecture, lossOf architecture, ReadOnlySpan theta, ReadOnlySpan inputs, ReadOnlySpan targets, rows, l2, count, Span gradient)

[<Theory>]
[<InlineData(1, 0.0)>]
[<InlineData(9, 0.3)>]
let ``the whole-batch cost, gradient and forward pass equal the runtime's`` (rows: int, l2: float) =
    let network, inputs, targets = case convolutional rows 21
    let theta = network.Parameters.ToArray()
    let expected =
        Backprop.Gradient(network, Loss.BinaryCrossEntropy, Matrix<float>.Create(rows, convolutional.InputSize, inputs), Matrix<float>.Create(rows, 2, targets), l2, 50)
    let gradient = Array.zeroCreate<float> convolutional.ParameterCount
    let cost = costAndGradient convolutional theta inputs targets rows l2 50 gradient
    assertClose doubleRounding expected.Loss cost
    assertAllClose doubleRounding (expected.Gradient.ToArray()) gradient
    let costAlone = GeneratedStacks.Cost<float>(convolutional, Loss.BinaryCrossEntropy, ReadOnlySpan theta, ReadOnlySpan inputs, ReadOnlySpan targets, rows, l2, 50)
    assertClose doubleRounding expected.Loss costAlone
    let outputs = Array.zeroCreate<float> (rows * 2)
    GeneratedStacks.Forward<float>(convolutional, ReadOnlySpan theta, ReadOnlySpan inputs, Span outputs, rows)
    assertAllClose doubleRounding (Network.Forward(network, Matrix<float>.Create(rows, convolutional.InputSize, inputs)).AsSpan().ToArray()) outputs

[<Fact>]
let ``the gradient is written over whatever the buffer held`` () =
    let network, inputs, targets = case convolutional 4 22
    let theta = network.Parameters.ToArray()
    let clean = Array.zeroCreate<float> convolutional.ParameterCount
    let dirty = Array.create convolutional.ParameterCount 1e3
    costAndGradient convolutional theta inputs targets 4 0.0 1 clean |> ignore
    costAndGradient convolutional theta inputs targets 4 0.0 1 dirty |> ignore
    Assert.Equal<float[]>(clean, dirty)

[<Fact>]
let ``a thread's workspaces grow to the largest batch and then serve every smaller batch and both architectures without allocating`` () =
    let convNetwork, convInputs, convTargets = case convolutional 12 23
    let poolNetwork, poolInputs, poolTargets = case pooled 12 24
    let convTheta, poolTheta = convNetwork.Parameters.ToArray(), poolNetwork.Parameters.ToArray()
    let convGradient = Array.zeroCreate<float> convolutional.ParameterCount
    let poolGradient = Array.zeroCreate<float> pooled.ParameterCount
    // Warm-up: a batch of 3 makes each workspace, a batch of 12 grows it (the copies of the inputs allocate here only).
    for rows in [ 3; 12 ] do
        costAndGradient convolutional convTheta (Array.sub convInputs 0 (rows * convolutional.InputSize)) (Array.sub convTargets 0 (rows * 2)) rows 0.0 1 convGradient |> ignore
        costAndGradient pooled poolTheta (Array.sub poolInputs 0 (rows * pooled.InputSize)) (Array.sub poolTargets 0 (rows * 3)) rows 0.0 1 poolGradient |> ignore
    // The tiered JIT may allocate once on this thread when it promotes a method; a per-call allocation shows every time.
    let measure (action: unit -> unit) =
        action ()
        [ for _ in 1 .. 5 ->
            let before = GC.GetAllocatedBytesForCurrentThread()
            action ()
            GC.GetAllocatedBytesForCurrentThread() - before ]
        |> List.min
    Assert.Equal(0L, measure (fun () -> costAndGradient convolutional convTheta convInputs convTargets 12 0.0 1 convGradient |> ignore))
    Assert.Equal(0L, measure (fun () -> costAndGradient pooled poolTheta poolInputs poolTargets 12 0.0 1 poolGradient |> ignore))
    // A smaller batch reuses the grown workspace: the spans are sliced, not the buffers reallocated.
    let small = Array.sub convInputs 0 (5 * convolutional.InputSize)
    let smallTargets = Array.sub convTargets 0 (5 * 2)
    Assert.Equal(0L, measure (fun () -> costAndGradient convolutional convTheta small smallTargets 5 0.0 1 convGradient |> ignore))

[<Fact>]
let ``threads running at once each get their own workspace and the results of running alone`` () =
    let cases = [| for seed in 30 .. 37 -> case convolutional (5 + seed % 4) seed |]
    let run (network: Network<float>, inputs: float[], targets: float[]) =
        let rows = targets.Length / 2
        let gradient = Array.zeroCreate<float> convolutional.ParameterCount
        let cost = costAndGradient convolutional (network.Parameters.ToArray()) inputs targets rows 0.0 1 gradient
        cost, gradient
    let alone = cases |> Array.map run
    for _ in 1 .. 3 do
        let together = Task.WhenAll(cases |> Array.map (fun c -> Task.Run(fun () -> run c))).Result
        Assert.Equal<(float * float[])[]>(alone, together)

[<Fact>]
let ``wrong lengths, rows below 1 and a null architecture or loss are refused naming the argument`` () =
    let network, inputs, targets = case convolutional 2 25
    let theta = network.Parameters.ToArray()
    let gradient = Array.zeroCreate<float> convolutional.ParameterCount
    let paramOf (action: unit -> unit) = (Assert.ThrowsAny<ArgumentException>(fun () -> action ())).ParamName
    Assert.Equal("parameters", paramOf (fun () -> costAndGradient convolutional theta[1..] inputs targets 2 0.0 1 gradient |> ignore))
    Assert.Equal("inputs", paramOf (fun () -> costAndGradient convolutional theta inputs targets 3 0.0 1 gradient |> ignore))
    Assert.Equal("targets", paramOf (fun () -> costAndGradient convolutional theta inputs targets[1..] 2 0.0 1 gradient |> ignore))
    Assert.Equal("gradient", paramOf (fun () -> costAndGradient convolutional theta inputs targets 2 0.0 1 gradient[1..] |> ignore))
    Assert.Equal("rows", paramOf (fun () -> costAndGradient convolutional theta inputs targets 0 0.0 1 gradient |> ignore))
    Assert.Equal("l2SampleCount", paramOf (fun () -> costAndGradient convolutional theta inputs targets 2 0.1 0 gradient |> ignore))
    Assert.Equal("architecture", paramOf (fun () -> GeneratedStacks.Cost<float>(Unchecked.defaultof<Architecture>, Loss.BinaryCrossEntropy, ReadOnlySpan theta, ReadOnlySpan inputs, ReadOnlySpan targets, 2, 0.0, 1) |> ignore))
    Assert.Equal("loss", paramOf (fun () -> GeneratedStacks.Cost<float>(convolutional, Unchecked.defaultof<Loss>, ReadOnlySpan theta, ReadOnlySpan inputs, ReadOnlySpan targets, 2, 0.0, 1) |> ignore))
    let outputs = Array.zeroCreate<float> 3
    Assert.Equal("outputs", paramOf (fun () -> GeneratedStacks.Forward<float>(convolutional, ReadOnlySpan theta, ReadOnlySpan inputs, Span outputs, 2)))

[<Fact>]
let ``a negative, NaN or infinite L2 lambda is refused naming it, not folded into the cost`` () =
    let network, inputs, targets = case convolutional 2 25
    let theta = network.Parameters.ToArray()
    let gradient = Array.zeroCreate<float> convolutional.ParameterCount
    let statistics = Array.zeroCreate<float> convolutional.StateCount
    for lambda in [ -1.0; nan; infinity ] do
        let refused (action: unit -> unit) =
            let e = Assert.Throws<ArgumentOutOfRangeException>(action)
            Assert.Equal("l2Lambda", e.ParamName)
            Assert.StartsWith(sprintf "l2Lambda must be a non-negative finite number, but is %s." (lambda.ToString(Globalization.CultureInfo.InvariantCulture)), e.Message)
        refused (fun () -> GeneratedStacks.Cost<float>(convolutional, Loss.BinaryCrossEntropy, ReadOnlySpan theta, ReadOnlySpan inputs, ReadOnlySpan targets, 2, lambda, 50) |> ignore)
        refused (fun () -> costAndGradient convolutional theta inputs targets 2 lambda 50 gradient |> ignore)
        refused (fun () ->
            GeneratedStacks.TrainingCostAndGradient<float>(
                convolutional, Loss.BinaryCrossEntropy, ReadOnlySpan theta, ReadOnlySpan inputs, ReadOnlySpan targets, 2, lambda, 50, 0UL, ReadOnlySpan statistics, Span statistics, Span gradient) |> ignore)

[<Fact>]
let ``inside a kernel-path scope the passes run on that path, as a fresh runtime workspace would`` () =
    let network, inputs, targets = case convolutional 6 26
    let theta = network.Parameters.ToArray()
    let before = Array.zeroCreate<float> convolutional.ParameterCount
    costAndGradient convolutional theta inputs targets 6 0.0 1 before |> ignore
    let portable, expected =
        use _ = KernelSelection.Enter KernelPath.Portable
        let gradient = Array.zeroCreate<float> convolutional.ParameterCount
        costAndGradient convolutional theta inputs targets 6 0.0 1 gradient |> ignore
        gradient, Backprop.Gradient(network, Loss.BinaryCrossEntropy, Matrix<float>.Create(6, convolutional.InputSize, inputs), Matrix<float>.Create(6, 2, targets))
    Assert.Equal<float[]>(expected.Gradient.ToArray(), portable)
    let after = Array.zeroCreate<float> convolutional.ParameterCount
    costAndGradient convolutional theta inputs targets 6 0.0 1 after |> ignore
    Assert.Equal<float[]>(before, after)

/// Dropout, batch normalisation over a vector and over a convolution's channels, and state in two blocks.
let private regularised =
    Architecture.Input(2, 4, 4)
        .Conv2D(3, 3, 3, Activation.Tanh, stride = 1, padding = 1).BatchNorm().Dropout(0.3)
        .Dense(5, Activation.Tanh).BatchNorm().Dropout(0.5).Dense(2, Activation.Sigmoid)

/// Running statistics far from the initial ones: means in [−0.5, 0.5], variances in [0.5, 1.5].
let private statisticsFor (architecture: Architecture) (seed: int) =
    let random = Random(seed)
    let statistics = Array.zeroCreate<float> architecture.StateCount
    for l in 0 .. architecture.Stack.Length - 1 do
        let layer = architecture.Stack[l]
        for i in 0 .. layer.StateCount - 1 do
            statistics[architecture.StateOffset l + i] <- if i < layer.StateCount / 2 then random.NextDouble() - 0.5 else 0.5 + random.NextDouble()
    statistics

[<Theory>]
[<InlineData(1)>]
[<InlineData(7)>]
let ``inference with running statistics equals Network.Forward of a network holding them`` (rows: int) =
    let network, inputs, _ = case regularised rows 40
    let theta = network.Parameters.ToArray()
    let statistics = statisticsFor regularised 41
    let outputs = Array.zeroCreate<float> (rows * 2)
    GeneratedStacks.Forward<float>(regularised, ReadOnlySpan theta, ReadOnlySpan statistics, ReadOnlySpan inputs, Span outputs, rows)
    let withState = network.WithState(ParameterVector<float>.Create(ReadOnlySpan statistics))
    Assert.Equal<float[]>(Network.Forward(withState, Matrix<float>.Create(rows, regularised.InputSize, inputs)).AsSpan().ToArray(), outputs)

[<Fact>]
let ``a training pass equals the runtime trainer's pass with the same key and writes the same running statistics`` () =
    let rows = 6
    let network, inputs, targets = case regularised rows 42
    let theta = network.Parameters.ToArray()
    let statistics = statisticsFor regularised 43
    let key = 0x5EEDUL
    let gradient = Array.zeroCreate<float> regularised.ParameterCount
    let next = Array.zeroCreate<float> regularised.StateCount
    let cost =
        GeneratedStacks.TrainingCostAndGradient<float>(
            regularised, Loss.BinaryCrossEntropy, ReadOnlySpan theta, ReadOnlySpan inputs, ReadOnlySpan targets, rows, 0.2, 30, key, ReadOnlySpan statistics, Span next, Span gradient)
    // What the trainer's step runs (OptimizerSteps.ComputeGradient): the runtime's passes in a training step's mode.
    let expectedGradient = Array.zeroCreate<float> regularised.ParameterCount
    let expectedNext = Array.zeroCreate<float> regularised.StateCount
    let workspace = new Workspace<float>(regularised, rows)
    let expectedCost =
        Propagation.LossAndGradient<float>(
            regularised, ReadOnlySpan theta, Loss.BinaryCrossEntropy, ReadOnlySpan inputs, ReadOnlySpan targets, rows, 0.2, 30, workspace, Span expectedGradient, true,
            PassMode<float>.TrainingStep(key, ReadOnlySpan statistics, Span expectedNext))
    Assert.Equal(expectedCost, cost)
    Assert.Equal<float[]>(expectedGradient, gradient)
    Assert.Equal<float[]>(expectedNext, next)
    Assert.NotEqual<float[]>(statistics, next)
    // Another key draws other masks; key 0 is the objective that CostAndGradient differentiates.
    let objective = Array.zeroCreate<float> regularised.ParameterCount
    let objectiveCost = costAndGradient regularised theta inputs targets rows 0.2 30 objective
    let keyZero = Array.zeroCreate<float> regularised.ParameterCount
    let keyZeroCost =
        GeneratedStacks.TrainingCostAndGradient<float>(
            regularised, Loss.BinaryCrossEntropy, ReadOnlySpan theta, ReadOnlySpan inputs, ReadOnlySpan targets, rows, 0.2, 30, 0UL, ReadOnlySpan statistics, Span next, Span keyZero)
    Assert.Equal(objectiveCost, keyZeroCost)
    Assert.Equal<float[]>(objective, keyZero)
    Assert.NotEqual<float[]>(objective, gradient)

[<Fact>]
let ``batch normalisation's training pass gives the golden gradients and running statistics`` () =
    // Batch normalisation of 4×3 values under an identity dense layer (W = I, b = 0) and the quadratic cost with
    // targets y − 4 δ: then ∂C/∂y is the golden upstream δ, and ∂C/∂γ, ∂C/∂β and r' are the golden ones.
    let architecture = Architecture.Input(3).BatchNorm().Dense(3, Activation.Identity)
    let golden name = goldenValues (IO.File.ReadAllLines(testData "golden_toolkit.txt")) ("dense " + name)
    let x, gamma, beta, upstream, y = golden "x", golden "gamma", golden "beta", golden "upstream dC/dy", golden "y"
    let theta = Array.concat [ gamma; beta; [| 1.0; 0.0; 0.0; 0.0; 1.0; 0.0; 0.0; 0.0; 1.0 |]; Array.zeroCreate 3 ]
    let targets = Array.map2 (fun output delta -> output - 4.0 * delta) y upstream
    let statistics = [| 0.0; 0.0; 0.0; 1.0; 1.0; 1.0 |]
    let next = Array.zeroCreate<float> 6
    let gradient = Array.zeroCreate<float> architecture.ParameterCount
    GeneratedStacks.TrainingCostAndGradient<float>(
        architecture, Loss.Quadratic, ReadOnlySpan theta, ReadOnlySpan x, ReadOnlySpan targets, 4, 0.0, 1, 1UL, ReadOnlySpan statistics, Span next, Span gradient)
    |> ignore
    assertAllClose 1e-9 (golden "dC/dgamma") gradient[0..2]
    assertAllClose 1e-9 (golden "dC/dbeta") gradient[3..5]
    assertAllClose 1e-12 (golden "running mean after one step from 0") next[0..2]
    assertAllClose 1e-12 (golden "running variance after one step from 1 (unbiased batch variance)") next[3..5]

[<Fact>]
let ``a stack with running statistics refuses inference without them and bad statistics, naming the argument`` () =
    let network, inputs, targets = case regularised 2 44
    let theta = network.Parameters.ToArray()
    let outputs = Array.zeroCreate<float> 4
    let paramOf (action: unit -> unit) = (Assert.ThrowsAny<ArgumentException>(fun () -> action ())).ParamName
    Assert.Equal("architecture", paramOf (fun () -> GeneratedStacks.Forward<float>(regularised, ReadOnlySpan theta, ReadOnlySpan inputs, Span outputs, 2)))
    let forward (statistics: float[]) () = GeneratedStacks.Forward<float>(regularised, ReadOnlySpan theta, ReadOnlySpan statistics, ReadOnlySpan inputs, Span outputs, 2)
    Assert.Equal("statistics", paramOf (forward (Array.zeroCreate (regularised.StateCount + 1))))
    let negative = statisticsFor regularised 45
    negative[regularised.StateOffset 1 + 4] <- -0.5
    Assert.Equal("statistics", paramOf (forward negative))
    let next = Array.zeroCreate<float> (regularised.StateCount - 1)
    let gradient = Array.zeroCreate<float> regularised.ParameterCount
    let statistics = statisticsFor regularised 46
    Assert.Equal(
        "nextStatistics",
        paramOf (fun () ->
            GeneratedStacks.TrainingCostAndGradient<float>(
                regularised, Loss.BinaryCrossEntropy, ReadOnlySpan theta, ReadOnlySpan inputs, ReadOnlySpan targets, 2, 0.0, 1, 1UL, ReadOnlySpan statistics, Span next, Span gradient)
            |> ignore))

[<Fact>]
let ``a pass that an activation runs inside a pass of the same network on its thread leaves the outer pass its buffers`` () =
    let architecture = Architecture.Input(1, 6, 6).Conv2D(2, 3, 3, Activation.Elementwise<Nesting>()).MaxPool2D(2).Dense(3, Activation.Softmax)
    let rows = 5
    let network, inputs, _ = case architecture rows 31
    let theta = network.Parameters.ToArray()
    let otherInputs = inputs |> Array.map (fun v -> 0.5 - v)
    let forward (x: float[]) =
        let outputs = Array.zeroCreate<float> (rows * 3)
        GeneratedStacks.Forward<float>(architecture, ReadOnlySpan theta, ReadOnlySpan x, Span outputs, rows)
        outputs
    let expectedOuter = forward inputs
    let expectedInner = forward otherInputs
    Assert.NotEqual<float[]>(expectedOuter, expectedInner)
    let mutable innerOutputs = [||]
    runNext (fun () -> innerOutputs <- forward otherInputs)
    let outerOutputs = forward inputs
    Assert.True(ran (), "the activation did not run the inner pass")
    Assert.Equal<float[]>(expectedInner, innerOutputs)
    Assert.Equal<float[]>(expectedOuter, outerOutputs)
