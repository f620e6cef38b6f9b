/// Splitting a step's matrix products over threads: the result must not depend on the thread count, a run must
/// repeat itself bit for bit, and a steady-state step must allocate nothing.
module Nn.Tests.Kernels.ParallelTrainingTests

open System
open Nn
open Xunit

let private digits = lazy (let split = Digits.Load<float32>() in split.Train, split.Test)

/// Wide enough that every product is split (more multiply–adds than the parallel threshold, several column panels).
let private architecture = Architecture.Input(64).Dense(160, Activation.Relu).Dense(96, Activation.Tanh).Dense(10, Activation.Softmax)

let private train threads seed =
    let trainSet, _ = digits.Value
    let network = Network.Create<float32>(architecture, Initializer.He, 3UL)
    Trainer.Train(network, Loss.SoftmaxCrossEntropy, Adam(0.002), trainSet, TrainingOptions(2, 128, seed, Threads = threads))

[<Fact>]
let ``training on two threads gives bit-for-bit the network of one thread`` () =
    let one = train 1 11UL
    let two = train 2 11UL
    Assert.Equal<float32[]>(one.Network.Parameters.ToArray(), two.Network.Parameters.ToArray())
    Assert.Equal<EpochRecord seq>(one.History, two.History)

/// More parameters (38,410) than the optimiser step's split threshold, so the step itself is split over the threads too.
let private wide = Architecture.Input(64).Dense(512, Activation.Relu).Dense(10, Activation.Softmax)

[<Fact>]
let ``training a network large enough to split the optimiser step gives bit-for-bit the network of one thread`` () =
    let trainSet, _ = digits.Value
    let train (optimizer: Optimizer) threads =
        let network = Network.Create<float32>(wide, Initializer.He, 3UL)
        Trainer.Train(network, Loss.SoftmaxCrossEntropy, optimizer, trainSet, TrainingOptions(1, 64, 5UL, Threads = threads))
    for optimizer in [ Adam(0.002) :> Optimizer; Sgd(0.05) ] do
        let one = train optimizer 1
        for threads in [ 2; 3 ] do
            let many = train optimizer threads
            Assert.Equal<float32[]>(one.Network.Parameters.ToArray(), many.Network.Parameters.ToArray())
            Assert.Equal<EpochRecord seq>(one.History, many.History)

/// θ after `steps` unshuffled Adam steps of 32 samples on `threads` threads, with the run's split-or-alone chooser.
let private steps threads count =
    let trainSet, _ = digits.Value
    let rule = Adam(0.002)
    let start = Trainer.Start(Network.Create<float32>(architecture, Initializer.He, 3UL), rule, 1UL)
    use run = new TrainingRun<float32>(start, Loss.SoftmaxCrossEntropy, rule, trainSet, TrainingOptions(1, 32, 1UL, Shuffle = false, Threads = threads))
    for s in 0 .. count - 1 do
        let struct (_, failure) = run.Step(int64 (s + 1), s * 32, 32)
        Assert.Null failure
    let trials =
        match (run.Strategy :?> OptimizerSteps<float32>).Chooser, run.Pool with
        | null, _ | _, null -> None
        | chooser, pool -> Some(chooser.Trials, pool.AloneRegions > 0L)
    run.Parameters.ToArray(), trials

[<Fact>]
let ``mini-batch steps that ran both split and alone on two threads end bit for bit where one thread's steps end`` () =
    let count = StepSplitChooser.Recent + StepSplitChooser.TrialSteps + 5
    let one, noChooser = steps 1 count
    let two, chooser = steps 2 count
    Assert.True(noChooser.IsNone, "a one-thread run has no split-or-alone chooser")
    // A machine with one processor gives the two-thread run no worker, hence no chooser; the CI machine has two.
    if Environment.ProcessorCount >= 2 then
        // One trial, whose steps ran their regions on the calling thread alone.
        Assert.Equal(Some(1, true), chooser)
    Assert.Equal<float32[]>(one, two)

