/// Guard bands for kernels that write through pointers and unchecked references: every buffer a kernel is handed is a
/// slice in the middle of a larger array whose other elements hold a marker, so a write before the slice's start or
/// past its end, which in a real run would land in some other object on the heap, changes a marker the test sees.
module Nn.Tests.Kernels.GuardedBuffers

open System
open System.Runtime.InteropServices
open Xunit

/// Marker elements on either side of a slice unless a test asks for more: odd, so that the slice starts off every
/// vector alignment, and wider than two 512-bit vectors of floats, so that a whole vector stored one step too far lands
/// inside the band.
[<Literal>]
let Band = 37

// Markers are signalling NaNs with payloads of their own, written as bits (a signalling NaN handled as a value may come
// back quiet): no arithmetic produces them, and a kernel that reads one into a sum or a product and stores the result
// writes a quiet NaN, whose bits differ, so even a read-modify-write past the end shows. Inputs carry a marker of their
// own (runGuarded puts it there), so a kernel that copies an input's band into a destination's band shows as well.
let private destinationMarker<'T> = if typeof<'T> = typeof<float32> then 0x7F85A5A5L else 0x7FF5A5A5A5A5A5A5L
let private inputMarker<'T> = if typeof<'T> = typeof<float32> then 0x7F8A5A5AL else 0x7FF25A5A5A5A5A5AL

/// The name of the element type in a failure's message.
let typeName<'T> = if typeof<'T> = typeof<float32> then "float" else "double"

/// The bit patterns of float or double values, widened to 64 bits, to compare markers exactly.
let private bits (values: 'T[]) : int64[] =
    match box values with
    | :? (float32[]) as singles -> MemoryMarshal.Cast<float32, int>(ReadOnlySpan singles).ToArray() |> Array.map int64
    | :? (float[]) as doubles -> MemoryMarshal.Cast<float, int64>(ReadOnlySpan doubles).ToArray()
    | _ -> invalidArg (nameof values) $"the kernels run on float and double, not {typeof<'T>.Name}"

/// Writes <c>pattern</c> as the bits of element <c>index</c>.
let private setBits (values: 'T[]) (index: int) (pattern: int64) =
    match box values with
    | :? (float32[]) as singles -> MemoryMarshal.Cast<float32, int>(Span singles)[index] <- int pattern
    | :? (float[]) as doubles -> MemoryMarshal.Cast<float, int64>(Span doubles)[index] <- pattern
    | _ -> invalidArg (nameof values) $"the kernels run on float and double, not {typeof<'T>.Name}"

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

/// A slice of <c>Length</c> elements at <c>Start</c> in <c>Whole</c>, whose other elements are markers.
type Guarded<'T> =
    { Name: string
      Whole: 'T[]
      Start: int
      Length: int }

    member this.Span = Span<'T>(this.Whole, this.Start, this.Length)
    member this.Input = ReadOnlySpan<'T>(this.Whole, this.Start, this.Length)
    member this.Values = Array.sub this.Whole this.Start this.Length

/// <c>values</c> (NaN for a marker inside the slice, such as the gap between a strided matrix's rows) in a slice with
/// <c>band</c> markers on either side.
let guardedBy<'T> (band: int) (name: string) (values: float[]) : Guarded<'T> =
    let whole = ofFloats<'T> (Array.concat [ Array.create band nan; values; Array.create band nan ])
    { Name = name; Whole = whole; Start = band; Length = values.Length }

/// <c>values</c> in a slice with <see cref="Band"/> markers on either side.
let guarded<'T> (name: string) (values: float[]) : Guarded<'T> = guardedBy<'T> Band name values

/// Fails, naming the case and the buffer, where a marker outside the slice has changed.
let assertGuardsIntact (case: string) (buffer: Guarded<'T>) =
    let marker = destinationMarker<'T>
    let whole = bits buffer.Whole
    let outside = Seq.append (seq { 0 .. buffer.Start - 1 }) (seq { buffer.Start + buffer.Length .. whole.Length - 1 })
    match outside |> Seq.filter (fun i -> whole[i] <> marker) |> List.ofSeq with
    | [] -> ()
    | changed ->
        let where i = if i < buffer.Start then $"{buffer.Start - i} before its start" else $"{i - buffer.Start - buffer.Length + 1} past its end"
        let described = changed |> List.truncate 8 |> List.map where |> String.concat ", "
        Assert.Fail $"{case}: {changed.Length} elements outside {buffer.Name}'s {buffer.Length} changed: {described}"

/// Fails, naming the case, the buffer and the element, where the slice does not hold <c>expected</c>: each element
/// within <c>tolerance</c> × (1 + |expected|), or, where expected is NaN, still the marker bits it was given.
let assertValues (case: string) (tolerance: float) (expected: float[]) (buffer: Guarded<'T>) =
    Assert.True(expected.Length = buffer.Length, $"{case}: the reference for {buffer.Name} has {expected.Length} elements, the slice {buffer.Length}")
    let marker = destinationMarker<'T>
    let actualBits = bits buffer.Values
    let actual = toFloats buffer.Values
    for i in 0 .. expected.Length - 1 do
        if Double.IsNaN expected[i] then
            if actualBits[i] <> marker then
                Assert.Fail $"{case}: {buffer.Name}[{i}] is not to be written but holds {actual[i]}"
        elif not (abs (actual[i] - expected[i]) <= tolerance * (1.0 + abs expected[i])) then
            Assert.Fail $"{case}: {buffer.Name}[{i}] is {actual[i]}, expected {expected[i]}"

/// Runs <c>kernel</c>, then fails where it wrote outside any destination's slice or anywhere in an input's array.
let runGuarded (case: string) (destinations: Guarded<'T> list) (inputs: Guarded<'T> list) (kernel: unit -> unit) =
    for input in inputs do
        bits input.Whole |> Array.iteri (fun i pattern -> if pattern = destinationMarker<'T> then setBits input.Whole i inputMarker<'T>)
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
