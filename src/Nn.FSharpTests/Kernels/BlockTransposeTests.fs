/// The transposing copy used to pack k-contiguous GEMM operands: it must move every value exactly and touch
/// nothing else, so a product's result does not depend on whether it ran.
module Nn.Tests.Kernels.BlockTransposeTests

open System
open Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Nn.Kernels

/// A block of source rows (a whole number of vector-wide blocks), a depth and the two strides.
type Layout = { Blocks: int; Count: int; SourcePad: int; DestinationPad: int; Seed: int }

type LayoutGenerators =
    static member Layout() =
        gen {
            let! blocks = Gen.choose (1, 4)
            let! count = Gen.choose (1, 40)
            let! sourcePad = Gen.choose (0, 9)
            let! destinationPad = Gen.choose (0, 9)
            let! seed = Gen.choose (0, Int32.MaxValue)
            return { Blocks = blocks; Count = count; SourcePad = sourcePad; DestinationPad = destinationPad; Seed = seed }
        }
        |> Arb.fromGen

/// Copies with BlockTranspose and checks destination[p·dStride + r] = source[r·sStride + p] and that every other
/// destination element still holds its sentinel.
let private transposes<'T when 'T: unmanaged and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType and 'T: equality> (block: int) (ofInt: int -> 'T) (sentinel: 'T) (l: Layout) =
    let rows = block * l.Blocks
    let sourceStride = l.Count + l.SourcePad
    let destinationStride = rows + l.DestinationPad
    let random = Random l.Seed
    let source = Array.init (rows * sourceStride) (fun _ -> ofInt (random.Next(1, 1_000_000)))
    let destination = Array.create (l.Count * destinationStride) sentinel
    if not (BlockTranspose.Applies<'T>(KernelPath.Vector256, rows)) then
        true |> Prop.label "no AVX: the scalar packing runs instead"
    else
        BlockTranspose.Copy<'T>(&source[0], sourceStride, rows, l.Count, &destination[0], destinationStride)
        let expected i =
            let p, r = i / destinationStride, i % destinationStride
            if r < rows then source[r * sourceStride + p] else sentinel
        Array.forall id (Array.init destination.Length (fun i -> destination[i] = expected i)) |> Prop.label (sprintf "%A" l)

[<Properties(Arbitrary = [| typeof<LayoutGenerators> |], MaxTest = 60)>]
module Properties =

    [<Property>]
    let ``float blocks of 8 rows are transposed exactly and nothing else is written`` (l: Layout) =
        transposes<float32> 8 float32 -1.0f l

    [<Property>]
    let ``double blocks of 4 rows are transposed exactly and nothing else is written`` (l: Layout) =
        transposes<float> 4 float -1.0 l

[<Fact>]
let ``the transposing copy applies only to whole blocks of 8 float rows or 4 double rows, on 256-bit paths or wider`` () =
    if System.Runtime.Intrinsics.X86.Avx.IsSupported then
        for rows in [ 8; 16; 24 ] do
            Assert.True(BlockTranspose.Applies<float32>(KernelPath.Vector256, rows), $"float, {rows} rows")
        for rows in [ 4; 12; 6; 20 ] do
            Assert.False(BlockTranspose.Applies<float32>(KernelPath.Vector256, rows), $"float, {rows} rows")
        Assert.True(BlockTranspose.Applies<float>(KernelPath.Vector512, 12))
        Assert.False(BlockTranspose.Applies<float>(KernelPath.Vector256, 6))
    Assert.False(BlockTranspose.Applies<float32>(KernelPath.Vector128, 8))
    Assert.False(BlockTranspose.Applies<float32>(KernelPath.Portable, 8))
