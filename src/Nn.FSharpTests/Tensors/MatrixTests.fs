/// Matrices from F# data: jagged arrays and lists of lists go in as they are.
module Nn.Tests.Tensors.MatrixTests

open System
open Nn
open Nn.Tests.Helpers
open Xunit

[<Fact>]
let ``a matrix from a list of lists, a jagged array and array2D holds the same rows`` () =
    let fromLists = Matrix<float>.FromRows [ [ 1.0; 2.0; 3.0 ]; [ 4.0; 5.0; 6.0 ] ]
    let jagged : float[][] = [| [| 1.0; 2.0; 3.0 |]; [| 4.0; 5.0; 6.0 |] |]
    let fromArrays = Matrix<float>.FromRows jagged
    let fromArray2D = Matrix<float>.FromArray(array2D [ [ 1.0; 2.0; 3.0 ]; [ 4.0; 5.0; 6.0 ] ])
    Assert.Equal(fromArray2D, fromLists)
    Assert.Equal(fromArray2D, fromArrays)
    Assert.Equal(6.0, fromLists[1, 2])

[<Fact>]
let ``rows of different lengths are refused with the row's index and lengths`` () =
    let message = messageOf<ArgumentException> (fun () -> Matrix<float>.FromRows [ [ 1.0; 2.0 ]; [ 3.0 ] ] |> ignore)
    Assert.Contains("rows[1]", message)
    Assert.Contains("length 2", message)
    Assert.Contains("length 1", message)

[<Fact>]
let ``no rows are refused`` () =
    Assert.Contains("at least one row", messageOf<ArgumentException> (fun () -> Matrix<float>.FromRows(List.empty<float list>) |> ignore))

[<Fact>]
let ``SelectRows refuses a row index outside the matrix, naming its position in the list`` () =
    let matrix = Matrix<float>.FromRows [ [ 1.0; 2.0 ]; [ 3.0; 4.0 ] ]
    Assert.Contains("indices[2] must be in 0..1, but is 2", messageOf<ArgumentOutOfRangeException> (fun () -> matrix.SelectRows(ReadOnlySpan [| 1; 0; 2 |]) |> ignore))
    Assert.Equal<float[]>([| 3.0; 4.0; 1.0; 2.0 |], (matrix.SelectRows(ReadOnlySpan [| 1; 0 |])).AsSpan().ToArray())

[<Fact>]
let ``FromArray copies a two-dimensional array that does not start at index zero`` () =
    let values = Array2D.zeroCreateBased<float> 5 -3 2 3
    values[5, -3] <- 1.0
    values[5, -1] <- 3.0
    values[6, -2] <- 5.0
    let matrix = Matrix<float>.FromArray values
    Assert.Equal<float>([| 1.0; 0.0; 3.0; 0.0; 5.0; 0.0 |], matrix.AsSpan().ToArray())
    Assert.Equal((2, 3), (matrix.Rows, matrix.Columns))

[<Fact>]
let ``FromRows refuses a null row by its index`` () =
    let rows: float[][] = [| [| 1.0 |]; Unchecked.defaultof<float[]> |]
    let message = messageOf<ArgumentException> (fun () -> Matrix<float>.FromRows rows |> ignore)
    Assert.Contains("row 1 is null", message)
    Assert.Contains("row 0 is null", messageOf<ArgumentException> (fun () -> Matrix<float>.FromRows [| Unchecked.defaultof<float[]> |] |> ignore))

[<Fact>]
let ``FromRows refuses a default ImmutableArray as a row or as the rows, naming rows`` () =
    let unsetRow = Assert.ThrowsAny<ArgumentException>(fun () -> Matrix<float>.FromRows<Collections.Immutable.ImmutableArray<float>>([| Unchecked.defaultof<_> |]) |> ignore)
    Assert.Equal("row 0 is a default ImmutableArray, which holds no values. (Parameter 'rows')", unsetRow.Message)
    let unsetRows = Assert.ThrowsAny<ArgumentException>(fun () -> Matrix<float>.FromRows<float[]>(Unchecked.defaultof<Collections.Immutable.ImmutableArray<float[]>>) |> ignore)
    Assert.Equal("rows is a default ImmutableArray, which holds no items. (Parameter 'rows')", unsetRows.Message)

[<Fact>]
let ``Convert refuses an element beyond the target type's range, naming its place, and keeps NaN and infinities`` () =
    let e = Assert.Throws<OverflowException>(fun () -> Matrix<float>.FromRows([ [ 1.0; 2.0 ]; [ 3.0; -1e300 ] ]).Convert<float32>() |> ignore)
    Assert.Equal("element [1, 1] = -1E+300 is beyond the range of float32, where it would be infinite; scale the values first, or keep float64.", e.Message)
    let kept = Matrix<float>.FromRows([ [ nan; infinity; 1e-300 ] ]).Convert<float32>()
    Assert.True(Single.IsNaN kept[0, 0] && Single.IsPositiveInfinity kept[0, 1] && kept[0, 2] = 0.0f)
