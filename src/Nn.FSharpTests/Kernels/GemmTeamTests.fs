/// A product split over a team of threads, by column panels or by row slivers, equals the one-thread product bit for bit.
module Nn.Tests.Kernels.GemmTeamTests

open System
open Nn
open Nn.Kernels
open Xunit

let private random (seed: int) length =
    let r = Random(seed)
    Array.init length (fun _ -> r.NextDouble() * 2.0 - 1.0)

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

/// Shapes split by columns (many panels), by rows (fewer panels than threads: a 32 × 32 Gram matrix, 10 outputs),
/// and with edge tiles in both directions.
let private shapes = [ (128, 784, 256); (32, 784, 32); (32, 784, 100); (203, 300, 10); (45, 97, 13); (130, 70, 3) ]

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
