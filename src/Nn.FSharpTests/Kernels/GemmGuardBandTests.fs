/// Guard bands around the matrix products' destinations and the buffers they pack into (GuardedBuffers): Gemm.Multiply,
/// a product through a whole packed B, a GemmTeam on two threads, the micro-kernels and the block transposes behind the
/// packing, on every kernel path this CPU runs, in float and double, over shapes at every tile and block edge. Each
/// writes exactly the plain triple loop's values into its slice and nothing outside it.
module Nn.Tests.Kernels.GemmGuardBandTests

#nowarn "9" // the micro-kernels and the transposes take references into the guarded arrays, as Gemm hands them

open System
open System.Numerics
open System.Runtime.Intrinsics
open Nn.Kernels
open Nn.Tests.Kernels.GuardedBuffers
open Nn.Tests.Kernels.KernelPathData
open Xunit

/// M(r, c) = Values[r·RowStride + c·ColumnStride]: row-major with a padding column or column-major with a padding row,
/// so that both strides are odd; the padding holds markers, which a read of it would carry into the product as a NaN.
type private Operand = { Values: float[]; RowStride: int; ColumnStride: int; Layout: string }

let private operand seed rows columns transposed =
    let rowStride, columnStride = if transposed then 1, rows + 1 else columns + 1, 1
    let length = if rows = 0 || columns = 0 then 0 else (rows - 1) * rowStride + (columns - 1) * columnStride + 1
    let values = Array.create length nan
    let draws = uniform seed (rows * columns)
    for r in 0 .. rows - 1 do
        for c in 0 .. columns - 1 do
            values[r * rowStride + c * columnStride] <- draws[r * columns + c]
    { Values = values; RowStride = rowStride; ColumnStride = columnStride; Layout = if transposed then "by columns" else "by rows" }

/// C's slice, m rows ldc apart ending at column n of the last: columns [jFrom, jTo) drawn (a product adds to them or
/// writes over them), every other element a marker the product must leave.
let private destination m n ldc jFrom jTo =
    let length = if m = 0 then 0 else (m - 1) * ldc + n
    let draws = uniform 3 length
    Array.init length (fun e -> if e % ldc >= jFrom && e % ldc < jTo then draws[e] else nan)

/// C (+)= A B by the triple loop in double over the operands as rounded to the element type; markers stay markers.
let private reference (a: float[]) (shapeA: Operand) (b: float[]) (shapeB: Operand) k (c: float[]) ldc accumulate =
    c |> Array.mapi (fun e before ->
        if Double.IsNaN before then
            nan
        else
            let i, j = e / ldc, e % ldc
            let mutable sum = if accumulate then before else 0.0
            for p in 0 .. k - 1 do
                sum <- sum + a[i * shapeA.RowStride + p * shapeA.ColumnStride] * b[p * shapeB.RowStride + j * shapeB.ColumnStride]
            sum)

/// A sum of k products of values in [−1, 1), compared within k roundings of the element type.
let private productTolerance<'T when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType> k = tolerance<'T> (2e-6 * float (k + 1)) (1e-14 * float (k + 1))

/// Runs one product into a guarded C with guarded operands and checks C's values and every band; <c>prepare</c> gives
/// the scratch buffers the product is handed (a packed B), guarded as well, and the product itself.
let private checkProduct<'T when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType> (name: string) path (m, k, n) (transposedA, transposedB) accumulate (jFrom, jTo) prepare =
    let shapeA, shapeB = operand 1 m k transposedA, operand 2 k n transposedB
    let ldc = n + 3
    let a, b = guarded<'T> "A" shapeA.Values, guarded<'T> "B" shapeB.Values
    let c = guardedBy<'T> (ldc + Band) "C" (destination m n ldc jFrom jTo)
    let expected = reference (toFloats a.Values) shapeA (toFloats b.Values) shapeB k (toFloats c.Values) ldc accumulate
    let case =
        $"{name} on {path} in {typeName<'T>}, m {m} k {k} n {n}, columns {jFrom} to {jTo}, A {shapeA.Layout}, B {shapeB.Layout}, accumulate {accumulate}"
    let scratch, multiply = prepare a b c shapeA shapeB ldc
    runGuarded case (c :: scratch) [ a; b ] multiply
    assertValues case (productTolerance<'T> k) expected c

let private layouts = [ (false, false); (false, true); (true, false); (true, true) ]

/// Every tail of the tiling: nothing to do (m = 0, k = 0), one element, a row and a column either side of one tile,
/// tiles plus odd rests, a depth one past a packed block (KC = 256), rows past a packed block of A (MC) and columns
/// past one of B (NC = 512).
let private shapes<'T when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType> path =
    let struct (mr, nr) = Gemm.TileShape<'T>(path)
    [ (0, 3, 5); (1, 1, 1); (3, 0, 5); (mr - 1, 9, nr + 1); (mr, 8, nr); (mr + 1, 7, nr - 1); (2 * mr + 3, 17, 2 * nr + 5)
      (mr, 257, 3); (Gemm.MC + 5, 3, nr + 3); (5, 4, 515) ]

let private multiplied<'T when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType> path =
    for m, k, n in shapes<'T> path do
        for jFrom, jTo in [ (0, n); (3, n - 2) ] |> List.filter (fun (first, last) -> first < last || n = 0) do
            for layout in layouts do
                for accumulate in [ false; true ] do
                    checkProduct<'T> "Gemm.Multiply" path (m, k, n) layout accumulate (jFrom, jTo) (fun a b c shapeA shapeB ldc ->
                        [],
                        fun () ->
                            Gemm.Multiply<'T>(
                                path, m, k, a.Input, shapeA.RowStride, shapeA.ColumnStride, b.Input, shapeB.RowStride, shapeB.ColumnStride,
                                c.Span, ldc, accumulate, jFrom, jTo))

