/// The loops that generated network code calls, against scalar references at lengths that are not multiples of
/// any vector width: the axpy forms bit for bit, the dot products within rounding.
module Nn.Tests.Kernels.GeneratedKernelsTests

open System
open global.Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Nn.Kernels

/// Double rounding times the few-unit sums of these short vectors.
let tolerance = 1e-12

type Sizes = { Length: int; Rows: int; Seed: int }

type KernelGenerators =
    static member Sizes() =
        Gen.map3 (fun length rows seed -> { Length = length; Rows = rows; Seed = seed }) (Gen.choose (0, 100)) (Gen.choose (0, 13)) (Gen.choose (0, Int32.MaxValue))
        |> Arb.fromGen

let private values (random: Random) n = Array.init n (fun _ -> random.NextDouble() * 2.0 - 1.0)

let private dot (a: float[]) (b: float[]) = Array.fold2 (fun sum x y -> sum + x * y) 0.0 a b

let private close (expected: float) (actual: float) = abs (expected - actual) <= tolerance

[<Properties(Arbitrary = [| typeof<KernelGenerators> |], MaxTest = 100)>]
module Properties =

    [<Property>]
    let ``the dot product equals the scalar sum of products`` (s: Sizes) =
        let random = Random s.Seed
        let a, b = values random s.Length, values random s.Length
        close (dot a b) (GeneratedKernels.Dot<float>(ReadOnlySpan a, ReadOnlySpan b))

    [<Property>]
    let ``multiplying rows gives every row's dot product with x and leaves the rest of z alone`` (s: Sizes) =
        let random = Random s.Seed
        let w, x = values random (s.Rows * s.Length), values random s.Length
        let z = Array.create (s.Rows + 1) 7.0
        GeneratedKernels.MultiplyRows<float>(ReadOnlySpan w, ReadOnlySpan x, Span z, s.Rows, s.Length)
        let expected = Array.init s.Rows (fun j -> dot w[j * s.Length .. (j + 1) * s.Length - 1] x)
        Array.forall2 close expected z[.. s.Rows - 1] && z[s.Rows] = 7.0

    [<Property>]
    let ``four dot products share one row and equal the dot product with each sample`` (s: Sizes) =
        let random = Random s.Seed
        let w, x = values random s.Length, values random (4 * s.Length)
        let s0, s1, s2, s3 = GeneratedKernels.Dot4<float>(ReadOnlySpan w, ReadOnlySpan x)
        let sample i = x[i * s.Length .. (i + 1) * s.Length - 1]
        [ s0; s1; s2; s3 ] |> List.mapi (fun i actual -> close (dot w (sample i)) actual) |> List.forall id

    [<Property>]
    let ``scaling and the axpy equal their scalar definitions bit for bit`` (s: Sizes) =
        let random = Random s.Seed
        let x, y, a = values random s.Length, values random s.Length, random.NextDouble()
        let scaled = Array.zeroCreate s.Length
        GeneratedKernels.Scale<float>(ReadOnlySpan x, a, Span scaled)
        let sum = Array.copy y
        GeneratedKernels.AddScaled<float>(ReadOnlySpan x, a, Span sum)
        scaled = Array.map (fun xi -> a * xi) x && sum = Array.map2 (fun xi yi -> yi + a * xi) x y

    [<Property>]
    let ``four scaled samples are added to y in sample order bit for bit`` (s: Sizes) =
        let random = Random s.Seed
        let x, y = values random (4 * s.Length), values random s.Length
        let d = values random 4
        let sum = Array.copy y
        GeneratedKernels.AddScaled4<float>(ReadOnlySpan x, d[0], d[1], d[2], d[3], Span sum)
        let expected = Array.init s.Length (fun k -> y[k] + d[0] * x[k] + d[1] * x[s.Length + k] + d[2] * x[2 * s.Length + k] + d[3] * x[3 * s.Length + k])
        sum = expected

