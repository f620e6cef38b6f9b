module Nn.Tests.Kernels.StreamingStoresTests

#nowarn "9" // a pointer into unmanaged memory, as the copy takes it

open System
open System.Runtime.InteropServices
open Microsoft.FSharp.NativeInterop
open Nn
open Nn.Kernels
open Xunit

/// Copies `length` bytes to `misalignment` bytes past an aligned address, inside a buffer whose other bytes are a
/// marker, and returns the buffer's bytes from the aligned address on.
let private copied (length: int) (misalignment: int) (source: byte[]) =
    let room = length + misalignment + 64
    let buffer = NativeMemory.AlignedAlloc(unativeint room, 64un)
    try
        let whole = Span<byte>(buffer, room)
        whole.Fill 0xA5uy
        StreamingStores.Copy(ReadOnlySpan<byte>(source, 0, length), NativePtr.add (NativePtr.ofVoidPtr<byte> buffer) misalignment)
        whole.ToArray()
    finally
        NativeMemory.AlignedFree buffer

[<Theory>]
[<InlineData(KernelPath.Auto)>]
[<InlineData(KernelPath.Vector128)>]
[<InlineData(KernelPath.Portable)>]
let ``a streaming copy writes exactly the source's bytes at any length and alignment and nothing around them`` (path: KernelPath) =
    use _ = KernelScope.Enter path
    let random = Random 14
    for length in [ 0; 1; 31; StreamingStores.Threshold - 1; StreamingStores.Threshold; StreamingStores.Threshold + 1; 10_007; 65_536 + 33 ] do
        let source = Array.init (length + 1) (fun _ -> byte (random.Next 256))
        for misalignment in [ 0; 1; 4; 8; 17; 31; 32; 63 ] do
            let bytes = copied length misalignment source
            let where = $"length {length}, {misalignment} bytes past alignment"
            Assert.True(bytes.AsSpan(misalignment, length).SequenceEqual(ReadOnlySpan<byte>(source, 0, length)), where)
            Assert.True(Array.forall ((=) 0xA5uy) bytes[.. misalignment - 1], where + ": a byte before the copy changed")
            Assert.True(Array.forall ((=) 0xA5uy) bytes[misalignment + length ..], where + ": a byte after the copy changed")
