/// A B operand packed once (Gemm.PackWholeB) and multiplied by any rows of A from any panel on: the bits of Gemm.Multiply.
module Nn.Tests.Kernels.GemmPackedBTests

open System
open Nn
open Nn.Kernels
open Xunit

let private random = Nn.Tests.Helpers.uniformValues

let private paths = KernelSelection.Supported() |> List.ofArray

/// C (m × n, prefilled) (+)= A B over columns [jFrom, n), A read transposed (as a deferred block's Uᵀ) or by rows and
/// B by rows (as its X) or transposed, by Gemm.Multiply or through a whole packed B.
let private product path packed m k n jFrom accumulate transposedA transposedB (toT: float -> 'T) =
    let a = random 1 (m * k) |> Array.map toT
    let b = random 2 (k * n) |> Array.map toT
    let c = random 3 (m * n) |> Array.map toT
    let aRow, aColumn = if transposedA then 1, m else k, 1
    let bRow, bColumn = if transposedB then 1, k else n, 1
    if packed then
        let panels = Array.zeroCreate<'T> (Gemm.PackedBLength<'T>(path, k, n))
        Gemm.PackWholeB<'T>(path, k, n, ReadOnlySpan b, bRow, bColumn, Span panels)
        Gemm.MultiplyPackedB<'T>(path, m, k, ReadOnlySpan a, aRow, aColumn, ReadOnlySpan panels, n, Span c, n, accumulate, jFrom, n)
    else
        Gemm.Multiply<'T>(path, m, k, ReadOnlySpan a, aRow, aColumn, ReadOnlySpan b, bRow, bColumn, Span c, n, accumulate, jFrom, n)
    c

/// m, k, n: a deferred block's update of Network A (100 rows of W¹, 32 samples, 784 inputs: two of Multiply's column
/// blocks), a sliver of its Gram matrix (784 deep: four packed blocks, the last shorter), odd shapes with edge tiles
/// both ways, exactly one packed block's depth, and one row of depth.
let private shapes = [ (100, 32, 784); (8, 784, 32); (37, 5, 97); (9, 256, 40); (13, 1, 3) ]

[<Fact>]
let ``a product through a whole packed B equals Gemm.Multiply bit for bit, on every path, in float and double, from the first or the second panel`` () =
    for path in paths do
        let struct (_, nr) = Gemm.TileShape<float32>(path)
        let struct (_, nrDouble) = Gemm.TileShape<float>(path)
        for m, k, n in shapes do
            for accumulate in [ false; true ] do
                for transposedA, transposedB in [ (true, false); (false, true) ] do
                    for jFrom in [ 0; nr ] |> List.filter (fun j -> j < n) do
                        Assert.Equal<float32[]>(
                            product path false m k n jFrom accumulate transposedA transposedB float32,
                            product path true m k n jFrom accumulate transposedA transposedB float32)
                    for jFrom in [ 0; nrDouble ] |> List.filter (fun j -> j < n) do
                        Assert.Equal<float[]>(
                            product path false m k n jFrom accumulate transposedA transposedB id,
                            product path true m k n jFrom accumulate transposedA transposedB id)

[<Fact>]
let ``a product of depth 0 through a packed B clears its columns of C, or leaves them when accumulating`` () =
    for accumulate in [ false; true ] do
        Assert.Equal<float[]>(product KernelPath.Portable false 3 0 7 0 accumulate true false id, product KernelPath.Portable true 3 0 7 0 accumulate true false id)

[<Fact>]
let ``a product through a packed B refuses a start inside a panel and columns past its width`` () =
    let path = KernelPath.Portable
    let panels = Array.zeroCreate<float> (Gemm.PackedBLength<float>(path, 2, 8))
    let c = Array.zeroCreate<float> 16
    let multiply jFrom jTo =
        Assert.Throws<ArgumentOutOfRangeException>(fun () ->
            Gemm.MultiplyPackedB<float>(path, 1, 2, ReadOnlySpan(Array.zeroCreate<float> 2), 2, 1, ReadOnlySpan panels, 8, Span c, 16, false, jFrom, jTo))
    Assert.Contains("a multiple of 4", (multiply 1 8).Message)
    Assert.Contains("columns 0 to 9", (multiply 0 9).Message)
