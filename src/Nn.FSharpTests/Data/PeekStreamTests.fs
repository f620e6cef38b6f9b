/// PeekStream: looking at the first bytes of a stream that cannot seek, and still reading every byte.
module Nn.Tests.Data.PeekStreamTests

open System
open System.IO
open Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Nn
open Nn.Tests.Data.Streams

let private readAll (stream: Stream) =
    use copy = new MemoryStream()
    stream.CopyTo copy
    copy.ToArray()

[<Property(MaxTest = 200)>]
let ``a peek stream yields exactly the bytes of the stream it looks at, head first`` (bytes: byte[]) (count: byte) (chunk: byte) =
    use peek = PeekStream.Open(pipeLike (int chunk) bytes, int count % 8)
    let head = peek.Head.ToArray()
    head = Array.truncate (int count % 8) bytes && readAll peek = bytes

[<Fact>]
let ``the head of a stream shorter than asked is the whole stream`` () =
    use peek = PeekStream.Open(pipeLike 1 [| 7uy |], 2)
    Assert.Equal<byte[]>([| 7uy |], peek.Head.ToArray())
    Assert.Equal<byte[]>([| 7uy |], readAll peek)

[<Fact>]
let ``a peek stream cannot seek, has no length and cannot be written`` () =
    use peek = PeekStream.Open(new MemoryStream([| 1uy; 2uy |]), 1)
    Assert.False peek.CanSeek
    Assert.False peek.CanWrite
    Assert.Throws<NotSupportedException>(fun () -> peek.Length |> ignore) |> ignore
    Assert.Throws<NotSupportedException>(fun () -> peek.Seek(0L, SeekOrigin.Begin) |> ignore) |> ignore
    Assert.Throws<NotSupportedException>(fun () -> peek.Write([| 0uy |], 0, 1)) |> ignore

[<Fact>]
let ``disposing a peek stream closes the stream under it unless asked to leave it open`` () =
    let kept = new MemoryStream([| 1uy |])
    (PeekStream.Open(kept, 1, leaveOpen = true)).Dispose()
    Assert.True kept.CanRead
    let closed = new MemoryStream([| 1uy |])
    (PeekStream.Open(closed, 1)).Dispose()
    Assert.False closed.CanRead

[<Fact>]
let ``a negative peek length and an unreadable stream are refused`` () =
    Assert.ThrowsAny<ArgumentException>(fun () -> PeekStream.Open(new MemoryStream(), -1) |> ignore) |> ignore
    let unreadable = new MemoryStream()
    unreadable.Dispose()
    Assert.Throws<ArgumentException>(fun () -> PeekStream.Open(unreadable, 1) |> ignore) |> ignore

[<Fact>]
let ``a peek of up to Array.MaxLength bytes costs only what a short stream holds, and a longer head grows past its first room`` () =
    let shortStream = PeekStream.Open(new MemoryStream([| 1uy .. 10uy |]), Array.MaxLength)
    Assert.Equal<byte[]>([| 1uy .. 10uy |], shortStream.Head.ToArray())
    let bytes = Array.init 200_000 (fun i -> byte (i * 7))
    use long = PeekStream.Open(new MemoryStream(bytes), 150_000)
    Assert.Equal(150_000, long.Head.Length)
    use copy = new MemoryStream()
    long.CopyTo copy
    Assert.Equal<byte[]>(bytes, copy.ToArray())

[<Fact>]
let ``a peek longer than any array is refused by its count, not by running out of memory`` () =
    let e = Assert.Throws<ArgumentOutOfRangeException>(fun () -> PeekStream.Open(new MemoryStream([| 1uy |]), Int32.MaxValue) |> ignore)
    Assert.Contains("Array.MaxLength", e.Message)
