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

/// The bytes gzip-compressed, as the .gz data files are.
let gzip (bytes: byte[]) =
    use stream = new MemoryStream()
    do
        use zip = new GZipStream(stream, CompressionLevel.Fastest, true)
        zip.Write(bytes, 0, bytes.Length)
    stream.ToArray()
