/// Holding out a seeded fraction of a data set: stratified for classes, one shuffle for regression targets.
module Nn.Tests.Data.DatasetSplitTests

open System
open Xunit
open FsCheck
open FsCheck.Xunit
open Nn
open Nn.Tests.Helpers

/// Samples whose single input is their index, so a part's inputs name the samples it holds.
let private classes (labels: int[]) (classCount: int) =
    Dataset.FromLabels(matrix (Array.init labels.Length (fun i -> [| float i |])), labels, classCount)

let private regression (count: int) =
    let random = Random 3
    Dataset.FromTargets(matrix (Array.init count (fun i -> [| float i |])), matrix (Array.init count (fun _ -> [| random.NextDouble(); random.NextDouble() |])))

let private indices (part: Dataset<float>) = part.Inputs.AsSpan().ToArray() |> Array.map int

let private countsOf (part: Dataset<float>) (classCount: int) =
    Array.init classCount (fun c -> part.Labels |> Seq.filter ((=) c) |> Seq.length)

[<Fact>]
let ``a held-out share of exactly half a sample is rounded away from zero`` () =
    // As HoldOut's documentation says (halves away from zero): 0.25 × 10 = 2.5 holds out 3 and 0.25 × 18 = 4.5 holds
    // out 5, where rounding half to even would give 2 and 4; by class, 5 and 5 samples still give 3 in all.
    Assert.Equal(3, (Dataset.HoldOut(regression 10, 0.25, 1UL)).Test.Count)
    Assert.Equal(5, (Dataset.HoldOut(regression 18, 0.25, 1UL)).Test.Count)
    let split = Dataset.HoldOut(classes (Array.init 10 (fun i -> i % 2)) 2, 0.25, 1UL)
    Assert.Equal(3, split.Test.Count)
    Assert.Equal(7, split.Train.Count)

[<Fact>]
let ``a class split holds out each class's share of its samples`` () =
    // 30, 20 and 10 samples of three classes, interleaved: a tenth held out is 3, 2 and 1 of them.
    let labels = Array.init 60 (fun i -> if i < 30 then 0 elif i < 50 then 1 else 2) |> Array.permute (fun i -> (i * 7) % 60)
    let split = Dataset.HoldOut(classes labels 3, 0.1, 5UL)
    Assert.Equal<int[]>([| 3; 2; 1 |], countsOf split.Test 3)
    Assert.Equal<int[]>([| 27; 18; 9 |], countsOf split.Train 3)

[<Fact>]
let ``a class split shares the rounding out by largest remainder so the total is the fraction of all samples`` () =
    // 7, 7 and 6 samples with a quarter held out: 1.75, 1.75 and 1.5 round to 2, 2 and 1, five in all.
    let labels = Array.init 20 (fun i -> if i < 7 then 0 elif i < 14 then 1 else 2)
    let split = Dataset.HoldOut(classes labels 3, 0.25, 2UL)
    Assert.Equal<int[]>([| 2; 2; 1 |], countsOf split.Test 3)

[<Fact>]
let ``a class split holds out no class whole while another has samples to spare`` () =
    // 1, 2 and 5 samples with half held out: 0.5, 1 and 2.5 are 0, 1 and 2 rounded down, and the fourth goes by
    // largest remainder — a tie of the first and third class, which took the first class's only sample.
    let labels = [| 0; 1; 1; 2; 2; 2; 2; 2 |]
    let split = Dataset.HoldOut(classes labels 3, 0.5, 2UL)
    Assert.Equal<int[]>([| 0; 1; 3 |], countsOf split.Test 3)
    Assert.Equal<int[]>([| 1; 1; 2 |], countsOf split.Train 3)

[<Fact>]
let ``a class split of classes of one sample each still holds out the share asked for`` () =
    let split = Dataset.HoldOut(classes [| 0; 1; 2; 3 |] 4, 0.5, 2UL)
    Assert.Equal(2, split.Test.Count)
    Assert.Equal(2, split.Train.Count)