[<Theory>]
[<OnPath(KernelPath.Portable)>]
[<OnPath(KernelPath.Vector128)>]
[<OnPath(KernelPath.Vector256)>]
[<OnPath(KernelPath.Vector512)>]
let ``a product writes exactly its columns of C at every tile and block edge and nothing around them`` (path: KernelPath) =
    multiplied<float32> path
    multiplied<float> path

let private multipliedPacked<'T when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType> path =
    let struct (_, nr) = Gemm.TileShape<'T>(path)
    for m, k, n in shapes<'T> path do
        for jFrom, jTo in [ (0, n); (nr, n - 1) ] |> List.filter (fun (first, last) -> first < last || n = 0) do
            for layout in layouts do
                for accumulate in [ false; true ] do
                    checkProduct<'T> "Gemm.MultiplyPackedB" path (m, k, n) layout accumulate (jFrom, jTo) (fun a b c shapeA shapeB ldc ->
                        let packed = guarded<'T> "the packed B" (Array.zeroCreate (Gemm.PackedBLength<'T>(path, k, n)))
                        [ packed ],
                        fun () ->
                            Gemm.PackWholeB<'T>(path, k, n, b.Input, shapeB.RowStride, shapeB.ColumnStride, packed.Span)
                            Gemm.MultiplyPackedB<'T>(
                                path, m, k, a.Input, shapeA.RowStride, shapeA.ColumnStride, packed.Input, n, c.Span, ldc, accumulate, jFrom, jTo))

[<Theory>]
[<OnPath(KernelPath.Portable)>]
[<OnPath(KernelPath.Vector128)>]
[<OnPath(KernelPath.Vector256)>]
[<OnPath(KernelPath.Vector512)>]
let ``packing a whole B fills exactly its buffer, and a product through it writes exactly its columns of C`` (path: KernelPath) =
    multipliedPacked<float32> path
    multipliedPacked<float> path

