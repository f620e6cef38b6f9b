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

[<Fact>]
let ``training on three threads twice with the same seed gives the same run`` () =
    let first = train 3 4UL
    let second = train 3 4UL
    Assert.Equal(first, second)

[<Fact>]
let ``a thread count below one is rejected`` () =
    let message = Nn.Tests.Helpers.messageOf<ArgumentOutOfRangeException> (fun () -> TrainingOptions(1, Threads = 0) |> ignore)
    Assert.Contains("Threads must be positive, but is 0", message)

/// Bytes 100 steps allocate on this thread, after 20 warm-up steps have compiled everything.
let private stepAllocation (threads: int) (optimizer: Optimizer) (batch: int) =
    let trainSet, _ = digits.Value
    let network = Network.Create<float32>(architecture, Initializer.He, 5UL)
    let state = Trainer.Start(network, optimizer, 1UL)
    use run = new TrainingRun<float32>(state, Loss.SoftmaxCrossEntropy, optimizer, trainSet, TrainingOptions(1, batch, 1UL, Threads = threads))
    run.Load state
    let steps (first: int) count =
        for s in first .. first + count - 1 do
            let struct (_, failure) = run.Step(int64 s, (s * batch) % (trainSet.Count - batch), batch)
            Assert.Null failure
    steps 1 20
    let before = GC.GetAllocatedBytesForCurrentThread()
    steps 21 100
    GC.GetAllocatedBytesForCurrentThread() - before

[<Theory>]
[<InlineData(1, 1)>]
[<InlineData(1, 128)>]
[<InlineData(2, 128)>]
let ``a steady-state training step allocates nothing`` (threads: int, batch: int) =
    Assert.Equal(0L, stepAllocation threads (Adam(0.001)) batch)
    Assert.Equal(0L, stepAllocation threads (Sgd(0.1)) batch)
