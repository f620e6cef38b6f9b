/// Data sets, the fixed digits split and the checks on labels.
module Nn.Tests.Data.DatasetTests

open System
open Nn
open Nn.Tests.Helpers
open Xunit

[<Fact>]
let ``the embedded digits hold 1797 images with the documented class counts`` () =
    let all = Digits.LoadAll<float>()
    Assert.Equal(1797, all.Count)
    Assert.Equal(64, all.Inputs.Columns)
    let counts = all.Labels |> Seq.countBy id |> Seq.sortBy fst |> Seq.map snd |> List.ofSeq
    Assert.Equal<int list>([ 178; 182; 177; 183; 181; 182; 181; 179; 174; 180 ], counts)
    Assert.True(all.Inputs.AsSpan().ToArray() |> Array.forall (fun v -> v >= 0.0 && v <= 1.0))

[<Fact>]
let ``the fixed digits split has 1438 training and 359 test images`` () =
    let split = Digits.Load<float>()
    let train, test = split.Train, split.Test
    Assert.Equal((1438, 359), (train.Count, test.Count))
    Assert.Equal<float[]>(Digits.LoadAll<float>().Inputs.RowArray 4, test.Inputs.RowArray 0)

[<Fact>]
let ``one-hot targets put on at the label and off elsewhere`` () =
    let data = Dataset.FromLabels(matrix [| [| 0.0 |]; [| 1.0 |] |], [| 2; 0 |], 3, 0.99, 0.01)
    Assert.Equal<float[]>([| 0.01; 0.01; 0.99 |], data.Targets.RowArray 0)
    Assert.Equal<int list>([ 2; 0 ], List.ofSeq data.Labels)

[<Fact>]
let ``a label out of range is refused naming the row and the range`` () =
    let message = messageOf<ArgumentOutOfRangeException> (fun () -> Dataset.FromLabels(matrix [| [| 0.0 |]; [| 1.0 |] |], [| 0; 3 |], 3) |> ignore)
    Assert.Contains("label 1 must be in [0, 3), but is 3", message)

/// Training and evaluation rely on this and do not read a data set's values again.
[<Theory>]
[<InlineData(Double.NaN)>]
[<InlineData(Double.PositiveInfinity)>]
[<InlineData(Double.NegativeInfinity)>]
let ``every way to make a data set refuses a non-finite input or target`` (bad: float) =
    let good = matrix [| [| 0.0; 1.0 |]; [| 1.0; 0.0 |] |]
    let poisoned = matrix [| [| 0.0; 1.0 |]; [| 1.0; bad |] |]
    let bad32 = float32 bad
    Assert.Contains("inputs must hold finite numbers, but element 3", messageOf<ArgumentException> (fun () -> Dataset.FromLabels(poisoned, [| 0; 1 |], 2) |> ignore))
    Assert.Contains("inputs must hold finite numbers, but element 3", messageOf<ArgumentException> (fun () -> Dataset.FromTargets(poisoned, good) |> ignore))
    Assert.Contains("targets must hold finite numbers, but element 3", messageOf<ArgumentException> (fun () -> Dataset.FromTargets(good, poisoned) |> ignore))
    let floats = Matrix<float32>.FromRows([| [| 0.0f; bad32 |] :> Collections.Generic.IReadOnlyList<float32> |])
    Assert.Contains("inputs must hold finite numbers, but element 1", messageOf<ArgumentException> (fun () -> Dataset.FromLabels(floats, [| 0 |], 2) |> ignore))

[<Fact>]
let ``a random split is seeded and covers every sample once`` () =
    let all = Digits.LoadAll<float>()
    let split = Dataset.SplitRandom(all, 100, 4UL)
    let train, test = split.Train, split.Test
    let again = Dataset.SplitRandom(all, 100, 4UL).Train
    Assert.Equal((1697, 100), (train.Count, test.Count))
    Assert.Equal(train, again)

[<Fact>]
let ``Select refuses an index outside the data set, naming it, and takes repeats and an empty list`` () =
    let data = Dataset.FromLabels(Matrix<float>.FromRows [ [ 0.1 ]; [ 0.2 ]; [ 0.3 ] ], [| 0; 1; 0 |], 2)
    Assert.Contains("indices[1] must be in 0..2, but is 7", messageOf<ArgumentOutOfRangeException> (fun () -> data.Select(ReadOnlySpan [| 0; 7 |]) |> ignore))
    Assert.Contains("indices[0] must be in 0..2, but is -1", messageOf<ArgumentOutOfRangeException> (fun () -> data.Select(ReadOnlySpan [| -1 |]) |> ignore))
    let picked = data.Select(ReadOnlySpan [| 2; 2; 1 |])
    Assert.Equal<int list>([ 0; 0; 1 ], List.ofSeq picked.Labels)
    Assert.Equal<float[]>([| 0.3; 0.3; 0.2 |], picked.Inputs.AsSpan().ToArray())
    Assert.Equal(0, data.Select(ReadOnlySpan<int>.Empty).Count)

[<Fact>]
let ``FromLabels refuses target values that are not finite in the element type`` () =
    let inputs = Matrix<float32>.FromRows [ [ 0.1f ]; [ 0.2f ] ]
    Assert.Contains("on must be a finite number in float32, but is NaN", messageOf<ArgumentOutOfRangeException> (fun () -> Dataset.FromLabels(inputs, [| 0; 1 |], 2, nan, 0.0) |> ignore))
    // 1e300 is a finite double but infinite as float32.
    Assert.Contains("off must be a finite number in float32, but is 1E+300", messageOf<ArgumentOutOfRangeException> (fun () -> Dataset.FromLabels(inputs, [| 0; 1 |], 2, 1.0, 1e300) |> ignore))
    Assert.Equal(1e300, (Dataset.FromLabels(Matrix<float>.FromRows [ [ 0.1 ]; [ 0.2 ] ], [| 0; 1 |], 2, 1.0, 1e300)).Targets[0, 1])

[<Fact>]
let ``FromLabels refuses a default ImmutableArray of labels, naming labels`` () =
    let inputs = Matrix<float>.FromRows [ [ 0.0 ]; [ 1.0 ] ]
    let e = Assert.ThrowsAny<ArgumentException>(fun () -> Dataset.FromLabels<float>(inputs, Unchecked.defaultof<Collections.Immutable.ImmutableArray<int>>, 2) |> ignore)
    Assert.Equal("labels is a default ImmutableArray, which holds no items. (Parameter 'labels')", e.Message)

[<Fact>]
let ``FromLabels refuses equal on and off targets, also when they round to one value in the element type`` () =
    let inputs = Matrix<float32>.FromRows [ [ 0.1f ]; [ 0.2f ] ]
    let same = Assert.Throws<ArgumentException>(fun () -> Dataset.FromLabels(inputs, [| 0; 1 |], 2, 0.5, 0.5) |> ignore)
    Assert.Equal("on must differ from off, but both are 0.5: the true class would have the same target as the others. (Parameter 'on')", same.Message)
    let rounded = Assert.Throws<ArgumentException>(fun () -> Dataset.FromLabels(inputs, [| 0; 1 |], 2, 1.0, 1.0 + 1e-12) |> ignore)
    Assert.Equal("on must differ from off, but both are 1 in float32: the true class would have the same target as the others. (Parameter 'on')", rounded.Message)
    Assert.Equal(1.0 + 1e-12, (Dataset.FromLabels(Matrix<float>.FromRows [ [ 0.1 ]; [ 0.2 ] ], [| 0; 1 |], 2, 1.0, 1.0 + 1e-12)).Targets[0, 1])
