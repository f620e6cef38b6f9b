/// Per-sample SGD with the first layer's updates deferred to the end of a block, against one sample at a time.
module Nn.Tests.Training.DeferredSgdTests

open System
open System.Numerics
open Nn
open Nn.Tests.Helpers
open Xunit

/// A regression data set of random inputs in [0, 1) (the scale of pixel data) and targets fitting the loss.
let private randomData (samples: int) (inputs: int) (outputs: int) (oneHot: bool) (seed: int) =
    let random = Random seed
    let x = Array.init samples (fun _ -> Array.init inputs (fun _ -> random.NextDouble()))
    let y =
        Array.init samples (fun i ->
            if oneHot then Array.init outputs (fun k -> if k = i % outputs then 1.0 else 0.0)
            else Array.init outputs (fun _ -> random.NextDouble()))
    x, y

let private dataset (x: float[][], y: float[][]) = Dataset.FromTargets(matrix x, matrix y)

let private dataset32 (x: float[][], y: float[][]) =
    let rows (values: float[][]) =
        Matrix<float32>.FromRows(values |> Array.map (fun r -> Array.map float32 r :> Collections.Generic.IReadOnlyList<float32>))
    Dataset.FromTargets(rows x, rows y)

/// θ after the given epochs of per-sample SGD, with samples taken block at a time (0: one at a time).
let private trainOn<'T when 'T: unmanaged and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>>
    (threads: int) (architecture: Architecture) (loss: Loss) (data: Dataset<'T>) (epochs: int) (block: int) : TrainingState<'T> =
    let rule = Sgd 0.2
    let network = Network.Create<'T>(architecture, Initializer.Xavier, 7UL)
    let options = TrainingOptions(epochs, 1, 3UL, Threads = threads)
    use run = new TrainingRun<'T>(Trainer.Start(network, rule, 3UL), loss, rule, data, options, Nullable block)
    let mutable state = Trainer.Start(network, rule, 3UL)
    for _ in 1 .. epochs do
        let struct (next, failure, _) = run.Epoch(state, null, null)
        Assert.Null failure
        state <- next
    state

let private train<'T when 'T: unmanaged and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>> =
    trainOn<'T> 1

let private setups =
    [| Architecture.Input(40).Dense(13, Activation.Sigmoid).Dense(4, Activation.Sigmoid), Loss.Quadratic, false
       Architecture.Input(40).Dense(13, Activation.Relu).Dense(7, Activation.Tanh).Dense(3, Activation.Softmax), Loss.SoftmaxCrossEntropy, true
       Architecture.Input(40).Dense(11, Activation.Tanh, false).Dense(6, Activation.Sigmoid, false), Loss.BinaryCrossEntropy, false
       Architecture.Input(40).Dense(5, Activation.Softmax), Loss.SoftmaxCrossEntropy, true |]

[<Theory>]
[<InlineData(0, 2)>]
[<InlineData(0, 8)>]
[<InlineData(1, 8)>]
[<InlineData(2, 8)>]
[<InlineData(3, 8)>]
[<InlineData(1, 53)>]
let ``deferred blocks of per-sample SGD give the one-sample-at-a-time networks within double rounding`` (setup: int, block: int) =
    let architecture, loss, oneHot = setups[setup]
    // 53 samples: the last block of every epoch is shorter than the others.
    let data = randomData 53 40 architecture.OutputSize oneHot setup |> dataset
    let expected = train<float> architecture loss data 3 0
    let actual = train<float> architecture loss data 3 block
    assertAllClose 1e-11 (expected.Network.Parameters.ToArray()) (actual.Network.Parameters.ToArray())
    Assert.Equal(expected.OptimizerState.Step, actual.OptimizerState.Step)
    Array.iter2 (fun (e: EpochRecord) (a: EpochRecord) -> assertClose 1e-11 e.TrainCost a.TrainCost) (Seq.toArray expected.History) (Seq.toArray actual.History)

[<Fact>]
let ``deferred blocks in float stay within float rounding of one sample at a time`` () =
    let architecture, loss, oneHot = setups[1]
    let data = randomData 53 40 architecture.OutputSize oneHot 9 |> dataset32
    let expected = train<float32> architecture loss data 3 0
    let actual = train<float32> architecture loss data 3 16
    let widen (s: TrainingState<float32>) = s.Network.Parameters.ToArray() |> Array.map float
    assertAllClose 1e-4 (widen expected) (widen actual)

[<Fact>]
let ``a block that diverges stops at the sample where one sample at a time stops and hands back a finite network`` () =
    let architecture = Architecture.Input(2).Dense(3, Activation.Relu).Dense(1, Activation.Identity)
    let network = Network.Create<float>(architecture, Initializer.He, 1UL)
    let data = Dataset.FromTargets(matrix [| [| 1e3; -2e3 |]; [| 3e3; 1e3 |]; [| -1e3; 2e3 |] |], matrix [| [| 1e3 |]; [| -1e3 |]; [| 5e2 |] |])
    let rule = Sgd 10.0
    let run (block: int) =
        use training = new TrainingRun<float>(Trainer.Start(network, rule, 1UL), Loss.Quadratic, rule, data, TrainingOptions(50, 1, 1UL), Nullable block)
        let mutable state = Trainer.Start(network, rule, 1UL)
        let mutable failure = null
        while isNull failure do
            let struct (next, why, _) = training.Epoch(state, null, null)
            state <- next
            failure <- why
        state, failure
    let expected, expectedFailure = run 0
    let actual, actualFailure = run 3
    Assert.Equal(expectedFailure, actualFailure)
    Assert.Equal(expected.EpochsCompleted, actual.EpochsCompleted)
    Assert.True(actual.Network.Parameters.ToArray() |> Array.forall Double.IsFinite)
    assertAllClose 1e-9 (expected.Network.Parameters.ToArray()) (actual.Network.Parameters.ToArray())

[<Fact>]
let ``the training loop defers only where the first layer is wide`` () =
    Assert.Equal(32, DeferredSgd<float32>.BlockSizeFor(Architecture.Input(784).Dense(100, Activation.Sigmoid).Dense(10, Activation.Sigmoid)))
    Assert.Equal(0, DeferredSgd<float32>.BlockSizeFor(Architecture.Input(3).Dense(2, Activation.Sigmoid).Dense(1, Activation.Sigmoid)))

[<Fact>]
let ``the training loop defers from 4,096 first-layer weights and 32 inputs on, and needs both`` () =
    let blockFor (inputs: int) (hidden: int) =
        DeferredSgd<float>.BlockSizeFor(Architecture.Input(inputs).Dense(hidden, Activation.Sigmoid).Dense(2, Activation.Sigmoid))
    Assert.Equal(32, blockFor 32 128)
    Assert.Equal(0, blockFor 32 127)
    Assert.Equal(0, blockFor 31 200)

[<Fact>]
let ``per-sample SGD counts each sample's prediction before its own update, one sample at a time and in deferred blocks`` () =
    // A rate of 1e-300 moves no weight by a bit, so every prediction of the epoch is the starting network's.
    let architecture = Architecture.Input(40).Dense(13, Activation.Sigmoid).Dense(3, Activation.Softmax)
    let random = Random 8
    let x = Array.init 53 (fun _ -> Array.init 40 (fun _ -> random.NextDouble()))
    // Classes 1 and 2 only: predictions left at class 0 would score nothing.
    let y = Array.init 53 (fun i -> Array.init 3 (fun k -> if k = (if x[i][0] > 0.5 then 1 else 2) then 1.0 else 0.0))
    let data = dataset (x, y)
    let accuracy = Evaluation.Accuracy(Network.Create<float>(architecture, Initializer.Xavier, 7UL), data)
    Assert.True(accuracy > 0.0, $"the starting network's accuracy is {accuracy}")
    let epochOf (block: int) =
        let rule = Sgd 1e-300
        let network = Network.Create<float>(architecture, Initializer.Xavier, 7UL)
        use run = new TrainingRun<float>(Trainer.Start(network, rule, 3UL), Loss.SoftmaxCrossEntropy, rule, data, TrainingOptions(1, 1, 3UL), Nullable block)
        let struct (after, failure, _) = run.Epoch(Trainer.Start(network, rule, 3UL), null, null)
        Assert.Null failure
        after.History[0].TrainAccuracy
    Assert.Equal(accuracy, epochOf 0)
    Assert.Equal(accuracy, epochOf 16)

[<Fact>]
let ``a run in deferred blocks takes each block's deferred step, bit for bit`` () =
    // 16 samples in blocks of 8, in order: one epoch is two blocks of DeferredSgd from the starting network.
    let architecture, loss, oneHot = setups[1]
    let x, y = randomData 16 40 architecture.OutputSize oneHot 12
    let network = Network.Create<float>(architecture, Initializer.Xavier, 7UL)
    let rule = Sgd 0.2
    use run = new TrainingRun<float>(Trainer.Start(network, rule, 3UL), loss, rule, dataset (x, y), TrainingOptions(1, 1, 3UL, Shuffle = false), Nullable 8)
    let struct (after, failure, _) = run.Epoch(Trainer.Start(network, rule, 3UL), null, null)
    Assert.Null failure
    let deferred = DeferredSgd<float>(architecture, loss, 0.2, 8)
    let workspace = Workspace<float>(architecture, 8, null)
    let blockFrom (theta: float[]) (first: int) =
        let next = Array.zeroCreate<float> theta.Length
        let rows (values: float[][]) = values[first .. first + 7] |> Array.concat
        let finite =
            deferred.TryRun(ReadOnlySpan theta, ReadOnlySpan(rows x), ReadOnlySpan(rows y), 8, Span next, Span(Array.zeroCreate<float> 8), Span(Array.zeroCreate<int> 8), workspace, Span(Array.zeroCreate<float> theta.Length))
        Assert.True finite
        next
    let expected = blockFrom (blockFrom (network.Parameters.ToArray()) 0) 8
    Assert.Equal<float>(expected, after.Network.Parameters.ToArray())

[<Fact>]
let ``a float block whose Gram matrix overflows is replayed one sample at a time, giving that run's costs, accuracy and network bit for bit`` () =
    // Inputs of ±1e20: xᵢ · xⱼ is past float's range where W¹x is not, and every hidden sigmoid saturates (σ' = 0), so
    // each block meets ∞ · 0 at its second sample and is replayed from θ; 50 samples in blocks of 16 leave no block of one.
    let architecture = Architecture.Input(40).Dense(13, Activation.Sigmoid).Dense(3, Activation.Softmax)
    let random = Random 10
    let x = Array.init 50 (fun _ -> Array.init 40 (fun _ -> if random.NextDouble() < 0.5 then -1e20 else 1e20))
    let y = Array.init 50 (fun i -> Array.init 3 (fun k -> if k = 1 + (i % 2) then 1.0 else 0.0))
    let data = dataset32 (x, y)
    let expected = train<float32> architecture Loss.SoftmaxCrossEntropy data 2 0
    Assert.True(expected.History[1].TrainAccuracy > 0.0)
    Assert.Equal(expected, train<float32> architecture Loss.SoftmaxCrossEntropy data 2 16)

[<Fact>]
let ``deferred blocks on two threads give bit-for-bit the network of one thread`` () =
    let architecture, loss, oneHot = setups[1]
    let data = randomData 53 40 architecture.OutputSize oneHot 4 |> dataset32
    Assert.Equal(trainOn<float32> 1 architecture loss data 2 16, trainOn<float32> 2 architecture loss data 2 16)

[<Theory>]
[<InlineData(2)>]
[<InlineData(3)>]
let ``deferred blocks whose first-layer update is split over threads give bit-for-bit the network of one thread`` (threads: int) =
    // 300 × 121 = 36,300 first-layer weights: above the split threshold, and not a whole number of aligned ranges.
    let architecture = Architecture.Input(300).Dense(121, Activation.Sigmoid).Dense(10, Activation.Sigmoid)
    let data = randomData 70 300 10 true 5 |> dataset32
    Assert.Equal(trainOn<float32> 1 architecture Loss.Quadratic data 2 32, trainOn<float32> threads architecture Loss.Quadratic data 2 32)

[<Fact>]
let ``deferred blocks under the small-batch size, split over threads, give the one-thread network bit for bit`` () =
    // Blocks of 3 rows (under DenseKernels.SmallBatch): one thread multiplies them by dot products, and so must two.
    let architecture = Architecture.Input(300).Dense(121, Activation.Sigmoid).Dense(10, Activation.Sigmoid)
    let data = randomData 12 300 10 true 5 |> dataset32
    Assert.Equal(trainOn<float32> 1 architecture Loss.Quadratic data 1 3, trainOn<float32> 2 architecture Loss.Quadratic data 1 3)

[<Theory>]
[<InlineData(2, 0)>]
[<InlineData(2, 36_299)>]
[<InlineData(3, 18_000)>]
let ``a non-finite first-layer weight in any range of the split update fails the block, as on one thread`` (threads: int) (position: int) =
    let architecture = Architecture.Input(300).Dense(121, Activation.Sigmoid).Dense(10, Activation.Sigmoid)
    let theta = Network.Create<float32>(architecture, Initializer.Xavier, 7UL).Parameters.ToArray()
    // σ(+∞) = 1 and σ' = 0 there, so every cost and the layers above stay finite; only W¹' = W¹ + Σ updates is not.
    theta[architecture.WeightOffset 0 + position] <- Single.PositiveInfinity
    let random = Random 6
    let x = Array.init (32 * 300) (fun _ -> float32 (0.01 + random.NextDouble()))
    let y = Array.init (32 * 10) (fun i -> if i % 10 = (i / 10) % 10 then 1.0f else 0.0f)
    let runOn (team: Nn.Kernels.GemmTeam<float32> option) =
        let deferred = DeferredSgd<float32>(architecture, Loss.Quadratic, 0.1f, 32)
        let workspace = Workspace<float32>(architecture, 32, Option.toObj team)
        let next = Array.zeroCreate<float32> theta.Length
        deferred.TryRun(ReadOnlySpan theta, ReadOnlySpan x, ReadOnlySpan y, 32, Span next, Span(Array.zeroCreate<float> 32), Span(Array.zeroCreate<int> 32), workspace, Span(Array.zeroCreate<float32> theta.Length))
    use pool = new Nn.Kernels.WorkerPool(threads)
    Assert.False(runOn None)
    Assert.False(runOn (Some(Nn.Kernels.GemmTeam<float32>(pool))))

/// One block of `DeferredSgd` at the given rate run directly on one thread from θ: whether it stayed finite, and each sample's cost.
let private blockFrom (architecture: Architecture) (theta: float[]) (rate: float) (x: float[]) (y: float[]) (count: int) =
    let deferred = DeferredSgd<float>(architecture, Loss.Quadratic, rate, count)
    let workspace = Workspace<float>(architecture, count, null)
    let costs = Array.zeroCreate<float> count
    let finite =
        deferred.TryRun(ReadOnlySpan theta, ReadOnlySpan x, ReadOnlySpan y, count, Span(Array.zeroCreate<float> theta.Length), Span costs, Span(Array.zeroCreate<int> count), workspace, Span(Array.zeroCreate<float> theta.Length))
    finite, costs

[<Fact>]
let ``a block whose last sample's cost overflows is refused even though its update stays finite`` () =
    let architecture = Architecture.Input(40).Dense(13, Activation.Sigmoid).Dense(1, Activation.Identity)
    let theta = Network.Create<float>(architecture, Initializer.Xavier, 7UL).Parameters.ToArray()
    let random = Random 11
    let x = Array.init 80 (fun _ -> random.NextDouble())
    // ½ (a − 1e160)² is past double's range, but a − 1e160 and every update made from it are not; with 1e150 the cost
    // is finite too, and the same block is taken.
    let finite, costs = blockFrom architecture theta 0.1 x [| 0.5; 1e160 |] 2
    Assert.False finite
    Assert.Equal(Double.PositiveInfinity, costs[1])
    let finite, costs = blockFrom architecture theta 0.1 x [| 0.5; 1e150 |] 2
    Assert.True finite
    Assert.True(Double.IsFinite costs[1])

[<Fact>]
let ``a block that starts from an infinite first-layer weight is refused`` () =
    let architecture = Architecture.Input(40).Dense(13, Activation.Sigmoid).Dense(1, Activation.Identity)
    let theta = Network.Create<float>(architecture, Initializer.Xavier, 7UL).Parameters.ToArray()
    // Every input is positive, so the unit's σ(+∞) = 1 and σ' = 0: the costs and the layers above stay finite, and only
    // W¹' = W¹ + Σ updates is not.
    theta[5] <- Double.PositiveInfinity
    let random = Random 13
    let finite, costs = blockFrom architecture theta 0.1 (Array.init 80 (fun _ -> 0.01 + random.NextDouble())) [| 0.5; 0.25 |] 2
    Assert.True(Array.forall Double.IsFinite costs)
    Assert.False finite

/// One input, one hidden unit, one output: θ = (W¹, b¹, W², b²), each set by hand.
let private tiny (hidden: Activation) = Architecture.Input(1).Dense(1, hidden).Dense(1, Activation.Identity)

[<Fact>]
let ``a block whose output layer alone becomes infinite is refused`` () =
    // σ(1001) = 1 exactly, so σ' = 0 and the first layer does not move; the cost ½ (0.5 − 1e150)² is finite, but a rate
    // of 1e160 times δ = 0.5 − 1e150 is not.
    let finite, _ = blockFrom (tiny Activation.Sigmoid) [| 1.0; 1000.0; 0.5; 0.0 |] 1e160 [| 1.0 |] [| 1e150 |] 1
    Assert.False finite
    let finite, _ = blockFrom (tiny Activation.Sigmoid) [| 1.0; 1000.0; 0.5; 0.0 |] 1e140 [| 1.0 |] [| 1e150 |] 1
    Assert.True finite

[<Fact>]
let ``a block whose first-layer bias alone becomes infinite is refused`` () =
    // z¹ = −1.5e308 · 1 + 1.5e308 = 0, so the output is b² = 0 and the cost ½ (0 − 1)² is small; δ¹ = W² δ² = −1, so
    // b¹ − 1e308 δ¹ passes double's largest value while W¹ − 1e308 δ¹ x comes back from it and W² (a¹ = 0) stays.
    let theta = [| -1.5e308; 1.5e308; 1.0; 0.0 |]
    let finite, costs = blockFrom (tiny Activation.Identity) theta 1e308 [| 1.0 |] [| 1.0 |] 1
    Assert.Equal(0.5, costs[0])
    Assert.False finite
    let finite, _ = blockFrom (tiny Activation.Identity) theta 1e307 [| 1.0 |] [| 1.0 |] 1
    Assert.True finite

[<Fact>]
let ``a block too large for its products or its Gram matrix is refused, naming which`` () =
    let wide = Architecture.Input(40).Dense(100, Activation.Sigmoid).Dense(2, Activation.Sigmoid)
    let products = Assert.Throws<ArgumentException>(fun () -> DeferredSgd<float>(wide, Loss.Quadratic, 0.1, 30_000_000) |> ignore)
    Assert.StartsWith("a block of samples through the first layer: 30000000 × 100", products.Message)
    let narrow = Architecture.Input(40).Dense(2, Activation.Sigmoid).Dense(2, Activation.Sigmoid)
    let gram = Assert.Throws<ArgumentException>(fun () -> DeferredSgd<float>(narrow, Loss.Quadratic, 0.1, 50_000) |> ignore)
    Assert.StartsWith("a block's Gram matrix: 50000 × 50000", gram.Message)
