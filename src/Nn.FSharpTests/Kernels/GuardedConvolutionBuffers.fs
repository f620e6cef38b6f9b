/// What the guard-band tests of the convolution and pooling kernels share: destinations that are slices in the middle
/// of larger arrays whose values outside the slice hold a marker, compared by bits after the kernel ran, so that a write
/// through a pointer past either end of what a kernel was given shows here, where in a training run it would land in
/// some other object of the heap (one run of the suite saw a fresh two-element array read Infinity); the element types
/// and kernel paths they run on; and random convolution shapes, bounded so that a test stays quick.
module Nn.Tests.Kernels.GuardedConvolutionBuffers

open System
open System.Globalization
open System.Runtime.InteropServices
open Nn.Kernels
open Xunit

/// The values each side of a slice: more than the widest vector, and the slice's own length up to 4,096 values, so that
/// an overrun by a vector, a row, a filter's plane or a small sample lands on markers rather than past them. A longer
/// overrun starts on the markers too; only a write that skips the whole band would pass, and a band as long as a
/// scratch of 150,000 values made the tests take seconds.
let private bandLength length = 64 + min length 4096

/// A destination of `length` values starting `offset` values past a cache line, inside an array whose values outside
/// the slice are `marker`.
type Guarded<'T when 'T: unmanaged and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType>(length: int, marker: 'T, offset: int) =
    let band = bandLength length
    let lineValues = 64 / sizeof<'T>
    // Pinned, so that the slice's place within a cache line, chosen here, is where the kernel finds it.
    let values = GC.AllocateArray<'T>(band + lineValues + length + band, true)
    let start =
        let past = int (Marshal.UnsafeAddrOfPinnedArrayElement(values, band).ToInt64() % 64L) / sizeof<'T>
        band + (lineValues - past) % lineValues + offset % lineValues
    // The bands are at most band + two cache lines long (the slice moves by less than a line each way).
    let markers = Array.create (band + 2 * lineValues) marker
    do Array.Fill(values, marker)

    member _.Length = length
    member _.Span = Span<'T>(values, start, length)
    member _.Values = Array.sub values start length

    /// Puts `inside` into the slice (as many values as it has, from its start).
    member _.Fill(inside: 'T[]) = inside.AsSpan().CopyTo(Span<'T>(values, start, length))

    /// Fails, naming `what`, when a value outside the slice no longer has the marker's bits: how many changed on each
    /// side and how far from the slice the farthest lies.
    member _.AssertBandsIntact(what: string) =
        let intact (from: int) count =
            MemoryMarshal.AsBytes(ReadOnlySpan<'T>(values, from, count)).SequenceEqual(MemoryMarshal.AsBytes(ReadOnlySpan<'T>(markers, 0, count)))
        let changed from count =
            [ for i in from .. from + count - 1 do
                  if not (intact i 1) then yield i ]
        let after = start + length
        let before, beyond = start, values.Length - after
        if not (intact 0 before) then
            let written = changed 0 before
            Assert.Fail(String.Format(CultureInfo.InvariantCulture, "{0}: {1} values before the slice were written, the farthest {2} values before its start", what, written.Length, start - List.min written))
        if not (intact after beyond) then
            let written = changed after beyond
            Assert.Fail(String.Format(CultureInfo.InvariantCulture, "{0}: {1} values after the slice were written, the farthest {2} values past its end", what, written.Length, List.max written - after + 1))

/// An element type the kernels run in: its conversions from and to double, the marker of the bands (a NaN with a
/// payload no kernel makes), the value a destination holds before a kernel writes it (another NaN, so that a value it
/// fails to write shows) and the tolerance of a sum relative to its magnitude Σ|term|.
type Element<'T> = { Name: string; Of: float -> 'T; Value: 'T -> float; Marker: 'T; Unwritten: 'T; Tolerance: float }

/// float: the error of a sum of n terms of magnitude m in any order stays within n·2⁻²⁴·m, and the convolutions here sum
/// at most a few thousand terms, where rounding errors grow more like √n; 1e-4 of the magnitude holds them and still
/// sees a term missing or counted twice.
let singles =
    { Name = "float"; Of = float32; Value = float; Marker = BitConverter.Int32BitsToSingle 0x7FC0A5A5
      Unwritten = BitConverter.Int32BitsToSingle 0x7FC00042; Tolerance = 1e-4 }

/// double: as float, with 2⁻⁵³.
let doubles =
    { Name = "double"; Of = id; Value = id; Marker = BitConverter.Int64BitsToDouble 0x7FF8A5A5A5A5A5A5L
      Unwritten = BitConverter.Int64BitsToDouble 0x7FF8000000000042L; Tolerance = 1e-12 }

/// The marker of an int destination (an argmax): negative, so no position.
[<Literal>]
let IndexMarker = 0xA5A5A5A5

