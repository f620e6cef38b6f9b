/// Guard bands for kernels that write through pointers and unchecked references: every buffer a kernel is handed is a
/// slice in the middle of a larger array whose other elements hold a marker, so a write before the slice's start or
/// past its end, which in a real run would land in some other object on the heap, changes a marker the test sees.
/// Every guard-band test (the `*GuardBandTests` modules) builds its buffers here and checks their bands with
/// <see cref="assertGuardsIntact"/>.
module Nn.Tests.Kernels.GuardedBuffers

open System
open System.Globalization
open System.Runtime.InteropServices
open Xunit

/// Marker elements on either side of a slice unless a test asks for more: wider than two 512-bit vectors of floats, so
/// that a whole vector stored one step too far lands inside the band.
[<Literal>]
let Band = 37

/// A band for buffers that may be overrun by more than a vector (the convolutions' rows, a filter's plane, a sample,
/// their scratch): more than the widest vector plus the slice's own length up to 4,096 values. A longer overrun starts
/// on the markers too; only a write that skips the whole band would pass, and a band as long as a scratch of 150,000
/// values made the convolution tests take seconds.
let wideBand length = 64 + min length 4096

// Markers are written and compared as bits. For float and double they are signalling NaNs with payloads of their own
// (a signalling NaN handled as a value may come back quiet): no arithmetic produces them, and a kernel that reads one
// into a sum or a product and stores the result writes a quiet NaN, whose bits differ, so even a read-modify-write past
// the end shows. Inputs carry a marker of their own (runGuarded puts it there), so a kernel that copies an input's band
// into a destination's band shows as well. An int buffer (an argmax) is marked with a negative number, so no position.
let private destinationMarker<'T> =
    if typeof<'T> = typeof<float32> then 0x7F85A5A5L
    elif typeof<'T> = typeof<float> then 0x7FF5A5A5A5A5A5A5L
    else int64 0xA5A5A5A5

let private inputMarker<'T> =
    if typeof<'T> = typeof<float32> then 0x7F8A5A5AL
    elif typeof<'T> = typeof<float> then 0x7FF25A5A5A5A5A5AL
    else int64 0xA5A5A5A4