let private multipliedByTeam<'T when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType> (pool: WorkerPool) path =
    // Both above GemmTeam.MinimumParallelWork, so both split: by columns (more columns than rows) and by rows (tall).
    for m, k, n in [ (40, 60, 130); (301, 31, 29) ] do
        Assert.True(int64 m * int64 n * int64 k >= GemmTeam<'T>.MinimumParallelWork, $"{m} × {k} × {n} runs on one thread")
        for layout in [ (false, true); (true, false) ] do
            for accumulate in [ false; true ] do
                checkProduct<'T> "GemmTeam.Multiply on two threads" path (m, k, n) layout accumulate (0, n) (fun a b c shapeA shapeB ldc ->
                    [],
                    fun () ->
                        GemmTeam<'T>(pool).Multiply(
                            path, m, n, k, a.Input, shapeA.RowStride, shapeA.ColumnStride, b.Input, shapeB.RowStride, shapeB.ColumnStride,
                            c.Span, ldc, accumulate, ReadOnlySpan<'T>.Empty))

[<Theory>]
[<OnPath(KernelPath.Portable)>]
[<OnPath(KernelPath.Vector128)>]
[<OnPath(KernelPath.Vector256)>]
[<OnPath(KernelPath.Vector512)>]
let ``a product split over two threads writes exactly C's columns, whichever way it is cut`` (path: KernelPath) =
    use pool = new WorkerPool(2)
    multipliedByTeam<float32> pool path
    multipliedByTeam<float> pool path

/// A micro-kernel's call: the packed A, the packed B, C and C's row stride.
type private TileRun<'T> = delegate of byref<'T> * byref<'T> * byref<'T> * int -> unit

/// One register tile, MR × NR, from packed slivers into a C whose rows are ldc = NR + 5 apart.
let private tile<'T when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType> (name: string) path (mr, nr) kc add (run: TileRun<'T>) =
    let ldc = nr + 5
    let a, b = guarded<'T> "the packed A" (uniform 1 (kc * mr)), guarded<'T> "the packed B" (uniform 2 (kc * nr))
    let c = guardedBy<'T> (ldc + Band) "C" (destination mr nr ldc 0 nr)
    let packedA, packedB, before = toFloats a.Values, toFloats b.Values, toFloats c.Values
    let expected =
        before |> Array.mapi (fun e value ->
            if Double.IsNaN value then nan
            else (if add then value else 0.0) + Seq.sum (seq { for p in 0 .. kc - 1 -> packedA[p * mr + e / ldc] * packedB[p * nr + e % ldc] }))
    let case = $"{name} on {path} in {typeName<'T>}, {mr} × {nr}, depth {kc}, add {add}"
    let wholeA, wholeB, wholeC = a.Whole, b.Whole, c.Whole
    runGuarded case [ c ] [ a; b ] (fun () -> run.Invoke(&wholeA[a.Start], &wholeB[b.Start], &wholeC[c.Start], ldc))
    assertValues case (productTolerance<'T> kc) expected c

let private tiles<'T when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType> path =
    for kc in [ 1; 2; 7 ] do
        for add in [ false; true ] do
            let struct (mr, nr) = Gemm.TileShape<'T>(path)
            tile<'T> "MicroKernels.Run" path (mr, nr) kc add (TileRun(fun a b c ldc -> MicroKernels.Run<'T>(path, &a, &b, kc, &c, ldc, add)))
            if path = KernelPath.Vector128 then
                // ARM64's 8 × 3-vector tile, which this CPU's Vector128 path may not take but can run.
                let wide = (MicroKernels128.RowsWide, MicroKernels128.VectorsWide * Vector128<'T>.Count)
                tile<'T> "MicroKernels128.KernelWide" path wide kc add (TileRun(fun a b c ldc -> MicroKernels128.KernelWide<'T>(&a, &b, kc, &c, ldc, add)))

[<Theory>]
[<OnPath(KernelPath.Portable)>]
[<OnPath(KernelPath.Vector128)>]
[<OnPath(KernelPath.Vector256)>]
[<OnPath(KernelPath.Vector512)>]
let ``a micro-kernel writes exactly its tile of C and nothing between or around its rows`` (path: KernelPath) =
    tiles<float32> path
    tiles<float> path

/// destination[p·dStride + r] = source[r·sStride + p] for blocks of rows and every depth around the block's.
let private transposed<'T when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType> path =
    let block = Vector256<'T>.Count
    for rows in [ block; 2 * block; 3 * block ] do
        Assert.True(BlockTranspose.Applies<'T>(path, rows), $"{path} does not transpose {rows} rows of {typeName<'T>}")
        for count in [ 0; 1; block - 1; block; block + 1; 2 * block + 3 ] do
            let sourceStride, destinationStride = count + 3, rows + 5
            let source = guarded<'T> "the source" (Array.init (rows * sourceStride) (fun e -> if e % sourceStride < count then float e / 100.0 else nan))
            let length = if count = 0 then 0 else (count - 1) * destinationStride + rows
            let target = guardedBy<'T> (destinationStride + Band) "the destination" (Array.create length nan)
            let values = toFloats source.Values
            let expected = Array.init length (fun e -> if e % destinationStride < rows then values[(e % destinationStride) * sourceStride + e / destinationStride] else nan)
            let case = $"BlockTranspose.Copy on {path} in {typeName<'T>}, {rows} rows of {count}"
            let wholeSource, wholeTarget = source.Whole, target.Whole
            runGuarded case [ target ] [ source ] (fun () ->
                BlockTranspose.Copy<'T>(&wholeSource[source.Start], sourceStride, rows, count, &wholeTarget[target.Start], destinationStride))
            assertValues case 0.0 expected target

[<Theory>]
[<OnPath(KernelPath.Vector256)>]
[<OnPath(KernelPath.Vector512)>]
let ``a block transpose writes exactly its rows' columns and nothing between or around them`` (path: KernelPath) =
    transposed<float32> path
    transposed<float> path
