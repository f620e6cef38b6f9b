/// The fast matrix products against a plain triple loop in double: every kernel path this CPU runs (forced portable,
/// Vector128, Vector256, Vector512, auto; KernelPathTests reports the ones it cannot run as skipped), float and double, odd sizes that are not multiples of any vector width or tile, and sizes
/// that cross the cache blocks.
module Nn.Tests.Kernels.DenseKernelsTests

open System
open System.Numerics
open global.Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Nn.Kernels

/// Float rounding (6e-8) grows with the length of a sum; this bounds it relative to Σ|x·w| for sums of up to ~1000 terms.
let floatTolerance = 1e-5

/// The same bound for double (rounding 1.1e-16).
let doubleTolerance = 1e-13

/// A product's sizes: rows (the batch), inputs and outputs.
type Shape = { Rows: int; Inputs: int; Outputs: int; Seed: int }

let private shape =
    gen {
        let! rows = Gen.choose (1, 40)
        let! inputs = Gen.choose (1, 70)
        let! outputs = Gen.choose (1, 70)
        let! seed = Gen.choose (0, Int32.MaxValue)
        return { Rows = rows; Inputs = inputs; Outputs = outputs; Seed = seed }
    }

type KernelGenerators =
    static member Shape() = Arb.fromGen shape

let private paths =
    [ KernelPath.Portable; KernelPath.Vector128; KernelPath.Vector256; KernelPath.Vector512; KernelPath.Auto ]
    |> List.filter KernelSelection.IsSupported

let private randomArray (random: Random) length = Array.init length (fun _ -> random.NextDouble() * 2.0 - 1.0)

/// Reference Z = X Wᵀ and the matching Σ|x·w| per element, in double.
let private referenceNT (x: float[]) rows inputs (w: float[]) outputs =
    let z = Array.zeroCreate (rows * outputs)
    let bound = Array.zeroCreate (rows * outputs)
    for i in 0 .. rows - 1 do
        for j in 0 .. outputs - 1 do
            for k in 0 .. inputs - 1 do
                z[i * outputs + j] <- z[i * outputs + j] + x[i * inputs + k] * w[j * inputs + k]
                bound[i * outputs + j] <- bound[i * outputs + j] + abs (x[i * inputs + k] * w[j * inputs + k])
    z, bound

/// Reference ∂W = δᵀ X.
let private referenceTN (delta: float[]) rows outputs (x: float[]) inputs =
    let dw = Array.zeroCreate (outputs * inputs)
    let bound = Array.zeroCreate (outputs * inputs)
    for j in 0 .. outputs - 1 do
        for k in 0 .. inputs - 1 do
            for i in 0 .. rows - 1 do
                dw[j * inputs + k] <- dw[j * inputs + k] + delta[i * outputs + j] * x[i * inputs + k]
                bound[j * inputs + k] <- bound[j * inputs + k] + abs (delta[i * outputs + j] * x[i * inputs + k])
    dw, bound

/// Reference ∂X = δ W.
let private referenceNN (delta: float[]) rows outputs (w: float[]) inputs =
    let dx = Array.zeroCreate (rows * inputs)
    let bound = Array.zeroCreate (rows * inputs)
    for i in 0 .. rows - 1 do
        for k in 0 .. inputs - 1 do
            for j in 0 .. outputs - 1 do
                dx[i * inputs + k] <- dx[i * inputs + k] + delta[i * outputs + j] * w[j * inputs + k]
                bound[i * inputs + k] <- bound[i * inputs + k] + abs (delta[i * outputs + j] * w[j * inputs + k])
    dx, bound

/// Checks |actual − expected| ≤ tolerance·(Σ|terms| + 1) element by element, naming the first failure.
let private within (tolerance: float) (expected: float[], bound: float[]) (actual: float[]) label =
    let failure =
        Array.tryFindIndex (fun i -> not (abs (actual[i] - expected[i]) <= tolerance * (bound[i] + 1.0))) [| 0 .. expected.Length - 1 |]
    match failure with
    | None -> true |> Prop.label label
    | Some i -> false |> Prop.label (sprintf "%s: element %d is %.17g, expected %.17g" label i actual[i] expected[i])

