/// The span operations of generated code follow the kernel path: the vector paths give TensorPrimitives' results,
/// Portable scalar loops, and a declared network forced onto Portable calls no vector kernel.
module Nn.Tests.Kernels.GeneratedSpansTests

open System
open System.Numerics.Tensors
open Nn
open Nn.Kernels
open Xunit

let private values n seed =
    let random = Random(seed: int)
    Array.init n (fun _ -> random.NextDouble() * 4.0 - 2.0)

[<Fact>]
let ``on Portable every span operation is the scalar loop in index order`` () =
    use _ = KernelSelection.Enter KernelPath.Portable
    let x, y = values 300 1, values 300 2
    let mutable dot, sum, squares = 0.0, 0.0, 0.0
    for i in 0 .. x.Length - 1 do
        dot <- dot + x[i] * y[i]
        sum <- sum + x[i]
        squares <- squares + x[i] * x[i]
    Assert.Equal(dot, GeneratedSpans.Dot<float>(ReadOnlySpan x, ReadOnlySpan y))
    Assert.Equal(sum, GeneratedSpans.Sum<float>(ReadOnlySpan x))
    Assert.Equal(squares, GeneratedSpans.SumOfSquares<float>(ReadOnlySpan x))
    Assert.Equal(Array.max x, GeneratedSpans.Max<float>(ReadOnlySpan x))
    let relu = Array.zeroCreate<float> x.Length
    GeneratedSpans.Max<float>(ReadOnlySpan x, 0.0, Span relu)
    Assert.Equal<float[]>(x |> Array.map (fun v -> max v 0.0), relu)
    let axpy = Array.copy y
    GeneratedSpans.MultiplyAdd<float>(ReadOnlySpan x, 0.5, ReadOnlySpan axpy, Span axpy)
    Assert.Equal<float[]>(Array.map2 (fun a b -> a * 0.5 + b) x y, axpy)
    let scaled = Array.zeroCreate<float> x.Length
    GeneratedSpans.Multiply<float>(ReadOnlySpan x, -3.0, Span scaled)
    Assert.Equal<float[]>(x |> Array.map (fun v -> v * -3.0), scaled)
    let sigmoid, tanh = Array.zeroCreate<float> x.Length, Array.zeroCreate<float> x.Length
    GeneratedSpans.Sigmoid<float>(ReadOnlySpan x, Span sigmoid)
    GeneratedSpans.Tanh<float>(ReadOnlySpan x, Span tanh)
    Assert.Equal<float[]>(x |> Array.map (fun v -> 1.0 / (1.0 + exp -v)), sigmoid)
    Assert.Equal<float[]>(x |> Array.map Math.Tanh, tanh)

[<Fact>]
let ``on a vector path every span operation gives what TensorPrimitives gives`` () =
    for path in KernelSelection.Supported() |> Seq.filter (fun p -> p <> KernelPath.Portable) do
        use _ = KernelSelection.Enter path
        let x, y = values 301 3 |> Array.map float32, values 301 4 |> Array.map float32
        Assert.Equal(TensorPrimitives.Dot(ReadOnlySpan x, ReadOnlySpan y), GeneratedSpans.Dot<float32>(ReadOnlySpan x, ReadOnlySpan y))
        Assert.Equal(TensorPrimitives.Sum(ReadOnlySpan x), GeneratedSpans.Sum<float32>(ReadOnlySpan x))
        Assert.Equal(TensorPrimitives.SumOfSquares(ReadOnlySpan x), GeneratedSpans.SumOfSquares<float32>(ReadOnlySpan x))
        let expected, actual = Array.zeroCreate<float32> x.Length, Array.zeroCreate<float32> x.Length
        TensorPrimitives.Sigmoid(ReadOnlySpan x, Span expected)
        GeneratedSpans.Sigmoid<float32>(ReadOnlySpan x, Span actual)
        Assert.Equal<float32[]>(expected, actual)

[<Fact>]
let ``a declared network forced onto Portable dispatches every kernel call to Portable`` () =
    let network = Nn.Examples.MnistSigmoidFloat.CreateNetwork(Initializer.Xavier, 3UL)
    let theta = network.Parameters.ToArray()
    let rows = 3
    let inputs = values (rows * 784) 5 |> Array.map (fun v -> float32 (abs v / 2.0))
    let targets = Array.init (rows * 10) (fun i -> if i % 10 = i / 10 then 1.0f else 0.0f)
    let gradient = Array.zeroCreate<float32> theta.Length
    use census = KernelCensus.Start()
    do
        use _ = KernelSelection.Enter KernelPath.Portable
        Nn.Examples.MnistSigmoidFloat.CostAndGradientBatch(ReadOnlySpan theta, ReadOnlySpan inputs, ReadOnlySpan targets, rows, Span gradient) |> ignore
    Assert.True(census.Of KernelPath.Portable > 0L, "no kernel call counted")
    for other in [ KernelPath.Vector128; KernelPath.Vector256; KernelPath.Vector512 ] do
        Assert.Equal(0L, census.Of other)

/// The committed generated code of every declared example, found from the test assembly's folder.
let private generatedSources () =
    let rec up (folder: IO.DirectoryInfo | null) =
        match folder with
        | null -> failwith "no Functional.sln above the test assembly's folder"
        | folder when IO.File.Exists(IO.Path.Combine(folder.FullName, "Functional.sln")) -> IO.Path.Combine(folder.FullName, "src", "Nn.Examples", "Generated")
        | folder -> up folder.Parent
    IO.Directory.GetFiles(up (IO.DirectoryInfo AppContext.BaseDirectory), "*.g.cs", IO.SearchOption.AllDirectories)

[<Fact>]
let ``generated code reaches vector instructions only through the library's dispatched kernels`` () =
    let vectorUse = Text.RegularExpressions.Regex(@"TensorPrimitives|System\.Runtime\.Intrinsics|Vector(128|256|512)|(?<![A-Za-z.])Vector(\.|<\w+>)")
    let files = generatedSources ()
    Assert.True(files.Length >= 10, sprintf "only %d generated files found" files.Length)
    let offenders =
        files
        |> Array.collect (fun file ->
            IO.File.ReadAllLines file
            |> Array.mapi (fun i line -> i + 1, line)
            |> Array.filter (fun (_, line) -> not (line.TrimStart().StartsWith("//", StringComparison.Ordinal)) && vectorUse.IsMatch line)
            |> Array.map (fun (number, _) -> sprintf "%s:%d" (IO.Path.GetFileName file) number))
    Assert.True(Array.isEmpty offenders, sprintf "vector code in generated files: %s" (String.Join(", ", offenders |> Array.truncate 10)))
