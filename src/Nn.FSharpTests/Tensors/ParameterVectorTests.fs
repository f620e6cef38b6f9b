/// The immutable parameter vector and batch matrix.
module Nn.Tests.Tensors.ParameterVectorTests

open System
open Nn
open Nn.Tests.Helpers
open Xunit

[<Fact>]
let ``an element outside the vector is refused naming the index, as a matrix refuses one`` () =
    let vector = ParameterVector<float>.Create(ReadOnlySpan [| 1.0; 2.0; 3.0 |])
    Assert.Equal(3.0, vector[2])
    for outside in [ -1; 3; Int32.MinValue ] do
        let e = Assert.Throws<ArgumentOutOfRangeException>(fun () -> vector[outside] |> ignore)
        Assert.Equal("index", e.ParamName)
        Assert.StartsWith(sprintf "index must be in 0..2, but is %d." outside, e.Message)

[<Fact>]
let ``a vector copies its source so later changes to the source do not reach it`` () =
    let source = [| 1.0; 2.0; 3.0 |]
    let vector = ParameterVector<float>.Create(ReadOnlySpan source)
    source[0] <- 99.0
    Assert.Equal(1.0, vector[0])

[<Fact>]
let ``only a vector made by Zeros is known to hold zeros without reading it; zeros given by value are read like any other`` () =
    Assert.True((ParameterVector<float>.Zeros 5).IsZeros)
    Assert.True((ParameterVector<float32>.Zeros 0).IsZeros)
    Assert.False((ParameterVector<float>.Create(ReadOnlySpan(Array.zeroCreate<float> 5))).IsZeros)
    Assert.False((ParameterVector<float>.Zeros 3).Add(ParameterVector<float>.Zeros 3).IsZeros)
    Assert.Equal(ParameterVector<float>.Zeros 4, ParameterVector<float>.Create(ReadOnlySpan(Array.zeroCreate<float> 4)))

[<Fact>]
let ``vectors with the same elements are equal and hash alike`` () =
    let a = ParameterVector<float>.Create(ReadOnlySpan [| 1.0; 2.0 |])
    let b = ParameterVector<float>.Create(ReadOnlySpan [| 1.0; 2.0 |])
    Assert.Equal(a, b)
    Assert.Equal(a.GetHashCode(), b.GetHashCode())
    Assert.NotEqual(a, ParameterVector<float>.Create(ReadOnlySpan [| 1.0; 2.5 |]))

[<Fact>]
let ``arithmetic returns new vectors and leaves its operands alone`` () =
    let a = ParameterVector<float>.Create(ReadOnlySpan [| 1.0; 2.0 |])
    let b = ParameterVector<float>.Create(ReadOnlySpan [| 10.0; 20.0 |])
    Assert.Equal<float[]>([| 6.0; 12.0 |], a.AddScaled(0.5, b).ToArray())
    Assert.Equal<float[]>([| 11.0; 22.0 |], a.Add(b).ToArray())
    Assert.Equal<float[]>([| 9.0; 18.0 |], b.Subtract(a).ToArray())
    Assert.Equal<float[]>([| 3.0; 6.0 |], a.Scale(3.0).ToArray())
    Assert.Equal(50.0, a.Dot b)
    Assert.Equal<float[]>([| 1.0; 2.0 |], a.ToArray())

[<Fact>]
let ``mismatched lengths are refused with both lengths`` () =
    let a = ParameterVector<float>.Create(ReadOnlySpan [| 1.0; 2.0 |])
    let message = messageOf<ArgumentException> (fun () -> a.Add(ParameterVector<float>.Zeros 3) |> ignore)
    Assert.Contains("length 2", message)
    Assert.Contains("length 3", message)

[<Fact>]
let ``a matrix is built from rows and read back by row and element`` () =
    let m = matrix [| [| 1.0; 2.0; 3.0 |]; [| 4.0; 5.0; 6.0 |] |]
    Assert.Equal((2, 3), (m.Rows, m.Columns))
    Assert.Equal(6.0, m[1, 2])
    Assert.Equal<float[]>([| 4.0; 5.0; 6.0 |], m.RowArray 1)
    Assert.Equal(m, Matrix<float>.FromArray(m.ToArray()))
    Assert.Equal<float[]>([| 4.0; 5.0; 6.0; 1.0; 2.0; 3.0 |], m.SelectRows(ReadOnlySpan [| 1; 0 |]).AsSpan().ToArray())

[<Fact>]
let ``ragged rows are refused naming the row`` () =
    let message = messageOf<ArgumentException> (fun () -> matrix [| [| 1.0; 2.0 |]; [| 3.0 |] |] |> ignore)
    Assert.Contains("rows[1]", message)

[<Fact>]
let ``zeros of more elements than one array holds are refused naming the length, not run out of memory`` () =
    for length in [ Limits.MaxParameterCount + 1; Int32.MaxValue; -1 ] do
        let error = Assert.Throws<ArgumentOutOfRangeException>(fun () -> ParameterVector<float>.Zeros length |> ignore)
        Assert.Equal("length", error.ParamName)
        Assert.Contains(string length, error.Message)

[<Fact>]
let ``Convert refuses an element beyond the target type's range, naming its index`` () =
    let e = Assert.Throws<OverflowException>(fun () -> ParameterVector<float>.Create(ReadOnlySpan [| 0.5; 1e300 |]).Convert<float32>() |> ignore)
    Assert.Equal("element 1 = 1E+300 is beyond the range of float32, where it would be infinite; scale the values first, or keep float64.", e.Message)
    Assert.Equal<float32[]>([| 0.5f; 3.4028235e38f |], ParameterVector<float>.Create(ReadOnlySpan [| 0.5; 3.4028235e38 |]).Convert<float32>().ToArray())
