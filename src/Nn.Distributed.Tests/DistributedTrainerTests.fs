module Nn.Distributed.Tests.DistributedTrainerTests

open System
open System.Globalization
open Nn.Distributed.Tests.Mpi
open Xunit

let private stepLines (lines: string list) = lines |> List.filter (fun l -> l.StartsWith "step ")
let private numbers (lines: string list) = lines |> List.filter (fun l -> Char.IsDigit l[0] || l[0] = '-') |> List.map (fun l -> Double.Parse(l, CultureInfo.InvariantCulture))

/// The lines of an epochs scenario before its "moments" line (history and θ) and after it (the moments).
let private beforeMoments (lines: string list) = lines |> List.takeWhile (fun l -> l <> "moments")
let private afterMoments (lines: string list) = lines |> List.skipWhile (fun l -> l <> "moments") |> List.tail

/// max |a − b| / max(max |b|, tiny): the relative difference of two parameter vectors.
let relativeDifference (a: float list) (b: float list) =
    Assert.Equal(List.length b, List.length a)
    let scale = b |> List.map abs |> List.max
    List.map2 (fun x y -> abs (x - y)) a b |> List.max |> fun d -> d / scale

[<Fact>]
let ``every rank holds the same theta after every step, in double`` () =
    use dir = new TempDirectory()
    let results = ranks 2 "steps-double" dir.Path
    Assert.Equal(12, (stepLines results[0]).Length)
    Assert.Equal<string list>(results[0], results[1])

[<Fact>]
let ``two ranks take the same steps, to the bit, through MPI's collectives as through shared memory`` () =
    use shared = new TempDirectory()
    use apart = new TempDirectory()
    let viaMemory = ranks 2 "steps-double" shared.Path
    let viaCollectives = ranksWith collectives 2 "steps-double" apart.Path
    Assert.Equal<string list>(viaCollectives[0], viaCollectives[1])
    // Two ranks' sums are a + b either way, and IEEE addition commutes.
    Assert.Equal<string list>(viaMemory[0], viaCollectives[0])

[<Fact>]
let ``steps that read theta where the ranks share it give MPI's collectives' theta and one process's to 1e-12`` () =
    use shared = new TempDirectory()
    use apart = new TempDirectory()
    // 70 steps: θ stays in the shared memory from the first step to the last, through a subnormal flush (every 64).
    let viaMemory = ranks 2 "steps-read-at-end" shared.Path
    let viaCollectives = ranksWith collectives 2 "steps-read-at-end" apart.Path
    Assert.Equal<string list>(viaMemory[0], viaMemory[1])
    Assert.Equal<string list>(viaMemory[0], viaCollectives[0])
    let difference = relativeDifference (numbers viaMemory[0]) (numbers (Scenarios.stepsReadAtEnd<float> null 70))
    Assert.True(difference <= 1e-12, sprintf "relative difference %g" difference)

[<Fact>]
let ``three ranks through MPI's collectives hold the same theta after every step`` () =
    use dir = new TempDirectory()
    let results = ranksWith collectives 3 "steps-float" dir.Path
    Assert.Equal(12, (stepLines results[0]).Length)
    Assert.All(results, fun r -> Assert.Equal<string list>(results[0], r))

[<Fact>]
let ``every rank holds the same theta after every step, in float, on three ranks`` () =
    use dir = new TempDirectory()
    let results = ranks 3 "steps-float" dir.Path
    Assert.Equal(12, (stepLines results[0]).Length)
    Assert.All(results, fun r -> Assert.Equal<string list>(results[0], r))

[<Fact>]
let ``two ranks give the one-process steps to 1e-12 relative in double`` () =
    use dir = new TempDirectory()
    let two = ranks 2 "steps-double" dir.Path
    let one = Scenarios.steps<float> null 12
    let difference = relativeDifference (numbers two[0]) (numbers one)
    // Measured: about 1e-16 (the batch sums are added in another order); 1e-12 is the issue's bound.
    Assert.True(difference <= 1e-12, sprintf "relative difference %g" difference)
    Assert.True(difference > 0.0 || two[0] = one, "equal θ must come with equal step lines")