let private unsupported (values: 'T[]) : 'a =
    invalidArg (nameof values) $"guarded buffers hold float, double or int, not {typeof<'T>.Name}"

/// The name of the element type in a failure's message.
let typeName<'T> = if typeof<'T> = typeof<float32> then "float" else "double"

/// The bit patterns of float, double or int values, widened to 64 bits, to compare markers exactly.
let private bits (values: 'T[]) : int64[] =
    match box values with
    | :? (float32[]) as singles -> MemoryMarshal.Cast<float32, int>(ReadOnlySpan singles).ToArray() |> Array.map int64
    | :? (float[]) as doubles -> MemoryMarshal.Cast<float, int64>(ReadOnlySpan doubles).ToArray()
    | :? (int[]) as ints -> ints |> Array.map int64
    | _ -> unsupported values

/// Writes <c>pattern</c> as the bits of element <c>index</c>.
let private setBits (values: 'T[]) (index: int) (pattern: int64) =
    match box values with
    | :? (float32[]) as singles -> MemoryMarshal.Cast<float32, int>(Span singles)[index] <- int pattern
    | :? (float[]) as doubles -> MemoryMarshal.Cast<float, int64>(Span doubles)[index] <- pattern
    | :? (int[]) as ints -> ints[index] <- int pattern
    | _ -> unsupported values

/// Writes <c>pattern</c> as the bits of every element, or of every element that holds <c>only</c>'s bits.
let private fillBits (values: 'T[]) (only: int64 option) (pattern: int64) =
    match box values, only with
    | :? (float32[]) as singles, Some old -> MemoryExtensions.Replace(MemoryMarshal.Cast<float32, int>(Span singles), int old, int pattern)
    | :? (float32[]) as singles, None -> MemoryMarshal.Cast<float32, int>(Span singles).Fill(int pattern)
    | :? (float[]) as doubles, Some old -> MemoryExtensions.Replace(MemoryMarshal.Cast<float, int64>(Span doubles), old, pattern)
    | :? (float[]) as doubles, None -> MemoryMarshal.Cast<float, int64>(Span doubles).Fill pattern
    | :? (int[]) as ints, Some old -> MemoryExtensions.Replace(Span ints, int old, int pattern)
    | :? (int[]) as ints, None -> Span(ints).Fill(int pattern)
    | _ -> unsupported values

/// The index of the first of <c>count</c> elements from <c>from</c> whose bits are not <c>pattern</c>, or -1: searched
/// a vector at a time, so that a wide band costs little.
let private firstOther (values: 'T[]) (from: int) (count: int) (pattern: int64) =
    match box values with
    | :? (float32[]) as singles -> MemoryExtensions.IndexOfAnyExcept(MemoryMarshal.Cast<float32, int>(ReadOnlySpan(singles, from, count)), int pattern)
    | :? (float[]) as doubles -> MemoryExtensions.IndexOfAnyExcept(MemoryMarshal.Cast<float, int64>(ReadOnlySpan(doubles, from, count)), pattern)
    | :? (int[]) as ints -> MemoryExtensions.IndexOfAnyExcept(ReadOnlySpan(ints, from, count), int pattern)
    | _ -> unsupported values

/// The indices in [from, until) whose bits are not <c>pattern</c>.
let rec private othersBetween (values: 'T[]) (from: int) (until: int) (pattern: int64) =
    match firstOther values from (until - from) pattern with
    | -1 -> []
    | found -> from + found :: othersBetween values (from + found + 1) until pattern

/// Double values as the element type, rounded to float for float; a NaN stands for the destination marker.
let ofFloats<'T> (values: float[]) : 'T[] =
    let converted =
        if typeof<'T> = typeof<float32> then unbox<'T[]> (box (values |> Array.map float32))
        else unbox<'T[]> (box (Array.copy values))
    values |> Array.iteri (fun i v -> if Double.IsNaN v then setBits converted i destinationMarker<'T>)
    converted

/// The element type's values as doubles (a marker becomes a NaN).
let toFloats (values: 'T[]) : float[] =
    match box values with
    | :? (float32[]) as singles -> singles |> Array.map float
    | :? (float[]) as doubles -> Array.copy doubles
    | _ -> invalidArg (nameof values) $"the kernels run on float and double, not {typeof<'T>.Name}"

/// A slice of <c>Length</c> elements at <c>Start</c> in <c>Whole</c>, whose other elements are markers; <c>Whole</c>
/// is pinned, so that the slice's place within a cache line, chosen when it was made, is where a kernel finds it.
type Guarded<'T> =
    { Name: string
      Whole: 'T[]
      Start: int
      Length: int }

    member this.Span = Span<'T>(this.Whole, this.Start, this.Length)
    member this.Input = ReadOnlySpan<'T>(this.Whole, this.Start, this.Length)
    member this.Values = Array.sub this.Whole this.Start this.Length

    /// Puts <c>inside</c> into the slice (as many values as it has, from its start).
    member this.Fill(inside: 'T[]) = inside.AsSpan().CopyTo this.Span

    /// The buffer, after <see cref="Fill"/> with <c>inside</c>.
    member this.Filled(inside: 'T[]) =
        this.Fill inside
        this

/// <c>length</c> destination markers, starting <c>offset</c> elements (modulo a line) past a 64-byte cache line, with at
/// least <c>band</c> markers on either side.
let guardedAt<'T> (band: int) (offset: int) (name: string) (length: int) : Guarded<'T> =
    let lineValues = 64 / sizeof<'T>
    // Two lines of room: up to one to reach a line's start, up to one more for the offset.
    let whole = GC.AllocateArray<'T>(band + 2 * lineValues + length + band, pinned = true)
    fillBits whole None destinationMarker<'T>
    let past = int (Marshal.UnsafeAddrOfPinnedArrayElement(whole, band).ToInt64() % 64L) / sizeof<'T>
    let start = band + (lineValues - past) % lineValues + offset % lineValues
    { Name = name; Whole = whole; Start = start; Length = length }

/// <c>values</c> (NaN for a marker inside the slice, such as the gap between a strided matrix's rows) in a slice with
/// <c>band</c> markers on either side, an odd number of elements past a cache line (so off every vector alignment of
/// float and double), which one depending on the length.
let guardedBy<'T> (band: int) (name: string) (values: float[]) : Guarded<'T> =
    let buffer = guardedAt<'T> band (2 * values.Length + 1) name values.Length
    buffer.Fill(ofFloats<'T> values)
    buffer

/// <c>values</c> in a slice with <see cref="Band"/> markers on either side.
let guarded<'T> (name: string) (values: float[]) : Guarded<'T> = guardedBy<'T> Band name values

/// Fails, naming the case and the buffer, where a marker outside the slice has changed: how many changed on each side,
/// and the nearest and the farthest from the slice.
let assertGuardsIntact (case: string) (buffer: Guarded<'T>) =
    let marker = destinationMarker<'T>
    let finish = buffer.Start + buffer.Length
    let before = othersBetween buffer.Whole 0 buffer.Start marker |> List.map (fun i -> buffer.Start - i)
    let after = othersBetween buffer.Whole finish buffer.Whole.Length marker |> List.map (fun i -> i - finish + 1)
    let side (distances: int list) (where: string) (from: string) =
        if distances.IsEmpty then []
        else [ String.Format(CultureInfo.InvariantCulture, "{0} {1}, the nearest {2} and the farthest {3} {4}", distances.Length, where, List.min distances, List.max distances, from) ]
    match side before "before its start" "before it" @ side after "past its end" "past it" with
    | [] -> ()
    | sides ->
        Assert.Fail(
            String.Format(
                CultureInfo.InvariantCulture, "{0}: the bands around {2} ({3} values) changed at {1} of their markers: {4}",
                case, before.Length + after.Length, buffer.Name, buffer.Length, String.Join("; ", sides)))

/// Fails, naming the case, the buffer and the element, where the slice does not hold <c>expected</c>: each element
/// within <c>tolerance</c> × (1 + |expected|), or, where expected is NaN, still the marker bits it was given.
let assertValues (case: string) (tolerance: float) (expected: float[]) (buffer: Guarded<'T>) =
    Assert.True(expected.Length = buffer.Length, $"{case}: the reference for {buffer.Name} has {expected.Length} elements, the slice {buffer.Length}")
    let marker = destinationMarker<'T>
    let actualBits = bits buffer.Values
    let actual = toFloats buffer.Values
    let fail (format: string) i (value: float) = Assert.Fail(String.Format(CultureInfo.InvariantCulture, format, case, buffer.Name, i, value, expected[i]))
    for i in 0 .. expected.Length - 1 do
        if Double.IsNaN expected[i] then
            if actualBits[i] <> marker then
                fail "{0}: {1}[{2}] is not to be written but holds {3:R}" i actual[i]
        elif not (abs (actual[i] - expected[i]) <= tolerance * (1.0 + abs expected[i])) then
            fail "{0}: {1}[{2}] is {3:R}, expected {4:R}" i actual[i]

/// Runs <c>kernel</c>, then fails where it wrote outside any destination's slice or anywhere in an input's array.
let runGuarded (case: string) (destinations: Guarded<'T> list) (inputs: Guarded<'T> list) (kernel: unit -> unit) =
    for input in inputs do
        fillBits input.Whole (Some destinationMarker<'T>) inputMarker<'T>
    let before = inputs |> List.map (fun input -> bits input.Whole)
    kernel ()
    for destination in destinations do
        assertGuardsIntact case destination
    for input, original in List.zip inputs before do
        Assert.True((bits input.Whole = original), $"{case}: the input {input.Name} changed")

/// The rounding a comparison with a double reference allows: <c>single</c> for float, <c>double</c> for double.
let tolerance<'T> (single: float) (double: float) = if typeof<'T> = typeof<float32> then single else double

/// Values drawn uniformly from [−1, 1) by a seeded generator.
let uniform (seed: int) (length: int) = Nn.Tests.Helpers.uniformValues seed length

/// A value of the element type.
let scalar<'T> (value: float) : 'T = (ofFloats<'T> [| value |])[0]

/// Lengths around every vector width (4, 8 and 16 floats; 2, 4 and 8 doubles), the two- and four-vector steps of the
/// unrolled loops, and a long one with an odd tail.
let lengths = [ 0; 1; 2; 3; 4; 5; 7; 8; 9; 15; 16; 17; 31; 32; 33; 63; 64; 65; 127; 128; 129; 1025 ]

/// An element-wise kernel: how many inputs it reads (each as long as its destination), whether it takes empty spans
/// (TensorPrimitives refuses an empty sigmoid), how it runs, and what its destination holds after it, from the inputs
/// and the destination before, in double.
type Elementwise<'T> =
    { Name: string
      Inputs: int
      TakesEmpty: bool
      Run: Guarded<'T> list -> Guarded<'T> -> unit
      Reference: float[] list -> float[] -> float[] }

/// A kernel writing f(x) of one input x into its destination.
let unary<'T> name (run: Guarded<'T> -> Guarded<'T> -> unit) (f: float -> float) : Elementwise<'T> =
    { Name = name; Inputs = 1; TakesEmpty = true; Run = (fun inputs d -> run inputs[0] d); Reference = fun inputs _ -> Array.map f inputs[0] }

/// A kernel updating its destination y to f(x, y) from one input x.
let updating<'T> name (run: Guarded<'T> -> Guarded<'T> -> unit) (f: float -> float -> float) : Elementwise<'T> =
    { unary name run id with Reference = fun inputs before -> Array.map2 f inputs[0] before }

/// A kernel writing f(x, y) of two inputs into its destination.
let binary<'T> name (run: Guarded<'T> -> Guarded<'T> -> Guarded<'T> -> unit) (f: float -> float -> float) : Elementwise<'T> =
    { Name = name; Inputs = 2; TakesEmpty = true; Run = (fun inputs d -> run inputs[0] inputs[1] d); Reference = fun inputs _ -> Array.map2 f inputs[0] inputs[1] }

/// The logistic sigmoid in double, the references' σ.
let sigmoid z = 1.0 / (1.0 + exp -z)

/// Runs each kernel at every length into a guarded destination (drawn, for kernels that update it) with guarded
/// inputs, and checks the values within <c>rounding</c> and every band.
let checkElementwise<'T> (path: Nn.Kernels.KernelPath) (rounding: float) (kernels: Elementwise<'T> list) =
    for kernel in kernels do
        for length in lengths |> List.filter (fun length -> length > 0 || kernel.TakesEmpty) do
            let inputs = List.init kernel.Inputs (fun i -> guarded<'T> $"input {i}" (uniform (10 + i) length))
            let destination = guarded<'T> "the destination" (uniform 9 length)
            let expected = kernel.Reference (inputs |> List.map (fun input -> toFloats input.Values)) (toFloats destination.Values)
            let case = $"{kernel.Name} on {path} in {typeName<'T>}, length {length}"
            runGuarded case [ destination ] inputs (fun () -> kernel.Run inputs destination)
            assertValues case rounding expected destination