[<Fact>]
let ``the same seed gives the same split and another seed another`` () =
    let data = classes (Array.init 200 (fun i -> i % 4)) 4
    let first = Dataset.HoldOut(data, 0.2, 9UL)
    Assert.Equal(first, Dataset.HoldOut(data, 0.2, 9UL))
    Assert.NotEqual<int[]>(indices first.Test, indices (Dataset.HoldOut(data, 0.2, 10UL)).Test)

[<Fact>]
let ``regression targets are split by one seeded shuffle of the right size`` () =
    let data = regression 50
    let split = Dataset.HoldOut(data, 0.3, 1UL)
    Assert.Equal((35, 15), (split.Train.Count, split.Test.Count))
    Assert.Equal(split, Dataset.HoldOut(data, 0.3, 1UL))
    // Not simply the last or first samples.
    Assert.NotEqual<int[]>([| 35 .. 49 |], indices split.Test)
    Assert.NotEqual<int[]>([| 0 .. 14 |], indices split.Test)

[<Fact>]
let ``regression targets of which only the first row looks one-hot are still split by one shuffle, not by class`` () =
    // Every row is looked at: a first row of [1; 0] among rows of other values is not a class split's first row.
    let data = regression 40
    let targets = data.Targets.AsSpan().ToArray()
    targets[0] <- 1.0
    targets[1] <- 0.0
    let oneHotFirst = Dataset.FromTargets(data.Inputs, matrix (Array.init 40 (fun i -> targets[2 * i .. 2 * i + 1])))
    Assert.Equal<int[]>(indices (Dataset.HoldOut(data, 0.25, 4UL)).Test, indices (Dataset.HoldOut(oneHotFirst, 0.25, 4UL)).Test)

[<Property(MaxTest = 100)>]
let ``every sample lands in exactly one part, each part in the original order`` (count: PositiveInt) (share: int) (seed: uint64) (stratified: bool) =
    let n = 2 + count.Get % 150
    let fraction = (float (abs (share % 99)) + 1.0) / 100.0
    let data = if stratified then classes (Array.init n (fun i -> (i * i) % 5)) 5 else regression n
    let split = Dataset.HoldOut(data, fraction, seed)
    let train, test = indices split.Train, indices split.Test
    let expected = Math.Clamp(int (Math.Round(fraction * float n, MidpointRounding.AwayFromZero)), 1, n - 1)
    test.Length = expected
    && Array.sort (Array.append train test) = [| 0 .. n - 1 |]
    && Array.sort train = train
    && Array.sort test = test
    && split.Test.Targets.AsSpan().ToArray() = (data.Select(ReadOnlySpan test)).Targets.AsSpan().ToArray()

[<Theory>]
[<InlineData(0.0)>]
[<InlineData(1.0)>]
[<InlineData(-0.5)>]
[<InlineData(Double.NaN)>]
let ``a fraction outside (0, 1) is refused with its value`` (fraction: float) =
    let message = messageOf<ArgumentOutOfRangeException> (fun () -> Dataset.HoldOut(regression 10, fraction, 1UL) |> ignore)
    Assert.Contains("fraction must be in (0, 1), but is " + fraction.ToString(Globalization.CultureInfo.InvariantCulture), message)

[<Fact>]
let ``a single sample cannot be split`` () =
    let message = messageOf<ArgumentException> (fun () -> Dataset.HoldOut(regression 1, 0.5, 1UL) |> ignore)
    Assert.Contains("at least 2 samples, but it has 1", message)

[<Fact>]
let ``a split refuses a null part when made and in C#'s with`` () =
    let data = regression 4
    let missing = Unchecked.defaultof<Dataset<float>>
    Assert.Equal("Train", (Assert.Throws<ArgumentNullException>(fun () -> DatasetSplit<float>(missing, data) |> ignore)).ParamName)
    Assert.Equal("Test", (Assert.Throws<ArgumentNullException>(fun () -> DatasetSplit<float>(data, missing) |> ignore)).ParamName)
    let split = DatasetSplit<float>(data, data)
    let e = Assert.Throws<Reflection.TargetInvocationException>(fun () -> (nonNull (typeof<DatasetSplit<float>>.GetProperty "Test")).SetValue(split, null))
    Assert.Equal("Test", (Assert.IsType<ArgumentNullException>(e.InnerException)).ParamName)
    Assert.Same(data, split.Test)
