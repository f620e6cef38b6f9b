/// IDX files written by tests (plain and gzip), shared by the reader's tests and the program's end-to-end tests.
module Nn.Tests.IdxFiles

open System.IO
open System.IO.Compression

/// An IDX file of unsigned bytes with the given dimensions.
let idxBytes (dimensions: int list) (data: byte[]) =
    use stream = new MemoryStream()
    let put (bytes: byte[]) = stream.Write(bytes, 0, bytes.Length)
    put [| 0uy; 0uy; 8uy; byte dimensions.Length |]
    for d in dimensions do
        put [| byte (d >>> 24); byte (d >>> 16); byte (d >>> 8); byte d |]
    put data
    stream.ToArray()

/// A gzip member of no data: a fixed-code block holding only its end (bits 1, 01, 0000000), CRC 0, length 0.
let emptyGzipMember = [| 0x1fuy; 0x8buy; 8uy; 0uy; 0uy; 0uy; 0uy; 0uy; 0uy; 0xffuy; 3uy; 0uy; 0uy; 0uy; 0uy; 0uy; 0uy; 0uy; 0uy; 0uy |]

/// The bytes gzip-compressed at the given level, as .NET writes them; for no bytes, where .NET writes nothing at
/// all, an empty member, as gzip(1) writes for an empty file.
let gzipAt (level: CompressionLevel) (bytes: byte[]) =
    use stream = new MemoryStream()
    do
        use zip = new GZipStream(stream, level, true)
        zip.Write(bytes, 0, bytes.Length)
    if stream.Length = 0L then emptyGzipMember else stream.ToArray()

/// The bytes gzip-compressed, as the .gz data files are.
let gzip (bytes: byte[]) = gzipAt CompressionLevel.Fastest bytes