[<Fact>]
let ``two ranks of unequal shares report each step's batch cost as one process does, to 1e-12 relative`` () =
    use dir = new TempDirectory()
    let two = ranks 2 "steps-double" dir.Path
    let one = Scenarios.steps<float> null 12
    // 24 and 25 of the 49 rows: each rank's mean cost counts by its share of the rows, not by one half.
    let costs (lines: string list) = stepLines lines |> List.map (fun l -> Double.Parse(l.Split(' ')[2], CultureInfo.InvariantCulture))
    Assert.Equal(12, (costs two[0]).Length)
    List.iter2 (fun (a: float) (b: float) -> Assert.True(abs (a - b) <= 1e-12 * abs b, sprintf "two ranks' cost %.17g, one process's %.17g" a b)) (costs two[0]) (costs one)

[<Fact>]
let ``two ranks train whole epochs like one process and agree on the history`` () =
    use dir = new TempDirectory()
    let two = ranks 2 "epochs" dir.Path
    Assert.Equal<string list>(two[0], two[1])
    let one = Scenarios.epochs None
    Assert.Equal("reason Completed", two[0][0])
    Assert.Equal(one[0], two[0][0])
    let difference = relativeDifference (numbers (beforeMoments two[0])) (numbers (beforeMoments one))
    Assert.True(difference <= 1e-12, sprintf "relative difference %g" difference)

[<Fact>]
let ``the final state holds the whole moments on every rank though each rank updated only its block`` () =
    use dir = new TempDirectory()
    let two = ranks 2 "epochs" dir.Path
    let moments = two |> List.map (fun lines -> numbers (afterMoments lines))
    Assert.Equal<float list>(moments[0], moments[1])
    let one = numbers (afterMoments (Scenarios.epochs None))
    // Stale blocks (from an earlier step) would differ by far more than rounding.
    let difference = relativeDifference moments[0] one
    Assert.True(difference <= 1e-12, sprintf "relative difference of Adam's moments %g" difference)

[<Fact>]
let ``three ranks, each keeping the moments of its own block, end whole epochs with one process's theta and moments`` () =
    use dir = new TempDirectory()
    let three = ranks 3 "epochs" dir.Path
    Assert.All(three, fun r -> Assert.Equal<string list>(three[0], r))
    let one = Scenarios.epochs None
    // 1,210 parameters in three blocks, the last shorter than a whole number of 64-element vectors: every epoch's snapshot
    // gathers the moments and the next epoch loads each rank's block back.
    let parameters = relativeDifference (numbers (beforeMoments three[0])) (numbers (beforeMoments one))
    let moments = relativeDifference (numbers (afterMoments three[0])) (numbers (afterMoments one))
    Assert.True(parameters <= 1e-12 && moments <= 1e-12, sprintf "relative differences: theta %g, moments %g" parameters moments)

[<Fact>]
let ``a rule that updates theta as a whole (RMSProp) is summed whole, the same bits on every rank, and follows one process`` () =
    use dir = new TempDirectory()
    let two = ranks 2 "steps-rmsprop" dir.Path
    Assert.Equal<string list>(two[0], two[1])
    let one = Scenarios.stepsWith<float> (Nn.RmsProp 0.01) null 12
    let difference = relativeDifference (numbers two[0]) (numbers one)
    Assert.True(difference <= 1e-12, sprintf "relative difference %g" difference)

[<Fact>]
let ``L-BFGS over two ranks sums cost and gradient and follows the one-process run`` () =
    use dir = new TempDirectory()
    let two = ranks 2 "full-batch" dir.Path
    Assert.Equal<string list>(two[0], two[1])
    let one = Scenarios.fullBatch None
    let difference = relativeDifference (numbers two[0]) (numbers one)
    Assert.True(difference <= 1e-10, sprintf "relative difference %g" difference)

[<Fact>]
let ``the same seed on the same number of ranks gives the same theta on every run`` () =
    use first = new TempDirectory()
    use second = new TempDirectory()
    Assert.Equal<string list>((ranks 2 "epochs" first.Path)[0], (ranks 2 "epochs" second.Path)[0])
