/// What each rank of a test job runs, and the same work in one process without MPI, so the tests can compare them.
/// A scenario writes its results as text lines: one "step" line per optimiser step (cost and SHA-256 of θ), then θ.
module Nn.Distributed.Tests.Scenarios

open System
open System.Globalization
open System.IO
open System.Numerics
open System.Runtime.InteropServices
open System.Security.Cryptography
open Nn
open Nn.Distributed

/// SHA-256 of θ's bytes, in hex.
let hashOf<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType> (theta: ReadOnlySpan<'T>) =
    Convert.ToHexString(SHA256.HashData(MemoryMarshal.AsBytes theta))

let private text (value: 'T) = Convert.ToDouble(box value, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture)

/// The network every scenario trains: the digits' 64 inputs, a tanh hidden layer and softmax.
let network<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>> () =
    Network.Create<'T>(Architecture.Input(64).Dense(16, Activation.Tanh).Dense(10, Activation.Softmax), Initializer.Xavier, 7UL)

/// The global batch: odd, so two ranks take 24 and 25 rows and three take 16, 16 and 17.
let batch = 49

/// Optimiser steps driven one by one on the digits with a rule and an L2 term; after each, the cost and θ's hash.
/// Adam updates element by element, so a group shards its update; RMSProp does not, so every rank updates all of θ.
let stepsWith<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>>
    (rule: Optimizer) (group: IDataParallelGroup | null) (count: int) =
    let train = Digits.Load<'T>().Train
    let options = TrainingOptions(1, batch, 1UL, 0.5)
    let state = Trainer.Start(network<'T> (), rule, 1UL)
    use run = new TrainingRun<'T>(state, Loss.SoftmaxCrossEntropy, rule, train, options, group = group)
    run.Load state
    [ for s in 1..count do
          let start = ((s - 1) * batch) % (train.Count - batch)
          let struct (cost, failure) = run.Step(int64 s, start, batch)
          if not (isNull failure) then failwithf "step %d failed: %s" s failure
          yield sprintf "step %d %s %s" s (cost.ToString("R", CultureInfo.InvariantCulture)) (hashOf run.Parameters)
      yield! run.Parameters.ToArray() |> Array.map text ]

/// Adam steps with θ read only after the last: through shared memory the steps between then read θ where the ranks
/// share it, as an epoch's steps do (reading θ after each step hands it back to the run's buffer every time).
let stepsReadAtEnd<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>>
    (group: IDataParallelGroup | null) (count: int) =
    let train = Digits.Load<'T>().Train
    let options = TrainingOptions(1, batch, 1UL, 0.5)
    let rule = Adam 0.01
    let state = Trainer.Start(network<'T> (), rule, 1UL)
    use run = new TrainingRun<'T>(state, Loss.SoftmaxCrossEntropy, rule, train, options, group = group)
    run.Load state
    let costs =
        [ for s in 1..count do
              let start = ((s - 1) * batch) % (train.Count - batch)
              let struct (cost, failure) = run.Step(int64 s, start, batch)
              if not (isNull failure) then failwithf "step %d failed: %s" s failure
              yield sprintf "cost %d %s" s (cost.ToString("R", CultureInfo.InvariantCulture)) ]
    [ yield! costs
      yield sprintf "theta %s" (hashOf run.Parameters)
      yield! run.Parameters.ToArray() |> Array.map text ]

/// Adam steps, the scenario of the hash and one-process tests.
let steps<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>>
    (group: IDataParallelGroup | null) (count: int) =
    stepsWith<'T> (Adam 0.01) group count

/// Whole epochs through Trainer (shuffled batches, end-of-epoch measuring), with a group or in one process.
let epochs (group: MpiGroup option) =
    let digits = Digits.Load<float>()
    let rule = Adam 0.01
    let options = TrainingOptions(3, batch, 5UL, 0.5)
    let result =
        match group with
        | Some g -> DistributedTrainer.Train(g, network<float> (), Loss.SoftmaxCrossEntropy, rule, digits.Train, options, digits.Test)
        | None -> Trainer.Train(network<float> (), Loss.SoftmaxCrossEntropy, rule, digits.Train, options, digits.Test)
    [ yield sprintf "reason %O" result.Reason
      for e in result.History do
          yield sprintf "epoch %d %s %s" e.Epoch (e.TrainCost.ToString("R", CultureInfo.InvariantCulture)) (e.TrainAccuracy.ToString("R", CultureInfo.InvariantCulture))
      yield! result.Network.Parameters.ToArray() |> Array.map text
      // Adam's m and v as the final state holds them: whole on every rank, though each rank updated only its block.
      yield "moments"
      for m in result.State.OptimizerState.Moments do
          yield! m.ToArray() |> Array.map text ]

/// L-BFGS on the whole training set, with a group or in one process.
let fullBatch (group: MpiGroup option) =
    let train = Digits.Load<float>().Train
    let minimizer = Lbfgs(MaxIterations = 8)
    let result =
        match group with
        | Some g -> DistributedTrainer.TrainFullBatch(g, network<float> (), Loss.SoftmaxCrossEntropy, minimizer, train, 0.5)
        | None -> Trainer.TrainFullBatch(network<float> (), Loss.SoftmaxCrossEntropy, minimizer, train, 0.5)
    [ yield sprintf "iterations %d loss %s" result.Iterations (result.Loss.ToString("R", CultureInfo.InvariantCulture))
      yield! result.Parameters.ToArray() |> Array.map text ]

/// Sums whose exact result is known: rank r contributes r + 1 and r + i·2⁻³⁰ at position i; each rank writes what it got.
let sums (group: MpiGroup) =
    let ints = Array.init 5 (fun i -> group.Rank + 1 + i)
    let doubles = Array.init 1000 (fun i -> float group.Rank + float i * Math.Pow(2.0, -30.0))
    let floats = Array.init 300_000 (fun i -> float32 (group.Rank + 1) * 0.1f + float32 i)
    group.Sum(Span ints)
    group.Sum(Span doubles)
    group.Sum(Span floats)
    let sharding = group :> IDataParallelGroup
    // The sharded step's pair: each rank's block of a sum, then every block everywhere. Rank r contributes r + 1 + i
    // at position i (exact in float), and the gathered blocks must be the whole sum, N(N + 1)/2 + N·i.
    let length = 1000
    let struct (start, count) = DataParallel.Block(length, group.Rank, group.Size)
    let parts = Array.init length (fun i -> float32 (group.Rank + 1 + i))
    let blocks = Array.create length Single.NaN
    sharding.SumBlock(Span parts, 1.0f, Span(blocks, start, count))
    sharding.GatherBlocks(Span blocks)
    let n = group.Size
    let summedBlocks = blocks |> Array.mapi (fun i v -> v = float32 (n * (n + 1) / 2 + n * i)) |> Array.forall id
    // Each rank's own weight (r + 1)/2 applied to its values before the sum: Σ_r (r + 1)(r + 1 + i)/2, exact in float.
    let weighted = Array.create length Single.NaN
    sharding.SumBlock(Span(Array.init length (fun i -> float32 (group.Rank + 1 + i))), 0.5f * float32 (group.Rank + 1), Span(weighted, start, count))
    let expected i = List.sum [ for r in 0 .. n - 1 -> float32 ((r + 1) * (r + 1 + i)) / 2.0f ]
    let weightedBlocks = [ start .. start + count - 1 ] |> List.forall (fun i -> weighted[i] = expected i)
    // Gathering copies bits: negative zeros and NaN payloads arrive as their owner wrote them.
    let pattern i = if i % 5 = 0 then -0.0 elif i % 7 = 0 then BitConverter.Int64BitsToDouble 0x7FF800000000BEEFL else float i * 0.5
    let struct (dStart, dCount) = DataParallel.Block(length, group.Rank, group.Size)
    let gathered = Array.init length (fun i -> if i >= dStart && i < dStart + dCount then pattern i else float group.Rank)
    sharding.GatherBlocks(Span gathered)
    let gatheredBits = gathered |> Array.mapi (fun i v -> BitConverter.DoubleToInt64Bits v = BitConverter.DoubleToInt64Bits(pattern i)) |> Array.forall id
    [ sprintf "size %d" group.Size
      ints |> Array.map string |> String.concat " "
      sprintf "doubles %s" (hashOf (ReadOnlySpan doubles))
      sprintf "floats %s" (hashOf (ReadOnlySpan floats))
      sprintf "double0 %s double999 %s" (text doubles[0]) (text doubles[999])
      sprintf "summed blocks %b" summedBlocks
      sprintf "weighted blocks %b" weightedBlocks
      sprintf "gathered bits %b" gatheredBits ]

/// The Adam steps of `steps` with every step timed phase by phase (the benchmark's breakdown): the steps' lines, then
/// how many steps the timeline completed (all but the last, whose time between steps is still open) and, for each
/// phase, whether every step spent time in it and whether none did.
let timedSteps (group: MpiGroup) =
    let timeline = StepTimeline()
    group.Timeline <- timeline
    let lines = steps<float32> group 12
    group.Timeline <- null
    [ yield! lines
      yield sprintf "timed steps %d" timeline.Steps.Count
      yield sprintf "placed steps %d" timeline.Placements.Count
      yield sprintf "propagated on a CPU in every step %b" (timeline.Placements |> Seq.forall (fun p -> p.PropagationOnCpu > 0.0 && p.Cpu >= 0))
      for phase in Enum.GetValues<TimedPhase>() do
          yield sprintf "%O in every step %b" phase (timeline.Steps |> Seq.forall (fun s -> s[int phase] > 0.0))
          yield sprintf "%O in no step %b" phase (timeline.Steps |> Seq.forall (fun s -> s[int phase] = 0.0)) ]

/// Five timed steps that do nothing but a reduce-scatter of 4,194,304 weighted floats (milliseconds of weighting and
/// moving): whether the median step waited under a tenth of the time it moved, as a rank alone (barely) waits.
let timedBlockSums (group: MpiGroup) =
    let timeline = StepTimeline()
    group.Timeline <- timeline
    let sharding = group :> IDataParallelGroup
    let values = Array.create (1 <<< 22) 1.0f
    let struct (_, count) = DataParallel.Block(values.Length, group.Rank, group.Size)
    let block = Array.zeroCreate<float32> count
    for _ in 1..6 do
        timeline.Reached StepPhase.Started
        timeline.Reached StepPhase.Gathered
        timeline.Reached StepPhase.Propagated
        sharding.SumBlock(Span values, 0.5f, Span block)
        timeline.Reached StepPhase.Updated
        timeline.Reached StepPhase.Finished
    timeline.Reached StepPhase.Started
    group.Timeline <- null
    let median (phase: TimedPhase) = timeline.Steps |> Seq.map (fun s -> s[int phase]) |> Seq.sort |> Seq.item (timeline.Steps.Count / 2)
    [ sprintf "timed steps %d" timeline.Steps.Count
      sprintf "reduce-scatter waits under a tenth of its moving %b" (median TimedPhase.ReduceScatterWait < median TimedPhase.ReduceScatter / 10.0) ]

/// Sums for which the last rank arrives 300 ms late, five times: each other rank's wall-clock time in the sums against
/// its thread's processor time there (a rank that spins waiting spends the one as the other), and the sums.
let lateRank (group: MpiGroup) =
    let values = Array.create 1000 (float32 (group.Rank + 1))
    let mutable wall = 0.0
    let mutable onCpu = 0.0
    for _ in 1..5 do
        if group.Rank = group.Size - 1 then Threading.Thread.Sleep 300
        let clock = Diagnostics.Stopwatch.StartNew()
        let cpu = ThreadClock.OnCpuSeconds()
        group.Sum(Span values)
        onCpu <- onCpu + ThreadClock.OnCpuSeconds() - cpu
        wall <- wall + clock.Elapsed.TotalSeconds
        values.AsSpan().Fill(float32 (group.Rank + 1))
    group.Sum(Span values)
    [ sprintf "late %b" (group.Rank = group.Size - 1)
      sprintf "waited %.3f s, on-CPU %.3f s" wall onCpu
      sprintf "sum %s" (values[999].ToString("R", CultureInfo.InvariantCulture)) ]

/// A run asking for 4 threads: how many ranks the group counts on this machine, the processors the process may use,
/// and the workers the run's team started (0 without a team).
let teamShare (group: MpiGroup) =
    let train = Digits.Load<float>().Train
    let rule = Adam 0.01
    let state = Trainer.Start(network<float> (), rule, 1UL)
    use run = new TrainingRun<float>(state, Loss.SoftmaxCrossEntropy, rule, train, TrainingOptions(1, batch, 1UL, 0.5, Threads = 4), group = group)
    [ sprintf "ranks here %d" (group :> IDataParallelGroup).RanksOnThisMachine
      sprintf "processors %d" Environment.ProcessorCount
      sprintf "workers %d" (match run.Pool with
                            | null -> 0
                            | pool -> pool.Workers) ]

/// The all-gather that carries a few totals with it (a step's cost and verdict when θ is not shared): rank r's block
/// holds 3i at position i, NaN elsewhere, and its totals are (r + 1, r/4); whether every block arrived, and the totals.
let gatheredTotals (group: MpiGroup) =
    let length = 1000
    let struct (start, count) = DataParallel.Block(length, group.Rank, group.Size)
    let values = Array.init length (fun i -> if i >= start && i < start + count then float32 (3 * i) else Single.NaN)
    let totals = [| float (group.Rank + 1); 0.25 * float group.Rank |]
    (group :> IDataParallelGroup).GatherBlocks(Span values, Span totals)
    [ sprintf "blocks %b" (values |> Array.mapi (fun i v -> v = float32 (3 * i)) |> Array.forall id)
      sprintf "totals %s %s" (text totals[0]) (text totals[1]) ]

/// θ' of 1,000 floats and then of 1,000 doubles published through the memory the ranks share, each rank writing its
/// block (i/2 and i + 0.1 at position i): whether the group shared each, whether every rank reads the whole vector
/// after accepting it, and the published totals' sum.
let sharedParameters (group: MpiGroup) =
    let length = 1000
    let struct (start, count) = DataParallel.Block(length, group.Rank, group.Size)
    let publish (elementSize: int) (bytes: byte[]) =
        match (group :> IDataParallelGroup).ShareParameters(length, elementSize) with
        | null -> None
        | shared ->
            let totals = [| 1.0 |]
            shared.Publish(ReadOnlySpan bytes, int64 start * int64 elementSize, Span totals)
            shared.Accept()
            Some(shared.Current, totals[0])
    let floats = Array.init length (fun i -> float32 i * 0.5f)
    let doubles = Array.init length (fun i -> float i + 0.1)
    [ match publish 4 (MemoryMarshal.AsBytes(ReadOnlySpan(floats, start, count)).ToArray()) with
      | None -> yield "floats not shared"
      | Some(current, total) ->
          let read = Array.zeroCreate<float32> length
          Marshal.Copy(current, read, 0, length)
          yield sprintf "floats whole %b, totals %s" (read = floats) (text total)
      match publish 8 (MemoryMarshal.AsBytes(ReadOnlySpan(doubles, start, count)).ToArray()) with
      | None -> yield "doubles not shared"
      | Some(current, total) ->
          let read = Array.zeroCreate<float> length
          Marshal.Copy(current, read, 0, length)
          yield sprintf "doubles whole %b, totals %s" (read = doubles) (text total) ]

/// 200,000 sums one after another, with nothing between them to keep the ranks apart: whether every one was exact.
let manySums (group: MpiGroup) =
    let n = group.Size
    let value = [| 0 |]
    let mutable exact = true
    for s in 1..200_000 do
        value[0] <- s * (group.Rank + 1)
        group.Sum(Span value)
        exact <- exact && value[0] = s * n * (n + 1) / 2
    [ sprintf "exact %b" exact ]

/// Whether the group's sums wait in the barrier that sleeps (NodeBarrier) rather than in MPICH's: read from the
/// group's private fields, the choice having no other trace but time.
let barrierChoice (group: MpiGroup) =
    let field (owner: obj) (name: string) =
        let info = owner.GetType().GetField(name, Reflection.BindingFlags.NonPublic ||| Reflection.BindingFlags.Instance) |> nonNull
        info.GetValue owner
    let values = [| group.Rank + 1 |]
    group.Sum(Span values)
    [ sprintf "sleeping barrier %b" (not (isNull (field (field group "shared" |> nonNull) "barrier")))
      sprintf "sum %d" values[0] ]

/// Runs a scenario as one rank of the MPI job this process was started in, writing rank<r>.txt into the directory.
let runRank (scenario: string) (directory: string) =
    use group = MpiGroup.Join()
    let lines =
        match scenario with
        | "sums" -> sums group
        | "steps-double" -> steps<float> group 12
        | "steps-float" -> steps<float32> group 12
        | "steps-read-at-end" -> stepsReadAtEnd<float> group 70
        | "steps-rmsprop" -> stepsWith<float> (RmsProp 0.01) group 12
        | "timed-steps" -> timedSteps group
        | "timed-block-sums" -> timedBlockSums group
        | "late-rank" -> lateRank group
        | "epochs" -> epochs (Some group)
        | "full-batch" -> fullBatch (Some group)
        | "team-share" -> teamShare group
        | "gathered-totals" -> gatheredTotals group
        | "shared-parameters" -> sharedParameters group
        | "many-sums" -> manySums group
        | "barrier-choice" -> barrierChoice group
        | other -> failwithf "unknown scenario %s" other
    File.WriteAllLines(Path.Combine(directory, sprintf "rank%d.txt" group.Rank), lines)
