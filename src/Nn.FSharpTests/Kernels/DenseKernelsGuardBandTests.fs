/// Guard bands around the destinations of a dense layer's kernels and of im2col and its adjoint (GuardedBuffers):
/// DenseKernels' three products (through the small-batch loops below four rows and Gemm above), the bias broadcast and
/// the column sums, and ColumnTransfer's gather and scatter on one thread or two, on every kernel path this CPU runs,
/// in float and double. Each writes exactly the plain loop's values into its slice and nothing outside it.
module Nn.Tests.Kernels.DenseKernelsGuardBandTests

open System
open System.Numerics
open Nn.Kernels
open Nn.Tests.Kernels.GuardedBuffers
open Nn.Tests.Kernels.KernelPathData
open Xunit

/// Σ_p left(i, p) right(p, j) for an r × c result, the operands given as functions of their indices.
let private product rows columns depth (left: int -> int -> float) (right: int -> int -> float) =
    Array.init (rows * columns) (fun e -> Seq.sum (seq { for p in 0 .. depth - 1 -> left (e / columns) p * right p (e % columns) }))

let private denseProducts<'T when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType> path =
    // Below, at and above DenseKernels.SmallBatch (4), where the products leave the row loops for Gemm.
    for rows in [ 0; 1; 3; 4; 5; 13 ] do
        for inputs in [ 1; 33 ] do
            for outputs in [ 1; 17 ] do
                let x, w, delta = guarded<'T> "X" (uniform 1 (rows * inputs)), guarded<'T> "W" (uniform 2 (outputs * inputs)), guarded<'T> "δ" (uniform 3 (rows * outputs))
                let xs, ws, ds = toFloats x.Values, toFloats w.Values, toFloats delta.Values
                let check name (destination: Guarded<'T>) (inputs': Guarded<'T> list) expected depth (run: unit -> unit) =
                    let case = $"DenseKernels.{name} on {path} in {typeName<'T>}, {rows} rows, {inputs} inputs, {outputs} outputs"
                    runGuarded case [ destination ] inputs' run
                    assertValues case (tolerance<'T> (2e-6 * float (depth + 1)) (1e-14 * float (depth + 1))) expected destination
                let z = guarded<'T> "Z" (uniform 4 (rows * outputs))
                let zExpected = product rows outputs inputs (fun i k -> xs[i * inputs + k]) (fun k j -> ws[j * inputs + k])
                check "MultiplyByTransposeInto" z [ x; w ] zExpected inputs (fun () ->
                    DenseKernels.MultiplyByTransposeInto<'T>(x.Input, rows, inputs, w.Input, outputs, z.Span, path))
                let dw = guarded<'T> "∂W" (uniform 5 (outputs * inputs))
                let dwBefore = toFloats dw.Values
                let dwProduct = product outputs inputs rows (fun j i -> ds[i * outputs + j]) (fun i k -> xs[i * inputs + k])
                check "AddTransposeProductInto" dw [ x; delta ] (Array.map2 (+) dwBefore dwProduct) rows (fun () ->
                    DenseKernels.AddTransposeProductInto<'T>(delta.Input, rows, outputs, x.Input, inputs, dw.Span, path))
                let dwOver = guarded<'T> "∂W" (uniform 6 (outputs * inputs))
                check "TransposeProductInto" dwOver [ x; delta ] dwProduct rows (fun () ->
                    DenseKernels.TransposeProductInto<'T>(delta.Input, rows, outputs, x.Input, inputs, dwOver.Span, path))
                let dx = guarded<'T> "∂X" (uniform 7 (rows * inputs))
                let dxExpected = product rows inputs outputs (fun i j -> ds[i * outputs + j]) (fun j k -> ws[j * inputs + k])
                check "MultiplyInto" dx [ delta; w ] dxExpected outputs (fun () ->
                    DenseKernels.MultiplyInto<'T>(delta.Input, rows, outputs, w.Input, inputs, dx.Span, path))
                let bias = guarded<'T> "b" (uniform 8 outputs)
                let biased = guarded<'T> "Z" (uniform 9 (rows * outputs))
                let bs, zs = toFloats bias.Values, toFloats biased.Values
                check "AddRowVectorInto" biased [ bias ] (zs |> Array.mapi (fun e z -> z + bs[e % outputs])) 1 (fun () ->
                    DenseKernels.AddRowVectorInto<'T>(bias.Input, rows, biased.Span))
                let db = guarded<'T> "∂b" (uniform 10 outputs)
                let dbBefore = toFloats db.Values
                let sums = Array.init outputs (fun j -> dbBefore[j] + Seq.sum (seq { for i in 0 .. rows - 1 -> ds[i * outputs + j] }))
                check "AddColumnSumsInto" db [ delta ] sums rows (fun () -> DenseKernels.AddColumnSumsInto<'T>(delta.Input, rows, db.Span))

[<Theory>]
[<OnPath(KernelPath.Auto)>]
[<OnPath(KernelPath.Portable)>]
[<OnPath(KernelPath.Vector128)>]
[<OnPath(KernelPath.Vector256)>]
[<OnPath(KernelPath.Vector512)>]
let ``a dense layer's kernels write exactly their destinations at every batch size and nothing around them`` (path: KernelPath) =
    use _ = KernelScope.Enter path
    denseProducts<float32> path
    denseProducts<float> path

/// Convolutions whose im2col takes each of ColumnTransfer's forms: whole output rows at stride 1 without padding (one
/// narrow, one wide enough for the vector copies' overlapping last vector), padding on every side, a stride of 2,
/// padding wider than the kernel leaves, and a 1 × 1 kernel.
let private geometries =
    let geometry channels height width kernelHeight kernelWidth stride padding =
        ColumnTransfer.Geometry(
            channels, height, width, kernelHeight, kernelWidth, stride, padding,
            (height + 2 * padding - kernelHeight) / stride + 1, (width + 2 * padding - kernelWidth) / stride + 1)
    [ geometry 2 5 7 3 3 1 0; geometry 3 4 37 2 5 1 0; geometry 2 5 7 3 3 1 1; geometry 1 6 9 3 2 2 1; geometry 1 3 3 3 3 1 2
      geometry 2 9 20 1 1 1 0 ]

/// The columns entry of each (row of X̂, sample, output position) and the input index it copies, or −1 on padding.
let private pairs (g: ColumnTransfer.Geometry) rows =
    [| for c in 0 .. g.Channels - 1 do
           for u in 0 .. g.KernelHeight - 1 do
               for v in 0 .. g.KernelWidth - 1 do
                   for n in 0 .. rows - 1 do
                       for i in 0 .. g.OutputHeight - 1 do
                           for j in 0 .. g.OutputWidth - 1 do
                               let y, x = i * g.Stride + u - g.Padding, j * g.Stride + v - g.Padding
                               let entry = ((c * g.KernelHeight + u) * g.KernelWidth + v) * rows * g.Positions + n * g.Positions + i * g.OutputWidth + j
                               let inside = y >= 0 && y < g.Height && x >= 0 && x < g.Width
                               entry, (if inside then n * g.InputSize + (c * g.Height + y) * g.Width + x else -1) |]

let private columnTransfers<'T when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType>
    path (pool: WorkerPool) =
    for g in geometries do
        for rows in [ 1; 3 ] do
            let paired = pairs g rows
            for threads in [ (null: WorkerPool | null); pool ] do
                let where = $"on {path} in {typeName<'T>}, {g}, {rows} rows, pool {not (isNull threads)}"
                let image = guarded<'T> "the image" (uniform 1 (rows * g.InputSize))
                let columns = guarded<'T> "the columns" (uniform 2 (g.Patch * g.Positions * rows))
                let imageValues = toFloats image.Values
                let gathered = Array.zeroCreate columns.Length
                for entry, at in paired do
                    gathered[entry] <- if at < 0 then 0.0 else imageValues[at]
                runGuarded ("ImageToColumns " + where) [ columns ] [ image ] (fun () ->
                    ConvolutionKernels.ImageToColumns<'T>(image.Input, rows, g, columns.Span, threads))
                assertValues ("ImageToColumns " + where) 0.0 gathered columns
                let gradient = guarded<'T> "∂X̂" (uniform 3 (g.Patch * g.Positions * rows))
                let target = guarded<'T> "∂x" (uniform 4 (rows * g.InputSize))
                let entries = toFloats gradient.Values
                let scattered = Array.zeroCreate target.Length
                for entry, at in paired do
                    if at >= 0 then scattered[at] <- scattered[at] + entries[entry]
                runGuarded ("ColumnsToImage " + where) [ target ] [ gradient ] (fun () ->
                    ConvolutionKernels.ColumnsToImage<'T>(gradient.Input, rows, g, target.Span, threads))
                assertValues ("ColumnsToImage " + where) (tolerance<'T> 1e-5 1e-13) scattered target

[<Theory>]
[<OnPath(KernelPath.Auto)>]
[<OnPath(KernelPath.Portable)>]
[<OnPath(KernelPath.Vector128)>]
[<OnPath(KernelPath.Vector256)>]
[<OnPath(KernelPath.Vector512)>]
let ``im2col and its adjoint write exactly their destinations on one thread or two and nothing around them`` (path: KernelPath) =
    use _ = KernelScope.Enter path
    use pool = new WorkerPool(2)
    columnTransfers<float32> path pool
    columnTransfers<float> path pool
