/// Streams that behave like a pipe, for the readers' tests: no seeking, no length, and short reads.
module Nn.Tests.Data.Streams

open System
open System.IO

/// Yields the bytes at most `chunk` at a time and refuses Length, Position and Seek, as a pipe or FIFO does.
type PipeLikeStream(bytes: byte[], chunk: int) =
    inherit Stream()
    let mutable position = 0
    override _.CanRead = true
    override _.CanSeek = false
    override _.CanWrite = false
    override _.Length = raise (NotSupportedException "a pipe has no length")
    override _.Position
        with get () = raise (NotSupportedException "a pipe has no position")
        and set _ = raise (NotSupportedException "a pipe cannot seek")
    override _.Flush() = ()
    override _.Seek(_, _) = raise (NotSupportedException "a pipe cannot seek")
    override _.SetLength _ = raise (NotSupportedException "a pipe cannot be resized")
    override _.Write(_, _, _) = raise (NotSupportedException "this pipe is read-only")
    override _.Read(buffer: byte[], offset: int, count: int) =
        let n = min (min count chunk) (bytes.Length - position)
        Array.blit bytes position buffer offset n
        position <- position + n
        n

/// The bytes as a pipe that delivers at most `chunk` bytes per read.
let pipeLike (chunk: int) (bytes: byte[]) : Stream = new PipeLikeStream(bytes, max 1 chunk)
