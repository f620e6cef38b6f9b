/// Dense mini-batch steps cut into a fixed number of shares of the batch: the count depends on the network and the
/// rows alone, and every thread count gives the same bits.
module Nn.Tests.Training.BatchShareStepsTests

open System
open Nn
open Nn.Kernels
open Xunit

let private networkB = Architecture.Input(784).Dense(256, Activation.Relu).Dense(128, Activation.Relu).Dense(10, Activation.Softmax)

/// Odd widths (rows that are not whole vectors) and a sigmoid, big enough to be cut at 128 rows.
let private odd = Architecture.Input(197).Dense(97, Activation.Sigmoid).Dense(33, Activation.Tanh).Dense(10, Activation.Softmax)

/// `count` random samples of `architecture`'s input width with one-hot targets.
let private dataFor (architecture: Architecture) (count: int) (toT: float -> 'T) =
    let random = Random 9
    let classes = architecture.OutputSize
    let x = Array.init count (fun _ -> Array.init architecture.InputSize (fun _ -> toT (random.NextDouble())))
    let y = Array.init count (fun i -> Array.init classes (fun k -> if k = (i * 7) % classes then toT 1.0 else toT 0.0))
    let rows (values: 'T[][]) = Matrix<'T>.FromRows(values |> Array.map (fun row -> row :> Collections.Generic.IReadOnlyList<'T>))
    Dataset.FromTargets(rows x, rows y)

/// The run's strategy with this many threads, batch size and L2.
let private strategyOf (architecture: Architecture) (threads: int) (batch: int) (l2: float) (rule: Optimizer) =
    let data = dataFor architecture (max batch 300) float32
    let state = Trainer.Start(Network.Create<float32>(architecture, Initializer.He, 1UL), rule, 1UL)
    use run = new TrainingRun<float32>(state, Loss.SoftmaxCrossEntropy, rule, data, TrainingOptions(1, batch, 1UL, Threads = threads, L2 = l2))
    run.Strategy

[<Fact>]
let ``a batch is cut into the largest power of two up to four shares of at least 64 rows`` () =
    for rows, shares in [ 127, 1; 128, 2; 200, 2; 255, 2; 256, 4; 257, 4; 1024, 4 ] do
        Assert.Equal(shares, BatchShareSteps<float32>.Shares(networkB, rows))

[<Fact>]
let ``a network too small to gain from a second thread, or one with convolutions, is not cut`` () =
    let small = Architecture.Input(20).Dense(16, Activation.Relu).Dense(4, Activation.Softmax)
    Assert.Equal(1, BatchShareSteps<float32>.Shares(small, 512))
    let conv = Architecture.Input(1, 28, 28).Conv2D(4, 5, 5, Activation.Relu).MaxPool2D(2).Dense(10, Activation.Softmax)
    Assert.Equal(1, BatchShareSteps<float32>.Shares(conv, 512))

[<Fact>]
let ``the strategy and its share count are the same on one, two and three threads`` () =
    for threads in [ 1; 2; 3 ] do
        match strategyOf networkB threads 128 0.0 (Adam 1e-3) with
        | :? BatchShareSteps<float32> as steps ->
            for rows, shares in [ 128, 2; 96, 1; 64, 1 ] do
                Assert.Equal(shares, steps.SharesOf rows)
        | other -> failwith $"{threads} threads took {other.GetType().Name}"

[<Fact>]
let ``L2, a data-parallel run or a rule that updates θ as a whole keeps the whole-batch steps`` () =
    Assert.IsType<OptimizerSteps<float32>>(strategyOf networkB 2 128 0.5 (Adam 1e-3)) |> ignore
    Assert.IsType<OptimizerSteps<float32>>(strategyOf networkB 2 64 0.0 (Adam 1e-3)) |> ignore
    Assert.IsType<OptimizerSteps<float32>>(strategyOf networkB 2 128 0.0 (Momentum(0.1, 0.9))) |> ignore
    Assert.IsType<BatchShareSteps<float32>>(strategyOf networkB 1 128 0.0 (Sgd 0.1)) |> ignore

/// Two epochs of `Trainer.Train` on `threads` threads: the parameters and the history's training costs.
let private train (architecture: Architecture) (toT: float -> 'T) (count: int) (batch: int) (rule: Optimizer) (threads: int) =
    let data = dataFor architecture count toT
    let result =
        Trainer.Train(Network.Create<'T>(architecture, Initializer.He, 3UL), Loss.SoftmaxCrossEntropy, rule, data, TrainingOptions(2, batch, 5UL, Threads = threads))
    result.Network.Parameters.ToArray(), result.History |> Seq.map (fun record -> record.TrainCost) |> Array.ofSeq

[<Theory>]
[<InlineData(2)>]
[<InlineData(3)>]
let ``training in shares gives one thread's bits on more threads, in float and double, with uneven shares and a remainder batch`` (threads: int) =
    // 700 samples in batches of 257 (four shares of 64 or 65 rows) leave a batch of 186 (two shares of 93); batches
    // of 200 leave one of 100, too short for two shares.
    for architecture, count, batch in [ networkB, 700, 257; odd, 700, 200 ] do
        for rule in [ Adam 1e-3 :> Optimizer; Sgd 0.05 ] do
            let one = train architecture float32 count batch rule 1
            Assert.Equal(one, train architecture float32 count batch rule threads)
            let oneDouble = train architecture float count batch rule 1
            Assert.Equal(oneDouble, train architecture float count batch rule threads)

[<Fact>]
let ``training in shares gives one thread's bits on two threads on every kernel path`` () =
    // Each path's GEMM must add a share's sum to the sum before it as the two threads' separate buffers are added.
    let data = dataFor odd 300 float32
    for path in KernelSelection.Supported() do
        let trainOn threads =
            let options = TrainingOptions(1, 140, 5UL, Threads = threads, Kernels = path)
            Trainer.Train(Network.Create<float32>(odd, Initializer.He, 3UL), Loss.SoftmaxCrossEntropy, Adam 1e-3, data, options).Network.Parameters.ToArray()
        Assert.Equal<float32[]>(trainOn 1, trainOn 2)

[<Fact>]
let ``a step in shares takes the batch-mean gradient of the whole batch, up to rounding`` () =
    // One Adam step from the same state in shares and as one batch (L2 so small it only changes the strategy).
    let data = dataFor odd 256 float
    let rule = Sgd 0.5
    let state = Trainer.Start(Network.Create<float>(odd, Initializer.He, 2UL), rule, 1UL)
    let stepWith l2 =
        use run = new TrainingRun<float>(state, Loss.SoftmaxCrossEntropy, rule, data, TrainingOptions(1, 256, 1UL, Shuffle = false, L2 = l2))
        run.Load state
        let struct (cost, failure) = run.Step(1L, 0, 256)
        Assert.Null failure
        cost, run.Parameters.ToArray(), run.Strategy
    let cost, shared, strategy = stepWith 0.0
    let wholeCost, whole, wholeStrategy = stepWith 1e-300
    Assert.IsType<BatchShareSteps<float>>(strategy) |> ignore
    Assert.IsType<OptimizerSteps<float>>(wholeStrategy) |> ignore
    Assert.Equal(wholeCost, cost, 12)
    let before = state.Network.Parameters.ToArray()
    for i in 0 .. shared.Length - 1 do
        Assert.True(abs (shared[i] - whole[i]) <= 1e-12 * (1.0 + abs (before[i] - whole[i])), $"parameter {i}: {shared[i]} against {whole[i]}")
    Assert.NotEqual<float[]>(before, shared)

[<Theory>]
[<InlineData(1)>]
[<InlineData(2)>]
let ``a steady-state step in shares allocates nothing`` (threads: int) =
    let data = dataFor networkB 1000 float32
    let rule = Adam 1e-3
    let state = Trainer.Start(Network.Create<float32>(networkB, Initializer.He, 5UL), rule, 1UL)
    use run = new TrainingRun<float32>(state, Loss.SoftmaxCrossEntropy, rule, data, TrainingOptions(1, 128, 1UL, Threads = threads))
    run.Load state
    Assert.IsType<BatchShareSteps<float32>>(run.Strategy) |> ignore
    Assert.Equal(0L, Nn.Tests.Helpers.fewestStepBytes run data.Count 128 5 3 20)