/// All three products of one shape on one path, in element type 'T, compared with the double reference.
let private checkProducts<'T when 'T: unmanaged and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>>
    (tolerance: float) (path: KernelPath) (s: Shape) =
    let random = Random(s.Seed)
    let x = randomArray random (s.Rows * s.Inputs)
    let w = randomArray random (s.Outputs * s.Inputs)
    let delta = randomArray random (s.Rows * s.Outputs)
    let dwStart = randomArray random (s.Outputs * s.Inputs)
    let toT (a: float[]) = a |> Array.map (fun v -> 'T.CreateTruncating v)
    let ofT (a: 'T[]) = a |> Array.map (fun v -> Double.CreateTruncating v)
    // The reference sees the same rounded inputs the kernel sees.
    let x, w, delta, dwStart = ofT (toT x), ofT (toT w), ofT (toT delta), ofT (toT dwStart)
    let z = Array.zeroCreate<'T> (s.Rows * s.Outputs)
    DenseKernels.MultiplyByTransposeInto<'T>(ReadOnlySpan(toT x), s.Rows, s.Inputs, ReadOnlySpan(toT w), s.Outputs, Span z, path)
    let dw = toT dwStart
    DenseKernels.AddTransposeProductInto<'T>(ReadOnlySpan(toT delta), s.Rows, s.Outputs, ReadOnlySpan(toT x), s.Inputs, Span dw, path)
    let dwFresh = Array.create<'T> (s.Outputs * s.Inputs) 'T.NaN
    DenseKernels.TransposeProductInto<'T>(ReadOnlySpan(toT delta), s.Rows, s.Outputs, ReadOnlySpan(toT x), s.Inputs, Span dwFresh, path)
    let dx = Array.create<'T> (s.Rows * s.Inputs) 'T.NaN
    DenseKernels.MultiplyInto<'T>(ReadOnlySpan(toT delta), s.Rows, s.Outputs, ReadOnlySpan(toT w), s.Inputs, Span dx, path)
    let tn, tnBound = referenceTN delta s.Rows s.Outputs x s.Inputs
    let label name = sprintf "%s %s %A on %A" typeof<'T>.Name name path s
    within tolerance (referenceNT x s.Rows s.Inputs w s.Outputs) (ofT z) (label "X Wᵀ")
    .&. within tolerance (Array.map2 (+) dwStart tn, Array.map (fun b -> b + 1.0) tnBound) (ofT dw) (label "∂W += δᵀ X")
    .&. within tolerance (tn, tnBound) (ofT dwFresh) (label "∂W = δᵀ X")
    .&. within tolerance (referenceNN delta s.Rows s.Outputs w s.Inputs) (ofT dx) (label "δ W")

let private allPaths<'T when 'T: unmanaged and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType and 'T :> IFloatingPointIeee754<'T>> tolerance s =
    paths |> List.map (fun path -> checkProducts<'T> tolerance path s) |> List.reduce (.&.)

[<Properties(Arbitrary = [| typeof<KernelGenerators> |], MaxTest = 40)>]
module Properties =

    [<Property>]
    let ``every float kernel path equals the plain triple loop within float rounding`` (s: Shape) = allPaths<float32> floatTolerance s

    [<Property>]
    let ``every double kernel path equals the plain triple loop within double rounding`` (s: Shape) = allPaths<float> doubleTolerance s

let private assertProperty (property: Property) =
    Check.One(Config.QuickThrowOnFailure.WithMaxTest(1), property)

[<Theory>]
[<InlineData(130, 300, 37)>] // more rows than one packed block of A (128) and a depth past one block of k (256)
[<InlineData(3, 600, 530)>] // more columns than one packed block of B (512), under the small-batch threshold
[<InlineData(129, 257, 513)>] // one past every block size at once
[<InlineData(128, 784, 256)>] // the first layer of the benchmark network
let ``products that cross the cache blocks equal the plain triple loop`` (rows: int, inputs: int, outputs: int) =
    let s = { Rows = rows; Inputs = inputs; Outputs = outputs; Seed = rows + inputs + outputs }
    assertProperty (allPaths<float32> floatTolerance s .&. allPaths<float> doubleTolerance s)

[<Fact>]
let ``a product on a value that is no kernel path is refused as out of range`` () =
    let message =
        Nn.Tests.Helpers.messageOf<ArgumentOutOfRangeException> (fun () ->
            DenseKernels.MultiplyByTransposeInto<float>(ReadOnlySpan(Array.zeroCreate 4), 2, 2, ReadOnlySpan(Array.zeroCreate 4), 2, Span(Array.zeroCreate 4), enum<KernelPath> 99))
    Assert.Contains("Portable", message)
    Assert.Contains("99", message)

[<Fact>]
let ``a destination shorter than its shape is rejected with both sizes named`` () =
    let message =
        Nn.Tests.Helpers.messageOf<ArgumentException> (fun () ->
            DenseKernels.MultiplyByTransposeInto<float>(ReadOnlySpan(Array.zeroCreate 6), 2, 3, ReadOnlySpan(Array.zeroCreate 12), 4, Span(Array.zeroCreate 7)))
    Assert.Contains("2×4 = 8", message)
    Assert.Contains("holds 7", message)