/// The paths the tests call every kernel on: the process's own (Auto, the widest this CPU runs unless NN_KERNELS says
/// otherwise) and every narrower one this CPU runs.
let guardedPaths =
    [ KernelPath.Auto; KernelPath.Vector512; KernelPath.Vector256; KernelPath.Vector128; KernelPath.Portable ]
    |> List.filter KernelSelection.IsSupported
    |> List.distinctBy KernelSelection.Resolve

/// Fails, naming `what` and the first value off, unless every value is within the element's tolerance of the
/// definition's, scaled by the value's magnitude.
let assertNear (element: Element<'T>) (what: string) (expected: float[]) (magnitude: float[]) (actual: 'T[]) =
    Assert.Equal(expected.Length, actual.Length)
    for i in 0 .. expected.Length - 1 do
        let value = element.Value actual[i]
        if not (abs (value - expected[i]) <= element.Tolerance * (magnitude[i] + 1.0)) then
            Assert.Fail(String.Format(CultureInfo.InvariantCulture, "{0}: value {1} of {2} is {3:R} where the definition gives {4:R}", what, i, actual.Length, value, expected[i]))

/// Whether two arrays hold the same bits (NaN payloads and the sign of zero included).
let sameBits<'T when 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType> (expected: 'T[]) (actual: 'T[]) =
    MemoryMarshal.AsBytes(ReadOnlySpan expected).SequenceEqual(MemoryMarshal.AsBytes(ReadOnlySpan actual))

/// Values in [-1, 1) from a seed, rounded to the element type (so that the definition in double reads what the kernel reads).
let randomValues (element: Element<'T>) (random: Random) length = Array.init length (fun _ -> element.Of(random.NextDouble() * 2.0 - 1.0))

/// Channel and filter counts around the lane widths: 8 and 16 floats, 4 and 8 doubles, and the 16-lane room.
let laneCounts = [| 1; 7; 8; 9; 15; 16; 17; 31; 33 |]

/// Batches of one sample, odd batches and batches past one slice of ConvolutionPasses.SliceRows samples.
let batchSizes = [| 1; 2; 3; 5; 8; 9; 17 |]

/// How a convolution's geometry runs: straight from the image, with the filters as lanes, or through im2col and the GEMM.
type ConvolutionForm =
    | Direct
    | FilterLanes
    | Products

/// One convolution of the tests: its sizes, its filters and its batch.
type ConvolutionShape =
    { Geometry: ColumnTransfer.Geometry; Filters: int; Rows: int }

    member s.Outputs = s.Filters * s.Geometry.Positions

    override s.ToString() =
        let g = s.Geometry
        String.Format(
            CultureInfo.InvariantCulture,
            "{0}x{1}x{2} input, {3} filters of {4}x{5}, stride {6}, padding {7}, {8} rows",
            g.Channels, g.Height, g.Width, s.Filters, g.KernelHeight, g.KernelWidth, g.Stride, g.Padding, s.Rows)

/// A shape from its sizes, its output computed as a layer computes it.
let convolutionShape (channels, height, width) filters (kernelHeight, kernelWidth) stride padding rows =
    let outputHeight = (height + 2 * padding - kernelHeight) / stride + 1
    let outputWidth = (width + 2 * padding - kernelWidth) / stride + 1
    { Geometry = ColumnTransfer.Geometry(channels, height, width, kernelHeight, kernelWidth, stride, padding, outputHeight, outputWidth)
      Filters = filters; Rows = rows }

/// The form a geometry takes on a vector path (the portable path runs the filter-lanes form's geometries through the GEMM).
let formOf (g: ColumnTransfer.Geometry) =
    if DirectConvolution.Suits g then Direct
    elif FilterLanesConvolution.Fits g then FilterLanes
    else Products

/// A random shape of the form: channels and filters around the lane widths, kernels of 1 to 7, strides of 1 to 3 (the
/// GEMM's), paddings of 0 to 3, images from 1x1 to 32x32, batches of 1 to 17; drawn again until its products, its
/// scratch and its input are small enough for a quick test.
let rec randomShape (random: Random) form =
    let pick (values: int[]) = values[random.Next values.Length]
    let side () = if random.Next 3 = 0 then 1 + random.Next 32 else 1 + random.Next 12
    let channels = if random.Next 2 = 0 then pick laneCounts else 1 + random.Next 3
    let height, width = side (), side ()
    let kernelHeight, kernelWidth = 1 + random.Next 7, 1 + random.Next 7
    let stride = if form = Products then 1 + random.Next 3 else 1
    let padding = random.Next 4
    let filters = if random.Next 2 = 0 then pick laneCounts else 1 + random.Next 6
    let rows = pick batchSizes
    if height + 2 * padding < kernelHeight || width + 2 * padding < kernelWidth then
        randomShape random form
    else
        let shape = convolutionShape (channels, height, width) filters (kernelHeight, kernelWidth) stride padding rows
        let g = shape.Geometry
        let products = int64 rows * int64 shape.Outputs * int64 g.Patch
        if formOf g <> form || products > 150_000L || ConvolutionPasses.ScratchLength(g, filters, rows) > 150_000L || rows * g.InputSize > 30_000 then
            randomShape random form
        else
            shape