/// 64 rows of 256 inputs: a batch large enough to be gathered on both threads, the second gathering its own copy
/// (`InputMirror`), under a first layer wider than the batch, whose product is split by columns before region 1.
[<Fact>]
let ``training with the batch gathered twice on two threads gives bit-for-bit the network of one thread`` () =
    let samples, inputs = 400, 256
    let random = Random(8)
    let x = Matrix<float32>.Own(samples, inputs, Array.init (samples * inputs) (fun _ -> float32 (random.NextDouble())))
    let data = Dataset.FromLabels(x, Array.init samples (fun i -> (i * 7) % 10), 10)
    let shape = Architecture.Input(inputs).Dense(320, Activation.Relu).Dense(10, Activation.Softmax)
    let train threads =
        Trainer.Train(Network.Create<float32>(shape, Initializer.He, 2UL), Loss.SoftmaxCrossEntropy, Adam(0.002), data, TrainingOptions(2, 64, 6UL, Threads = threads))
    let one = train 1
    let two = train 2
    Assert.Equal<float32[]>(one.Network.Parameters.ToArray(), two.Network.Parameters.ToArray())
    Assert.Equal<EpochRecord seq>(one.History, two.History)

[<Fact>]
let ``training on three threads twice with the same seed gives the same run`` () =
    let first = train 3 4UL
    let second = train 3 4UL
    Assert.Equal(first, second)

/// Counts how often each part runs, and fails part 3 when asked to.
type private CountingWork(parts: int, failPart3: bool) =
    member val Runs = Array.zeroCreate<int> parts
    interface Nn.Kernels.IPartitionedWork with
        member this.Execute(part, _) =
            Threading.Interlocked.Increment(&this.Runs[part]) |> ignore
            Threading.Thread.SpinWait(2000)
            if failPart3 && part = 3 then invalidOp "part 3 failed"

[<Fact>]
let ``every part of a pool's work runs exactly once whichever thread claims it`` () =
    use pool = new Nn.Kernels.WorkerPool(3)
    for round in 1 .. 200 do
        let work = CountingWork(1 + round % 7, false)
        pool.Run(work, work.Runs.Length)
        Assert.All(work.Runs, fun runs -> Assert.Equal(1, runs))

[<Fact>]
let ``a failing part's exception reaches the caller and the pool keeps working`` () =
    use pool = new Nn.Kernels.WorkerPool(2)
    let error = Assert.Throws<InvalidOperationException>(fun () -> pool.Run(CountingWork(6, true), 6))
    Assert.Equal("part 3 failed", error.Message)
    let work = CountingWork(5, false)
    pool.Run(work, 5)
    Assert.All(work.Runs, fun runs -> Assert.Equal(1, runs))

[<Fact>]
let ``a thread count just past the limit is rejected and the limit itself accepted`` () =
    let message = Nn.Tests.Helpers.messageOf<ArgumentOutOfRangeException> (fun () -> TrainingOptions(1, Threads = Limits.MaxThreads + 1) |> ignore)
    Assert.Contains("Threads must be in 1..256 (Limits.MaxThreads), but is 257", message)
    Assert.Equal(Limits.MaxThreads, TrainingOptions(1, Threads = Limits.MaxThreads).Threads)

/// Fewest bytes any of five windows of 100 steps allocates on this thread, after 20 warm-up steps (Helpers.fewestStepBytes says why the fewest).
let private stepAllocation (threads: int) (optimizer: Optimizer) (batch: int) =
    let trainSet, _ = digits.Value
    let network = Network.Create<float32>(architecture, Initializer.He, 5UL)
    let state = Trainer.Start(network, optimizer, 1UL)
    use run = new TrainingRun<float32>(state, Loss.SoftmaxCrossEntropy, optimizer, trainSet, TrainingOptions(1, batch, 1UL, Threads = threads))
    run.Load state
    Nn.Tests.Helpers.fewestStepBytes run trainSet.Count batch 20 5 100

[<Theory>]
[<InlineData(1, 1)>]
[<InlineData(1, 128)>]
[<InlineData(2, 128)>]
let ``a steady-state training step allocates nothing`` (threads: int, batch: int) =
    Assert.Equal(0L, stepAllocation threads (Adam(0.001)) batch)
    Assert.Equal(0L, stepAllocation threads (Sgd(0.1)) batch)
