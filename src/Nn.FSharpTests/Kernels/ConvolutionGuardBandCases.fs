/// What the guard-band tests of the convolution and pooling kernels share beyond the guarded buffers themselves
/// (GuardedBuffers): a destination at a random place in a cache line with bands wide enough for a row, a plane or a
/// sample run over; the element types and kernel paths they run on; the definition's tolerance; and random convolution
/// shapes, bounded so that a test stays quick. A write past a destination's end shows here, where in a training run it
/// would land in some other object of the heap (one run of the suite saw a fresh two-element array read Infinity).
module Nn.Tests.Kernels.ConvolutionGuardBandCases

open System
open System.Globalization
open System.Runtime.InteropServices
open Nn.Kernels
open Nn.Tests.Kernels.GuardedBuffers
open Xunit

/// A destination of `length` markers named `name`, drawn from `random` to start 0 to 15 elements past a cache line,
/// with bands of <see cref="wideBand"/>.
let guardedFor<'T> (random: Random) (name: string) (length: int) : Guarded<'T> =
    guardedAt<'T> (wideBand length) (random.Next 16) name length

/// An element type the kernels run in: its conversions from and to double, the value a destination holds before a
/// kernel writes it (a NaN no kernel makes and no marker has, so that a value it fails to write shows) and the
/// tolerance of a sum relative to its magnitude Σ|term|.
type Element<'T> = { Name: string; Of: float -> 'T; Value: 'T -> float; Unwritten: 'T; Tolerance: float }

/// float: the error of a sum of n terms of magnitude m in any order stays within n·2⁻²⁴·m, and the convolutions here sum
/// at most a few thousand terms, where rounding errors grow more like √n; 1e-4 of the magnitude holds them and still
/// sees a term missing or counted twice.
let singles =
    { Name = "float"; Of = float32; Value = float
      Unwritten = BitConverter.Int32BitsToSingle 0x7FC00042; Tolerance = 1e-4 }

/// double: as float, with 2⁻⁵³.
let doubles =
    { Name = "double"; Of = id; Value = id
      Unwritten = BitConverter.Int64BitsToDouble 0x7FF8000000000042L; Tolerance = 1e-12 }

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
