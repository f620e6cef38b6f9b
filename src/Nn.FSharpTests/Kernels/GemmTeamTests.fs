/// A product split over a team of threads, by column panels or by row slivers, equals the one-thread product bit for bit.
module Nn.Tests.Kernels.GemmTeamTests

open System
open Nn
open Nn.Kernels
open Xunit

let private random = Nn.Tests.Helpers.uniformValues

/// Z = X Wᵀ, ∂W += δᵀ X and ∂X = δ W on one path, without a team or with `team`.
let private products (path: KernelPath) (team: GemmTeam<'T> option) rows inputs outputs (toT: float -> 'T) =
    let x = random 1 (rows * inputs) |> Array.map toT
    let w = random 2 (outputs * inputs) |> Array.map toT
    let delta = random 3 (rows * outputs) |> Array.map toT
    let team = Option.toObj team
    let z = Array.zeroCreate<'T> (rows * outputs)
    DenseKernels.MultiplyByTranspose<'T>(ReadOnlySpan x, rows, inputs, ReadOnlySpan w, outputs, Span z, path, team)
    let dw = random 4 (outputs * inputs) |> Array.map toT
    DenseKernels.TransposeProduct<'T>(ReadOnlySpan delta, rows, outputs, ReadOnlySpan x, inputs, Span dw, true, path, team)
    let dx = Array.zeroCreate<'T> (rows * inputs)
    DenseKernels.Multiply<'T>(ReadOnlySpan delta, rows, outputs, ReadOnlySpan w, inputs, Span dx, path, team)
    z, dw, dx

/// Shapes split by columns (many panels), by rows (fewer panels than threads: a 32 × 32 Gram matrix, 10 outputs;
/// more rows than columns: 1,000 rows through 40 or 70 outputs), and with edge tiles in both directions.
let private shapes = [ (128, 784, 256); (32, 784, 32); (32, 784, 100); (203, 300, 10); (45, 97, 13); (130, 70, 3); (1000, 64, 40); (300, 97, 70) ]

let private paths = KernelSelection.Supported() |> List.ofArray

[<Theory>]
[<InlineData(2)>]
[<InlineData(3)>]
let ``products split over a team equal the one-thread products bit for bit, in float and double`` (threads: int) =
    use pool = new WorkerPool(threads)
    for path in paths do
        for rows, inputs, outputs in shapes do
            Assert.Equal(products path None rows inputs outputs float32, products path (Some(GemmTeam<float32>(pool))) rows inputs outputs float32)
            Assert.Equal(products path None rows inputs outputs id, products path (Some(GemmTeam<float>(pool))) rows inputs outputs id)

[<Theory>]
[<InlineData(false)>]
[<InlineData(true)>]
let ``products cut 20 to 80 between two threads, by panels or by slivers, equal the one-thread products bit for bit`` (slowerCaller: bool) =
    use pool = new WorkerPool(2)
    Nn.Tests.Helpers.skewBalance pool slowerCaller
    for path in paths do
        for rows, inputs, outputs in shapes do
            Assert.Equal(products path None rows inputs outputs float32, products path (Some(GemmTeam<float32>(pool))) rows inputs outputs float32)
            Assert.Equal(products path None rows inputs outputs id, products path (Some(GemmTeam<float>(pool))) rows inputs outputs id)

[<Fact>]
let ``a product with more rows than columns is cut by rows, so that each thread packs the smaller operand`` () =
    // Where MC is a whole number of slivers (Vector512's 8 rows, Portable's 4); Vector256's 6-row slivers keep columns.
    for path in [ KernelPath.Vector512; KernelPath.Portable ] do
        // Inference over 10,000 rows through 256 outputs: by rows (a column split would pack all 10,000 rows per thread).
        Assert.True(GemmTeam<float32>.SplitsByRows(path, 10_000, 256, 2))
        // Network B's training products at batch 128 keep their column split: A is the smaller operand there.
        Assert.False(GemmTeam<float32>.SplitsByRows(path, 128, 256, 2))
        Assert.False(GemmTeam<float32>.SplitsByRows(path, 256, 784, 2))
        Assert.False(GemmTeam<float32>.SplitsByRows(path, 128, 128, 2))
        // The softmax layer's 10 outputs: one or two column panels, 128 rows.
        Assert.True(GemmTeam<float32>.SplitsByRows(path, 128, 10, 2))
    Assert.False(GemmTeam<float32>.SplitsByRows(KernelPath.Vector256, 10_000, 256, 2))

[<Fact>]
let ``a product into a C wider than its columns, split over a team by rows or by panels, equals the one-thread product and leaves the other columns alone`` () =
    // 300 × 20 × 64: more rows than columns, so cut by rows where MC is a whole number of slivers; C's rows are 27 long.
    let m, n, k, ldc = 300, 20, 64, 27
    let a = random 5 (m * k)
    let b = random 6 (k * n)
    use pool = new WorkerPool(2)
    for path in paths do
        let run (team: GemmTeam<float> option) =
            let c = Array.create (m * ldc) 7.5
            match team with
            | Some team -> team.Multiply(path, m, n, k, ReadOnlySpan a, k, 1, ReadOnlySpan b, n, 1, Span c, ldc, false)
            | None -> Gemm.Multiply(path, m, k, ReadOnlySpan a, k, 1, ReadOnlySpan b, n, 1, Span c, ldc, false, 0, n)
            c
        let alone = run None
        Assert.All(Seq.init m (fun i -> alone[i * ldc + n .. i * ldc + ldc - 1]), fun rest -> Assert.Equal<float>(Array.create (ldc - n) 7.5, rest))
        Assert.Equal<float>(alone, run (Some(GemmTeam<float>(pool))))
