/// The lane sums of many vectors at once (the filter lanes of a convolution's input gradient): every path adds each
/// vector's lanes in one order — halves folded down to 128 bits, then neighbouring lanes, then the two pairs — so the
/// sums are the same bits whichever body ran, including the 512-bit body that exchanges quarters across vectors.
module Nn.Tests.Kernels.LaneSumsTests

#nowarn "9" // pointers into pinned arrays, as the kernels take them

open System
open System.Runtime.Intrinsics
open System.Runtime.Intrinsics.X86
open Microsoft.FSharp.NativeInterop
open Nn.Kernels
open Xunit

/// One vector's lane sum in the documented order, from its 16 lanes (fewer lanes are folded the same way from 8 or 4).
let private reference (lanes: float32[]) =
    let rec fold (x: float32[]) = if x.Length = 4 then x else fold (Array.init (x.Length / 2) (fun i -> x[i] + x[i + x.Length / 2]))
    let q = fold lanes
    (q[0] + q[1]) + (q[2] + q[3])

let private bits (values: float32[]) = values |> Array.map BitConverter.SingleToInt32Bits

[<Theory>]
[<InlineData(12)>] // an input row of LeNet's second layer: three groups of four
[<InlineData(7)>] // a group of four and three positions past it
[<InlineData(1)>]
let ``the lane sums of 16-lane float vectors are the same bits on the 512- and 256-bit bodies as in the documented order`` (count: int) =
    let room = 16
    let r = Random 3
    // Values of very different sizes, so that another order of additions would round differently.
    let sums = Array.init (count * room) (fun _ -> float32 ((r.NextDouble() - 0.5) * Math.Pow(10.0, float (r.Next 7))))
    let expected = Array.init count (fun p -> reference sums[p * room .. p * room + room - 1])
    let run (store: nativeptr<float32> -> nativeptr<float32> -> unit) =
        let output = Array.create count nanf
        use at = fixed sums
        use into = fixed output
        store at into
        output
    Assert.Equal<int[]>(bits expected, bits (run (fun at into -> LaneSums.Store<Lanes256<float32>, Vector256<float32>, float32>(at, room, count, into))))
    if Avx512F.IsSupported then
        Assert.Equal<int[]>(bits expected, bits (run (fun at into -> LaneSums.Store<Lanes512<float32>, Vector512<float32>, float32>(at, room, count, into))))
