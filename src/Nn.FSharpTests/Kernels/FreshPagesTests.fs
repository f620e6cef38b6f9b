/// Backing fresh memory's pages in one call before it is first written: it never changes what the memory holds, and
/// where Linux supports it the first writes then take (almost) no page faults of their own.
module Nn.Tests.Kernels.FreshPagesTests

open System
open System.IO
open System.Runtime.InteropServices
open Microsoft.FSharp.NativeInterop
open Nn.Kernels
open Xunit

#nowarn "9" // native pointers: the tests hand FreshPages memory the way the library's buffers do

/// This thread's minor page faults so far (field 10 of /proc/thread-self/stat): other threads' faults do not count.
let private threadFaults () =
    let stat = File.ReadAllText "/proc/thread-self/stat"
    let fields = stat.Substring(stat.LastIndexOf ')' + 2).Split ' '
    Int64.Parse(fields[7], Globalization.CultureInfo.InvariantCulture)

/// Writes one byte in every page of [start, start + bytes) and returns the faults it took.
let private faultsWriting (start: nativeptr<byte>) (bytes: int64) =
    let before = threadFaults ()
    let mutable offset = 0L
    while offset < bytes do
        NativePtr.set start (int offset) 1uy
        offset <- offset + 4096L
    threadFaults () - before

[<Fact>]
let ``backing a range's pages leaves every value in it as it was`` () =
    let values = Array.init 300_000 (fun i -> float32 i * 0.25f - 3.0f)
    let expected = Array.copy values
    use pinned = fixed values
    // The whole array, then a range that starts and ends inside pages.
    FreshPages.Populate(NativePtr.toVoidPtr pinned, int64 values.Length * 4L)
    FreshPages.Populate(NativePtr.toVoidPtr (NativePtr.add pinned 1001), 150_003L * 4L)
    Assert.Equal<float32>(expected, values)

[<Fact>]
let ``a backed array holds zeros of the length asked for`` () =
    for length in [ 0; 1; 1023; 1024; 235_146 ] do
        let array = FreshPages.Backed<float> length
        Assert.Equal(length, array.Length)
        Assert.True(array |> Array.forall (fun v -> v = 0.0), sprintf "a backed array of %d is not zeros" length)

[<Fact>]
let ``ranges of less than a whole page are left alone without error`` () =
    let values = Array.create 3000 7uy
    use pinned = fixed values
    FreshPages.Populate(NativePtr.toVoidPtr (NativePtr.add pinned 5), 4000L)
    FreshPages.Populate(NativePtr.toVoidPtr pinned, 0L)
    Assert.True(values |> Array.forall ((=) 7uy))

[<Fact>]
let ``on Linux 5.14 or later the first writes to backed pages take almost no faults, where fresh pages take one each`` () =
    if OperatingSystem.IsLinux() && Environment.OSVersion.Version >= Version(5, 14) then
        let bytes = 8L <<< 20
        let pages = bytes / 4096L
        // Both allocated before either is freed, so the C library maps fresh memory for each.
        let backed = NativeMemory.Alloc(unativeint bytes)
        let plain = NativeMemory.Alloc(unativeint bytes)
        try
            FreshPages.Populate(backed, bytes)
            Assert.True(FreshPages.Supported, "the kernel refused MADV_POPULATE_WRITE")
            let backedFaults = faultsWriting (NativePtr.ofVoidPtr backed) bytes
            let plainFaults = faultsWriting (NativePtr.ofVoidPtr plain) bytes
            Assert.True(plainFaults >= pages * 3L / 4L, sprintf "writing %d fresh pages took %d faults: the count or the memory is not what the test assumes" pages plainFaults)
            Assert.True(backedFaults < pages / 20L, sprintf "writing %d backed pages took %d faults" pages backedFaults)
        finally
            NativeMemory.Free backed
            NativeMemory.Free plain
