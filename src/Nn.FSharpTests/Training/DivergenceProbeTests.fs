/// The divergence probe of a training set larger than TrainingOptions.DivergenceProbeSamples: rows spread evenly over
/// the set, read in place one measuring group at a time, with the bits a measurement of a copy of them gives.
module Nn.Tests.Training.DivergenceProbeTests

open System
open Nn
open Nn.Kernels
open Nn.Tests.Helpers
open Xunit

let private samples = TrainingOptions.DivergenceProbeSamples

/// 5,000 samples of 12 inputs in 3 classes: more than the probe takes, and not a multiple of it.
let private large =
    lazy
        (let random = Random 5
         let x = Array.init 5000 (fun _ -> Array.init 12 (fun _ -> random.NextDouble() * 2.0 - 1.0))
         let labels = x |> Array.map (fun r -> if r[0] + r[1] > 0.3 then 0 elif r[2] > 0.0 then 1 else 2)
         Dataset.FromLabels(matrix x, labels, 3))

/// The probe of data for rank of ranks, which must not be the whole set.
let private probeOf (data: Dataset<float>) rank ranks (pool: WorkerPool | null) =
    match DivergenceProbe<float>.Spread(data, false, rank, ranks, pool) with
    | null -> failwith "the whole set is the probe"
    | probe -> probe

let private spread (count: int) = Array.init samples (fun i -> int (int64 i * int64 count / int64 samples))

/// The rows of every group of groupRows the probe hands out, one after the other.
let private groups (probe: DivergenceProbe<float>) groupRows =
    [| for start in 0..groupRows .. probe.Count - 1 do
           let group = probe.Group(start, groupRows)
           yield! [ for r in 0 .. group.Count - 1 -> group.Inputs.RowArray(r), group.Targets.RowArray(r), group.Labels[r] ] |]

[<Fact>]
let ``a training set of at most the probe's size, or measured exactly, is its own probe`` () =
    let data = large.Value
    Assert.Null(DivergenceProbe<float>.Spread(data, true, 0, 1, null))
    Assert.Null(DivergenceProbe<float>.Spread(data.Select(ReadOnlySpan(Array.init samples id)), false, 0, 1, null))
    Assert.NotNull(DivergenceProbe<float>.Spread(data.Select(ReadOnlySpan(Array.init (samples + 1) id)), false, 0, 1, null))

[<Fact>]
let ``the probe's groups hold the evenly spread rows in order, with a shorter last group`` () =
    let data = large.Value
    let copy = data.Select(ReadOnlySpan(spread data.Count))
    let expected = [| for r in 0 .. copy.Count - 1 -> copy.Inputs.RowArray(r), copy.Targets.RowArray(r), copy.Labels[r] |]
    use pool = new WorkerPool(2)
    for threads in [ None; Some pool ] do
        // 4,096 rows in groups of 300 leave a last group of 196; of 256, none.
        for groupRows in [ 300; 256 ] do
            let probe = probeOf data 0 1 (Option.toObj threads)
            Assert.Equal(samples, probe.Count)
            Assert.Equal<(float[] * float[] * int)[]>(expected, groups probe groupRows)

[<Fact>]
let ``the ranks' probes are their shares of the one-process probe, in rank order`` () =
    let data = large.Value
    let whole = groups (probeOf data 0 1 null) 256
    let shares = [| for rank in 0..2 do yield! groups (probeOf data rank 3 null) 256 |]
    Assert.Equal<(float[] * float[] * int)[]>(whole, shares)

[<Fact>]
let ``a run's objective on a large training set has the bits of a measurement of a copy of the probe's rows`` () =
    let data = large.Value
    let architecture = Architecture.Input(12).Dense(16, Activation.Relu).Dense(3, Activation.Softmax)
    let network = Network.Create<float>(architecture, Initializer.He, 4UL)
    let copy = data.Select(ReadOnlySpan(spread data.Count))
    let counts = Array.zeroCreate (Evaluation.CountsLength 3)
    let sum =
        Evaluation.Measure<float>(
            architecture, network.Parameters.AsSpan(), network.State.AsSpan(), copy, MeasuringBuffers<float>(architecture, 256, null), Span counts, Loss.SoftmaxCrossEntropy)
    let expected = sum / float samples
    let rule = Adam 0.01
    let state = Trainer.Start(network, rule, 1UL)
    for threads in [ 1; 2 ] do
        use run = new TrainingRun<float>(state, Loss.SoftmaxCrossEntropy, rule, data, TrainingOptions(1, 32, 1UL, Threads = threads))
        let objective = run.Objective state
        Assert.True(BitConverter.DoubleToInt64Bits expected = BitConverter.DoubleToInt64Bits objective, sprintf "%d threads: %.17g against %.17g" threads objective expected)