[<Fact>]
let ``the single-precision kernels compute in single precision`` () =
    let x = Array.init 37 (fun i -> float32 i / 8.0f)
    let y = Array.init 37 (fun i -> 1.0f - float32 i / 16.0f)
    let expected = Array.fold2 (fun sum a b -> sum + float a * float b) 0.0 x y
    Assert.Equal(expected, float (GeneratedKernels.Dot<float32>(ReadOnlySpan x, ReadOnlySpan y)), 3)
    let sum = Array.copy y
    GeneratedKernels.AddScaled<float32>(ReadOnlySpan x, 0.5f, Span sum)
    Assert.Equal<float32[]>(Array.map2 (fun a b -> b + 0.5f * a) x y, sum)

[<Fact>]
let ``a span too short for the loop is refused before anything is read`` () =
    let long, short = Array.zeroCreate<float> 8, Array.zeroCreate<float> 7
    let error = Assert.Throws<ArgumentException>(fun () -> GeneratedKernels.Dot<float>(ReadOnlySpan long, ReadOnlySpan short) |> ignore)
    Assert.Equal("b must hold at least 8 values, but holds 7. (Parameter 'b')", error.Message)
    Assert.Throws<ArgumentException>(fun () -> GeneratedKernels.MultiplyRows<float>(ReadOnlySpan short, ReadOnlySpan long, Span long, 1, 8)) |> ignore
    Assert.Throws<ArgumentException>(fun () -> GeneratedKernels.Dot4<float>(ReadOnlySpan short, ReadOnlySpan long) |> ignore) |> ignore
    Assert.Throws<ArgumentException>(fun () -> GeneratedKernels.AddScaled4<float>(ReadOnlySpan long, 1.0, 1.0, 1.0, 1.0, Span short)) |> ignore
    Assert.Throws<ArgumentException>(fun () -> GeneratedKernels.Scale<float>(ReadOnlySpan long, 1.0, Span short)) |> ignore
    Assert.Throws<ArgumentException>(fun () -> GeneratedKernels.AddScaled<float>(ReadOnlySpan long, 1.0, Span short)) |> ignore

[<Fact>]
let ``the current path is the thread's scope's path, else the default`` () =
    Assert.Equal(KernelSelection.Default, GeneratedKernels.CurrentPath())
    for path in KernelSelection.Supported() do
        use _ = KernelSelection.Enter path
        Assert.Equal(path, GeneratedKernels.CurrentPath())

[<Fact>]
let ``each kernel handed a path computes what it computes inside that path's scope bit for bit`` () =
    let random = Random 7
    let n, rows = 37, 5
    let w, x, y = values random (rows * n), values random (4 * n), values random n
    let first = w[.. n - 1]
    // Each kernel once with the path as its argument (outside any scope, so the argument decides) and once inside the
    // path's scope, into fresh copies of y.
    let both (path: KernelPath) (kernel: KernelPath -> float[] -> unit) =
        let handed, scoped = Array.copy y, Array.copy y
        kernel path handed
        do
            use _ = KernelSelection.Enter path
            kernel KernelPath.Auto scoped
        Assert.Equal<float[]>(scoped, handed)
    for path in KernelSelection.Supported() do
        both path (fun p target -> target[0] <- GeneratedKernels.Dot<float>(p, ReadOnlySpan first, ReadOnlySpan y))
        both path (fun p target -> GeneratedKernels.MultiplyRows<float>(p, ReadOnlySpan w, ReadOnlySpan y, Span target, rows, n))
        both path (fun p target ->
            let mutable s0, s1, s2, s3 = 0.0, 0.0, 0.0, 0.0
            GeneratedKernels.Dot4<float>(p, ReadOnlySpan first, ReadOnlySpan x, &s0, &s1, &s2, &s3)
            target[0] <- s0
            target[1] <- s1
            target[2] <- s2
            target[3] <- s3)
        both path (fun p target -> GeneratedKernels.Scale<float>(p, ReadOnlySpan first, 0.3, Span target))
        both path (fun p target -> GeneratedKernels.AddScaled<float>(p, ReadOnlySpan first, 0.3, Span target))
        both path (fun p target -> GeneratedKernels.AddScaled4<float>(p, ReadOnlySpan x, 0.1, 0.2, 0.3, 0.4, Span target))
