/// The IDX reader: plain and gzip files written by the tests, and a specific error for every malformed file.
module Nn.Tests.Data.IdxDataTests

open System
open Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open System.IO
open System.IO.Compression
open Nn
open Nn.Tests.IdxFiles

/// A fresh temporary directory for one test.
let tempDirectory () =
    let path = Path.Combine(Path.GetTempPath(), "nn-tests-" + Guid.NewGuid().ToString("N"))
    Directory.CreateDirectory(path) |> ignore
    path

/// Three 2×2 images with pixels 0, 51, 255, … and labels 1, 0, 9.
let images = idxBytes [ 3; 2; 2 ] [| 0uy; 51uy; 255uy; 102uy; 1uy; 2uy; 3uy; 4uy; 255uy; 255uy; 0uy; 0uy |]
let labels = idxBytes [ 3 ] [| 1uy; 0uy; 9uy |]

let private write (directory: string) (name: string) (bytes: byte[]) =
    let path = Path.Combine(directory, name)
    File.WriteAllBytes(path, bytes)
    path

let private load (imageBytes: byte[]) (labelBytes: byte[]) =
    let directory = tempDirectory ()
    try IdxData.Load<float>(write directory "images" imageBytes, write directory "labels" labelBytes)
    finally Directory.Delete(directory, true)

let private failure imageBytes labelBytes =
    Assert.Throws<DataFormatException>(fun () -> load imageBytes labelBytes |> ignore)

[<Fact>]
let ``plain IDX files load with pixels scaled by 1/255 and one-hot targets`` () =
    let data = load images labels
    Assert.Equal((3, 4, 10), (data.Count, data.Inputs.Columns, data.ClassCount))
    Assert.Equal<float[]>([| 0.0; 0.2; 1.0; 0.4 |], data.Inputs.RowArray 0)
    Assert.Equal<int list>([ 1; 0; 9 ], List.ofSeq data.Labels)
    Assert.Equal(1.0, data.Targets.RowArray(2)[9])

[<Fact>]
let ``gzip-compressed IDX files give the same data as plain ones`` () =
    Assert.Equal(load images labels, load (gzip images) (gzip labels))

[<Fact>]
let ``the textbook scaling applies to IDX pixels and targets`` () =
    let directory = tempDirectory ()
    try
        let data = IdxData.Load<float>(write directory "i" images, write directory "l" labels, PixelScaling.Textbook)
        Assert.Equal(0.01, data.Inputs.RowArray(0)[0])
        Assert.Equal<float[]>([| 0.01; 0.99 |], data.Targets.RowArray(0) |> Array.take 2)
    finally Directory.Delete(directory, true)

[<Fact>]
let ``a wrong magic number is reported at byte 0`` () =
    let bad = Array.copy images
    bad[0] <- 0x50uy
    let e = failure bad labels
    Assert.Equal("byte 0", e.Location)
    Assert.Contains("not an IDX file", e.Message)

[<Fact>]
let ``a data type other than unsigned byte is reported at byte 2`` () =
    let bad = Array.copy images
    bad[2] <- 0x0Duy
    Assert.Contains("byte 2: expected data type 0x08 (unsigned byte), but found 0x0D", (failure bad labels).Message)

[<Fact>]
let ``a truncated images file names the offset where it ends and the expected length`` () =
    let e = failure (Array.sub images 0 (images.Length - 3)) labels
    Assert.Equal(sprintf "byte %d" (images.Length - 3), e.Location)
    Assert.Contains(sprintf "%d bytes in all" images.Length, e.Message)
    Assert.Contains("truncated", e.Message)

[<Fact>]
let ``a truncated gzip file is reported with its decompressed offset`` () =
    let e = failure (gzip (Array.sub images 0 20)) labels
    Assert.Contains("(decompressed)", e.Location)

[<Fact>]
let ``a corrupt gzip stream or checksum is reported as damaged compressed data naming the file, in one sentence`` () =
    // Byte 10 opens the deflate data; 0xFF there asks for the reserved block type 3. The CRC-32 is 8 bytes from the end.
    let badBlock = gzip images
    badBlock[10] <- 0xFFuy
    let badChecksum = gzip images
    badChecksum[badChecksum.Length - 8] <- badChecksum[badChecksum.Length - 8] ^^^ 1uy
    for corrupt in [ badBlock; badChecksum ] do
        let e = failure corrupt labels
        Assert.EndsWith("images", e.FileName)
        Assert.Contains("expected a valid gzip stream, but found damaged compressed data (", e.Message)
        Assert.DoesNotContain("compression method", e.Message)
        Assert.EndsWith(").", e.Message)

[<Fact>]
let ``trailing bytes after the data are refused`` () =
    let e = failure (Array.append images [| 7uy |]) labels
    Assert.Contains("expected the end of the file", e.Message)

[<Fact>]
let ``bytes after the last gzip member are refused naming the file, as trailing bytes in a plain file are`` () =
    // Junk shorter than the decompressor's read, longer than it, and junk that starts with gzip's first magic byte.
    for junk in [ [| 7uy |]; "junk"B; Array.create 100_000 0uy; [| 0x1fuy; 0x42uy |] ] do
        let e = failure (Array.append (gzip images) junk) labels
        Assert.EndsWith("images", e.FileName)
        Assert.Equal(sprintf "byte %d (decompressed)" images.Length, e.Location)
        Assert.Contains("expected the end of the file after the gzip data, but found trailing bytes that are not gzip data.", e.Message)

[<Fact>]
let ``a gzip file cut inside a member is refused as truncated, even where all its data has arrived`` () =
    // Cut in the trailer, the data is whole but its CRC-32 is not there to check it; .NET's GZipStream reads it.
    // A lone 0x1f, a magic number, or a header after the last member are members cut short too.
    let whole = gzip images
    let cuts =
        [ whole[.. whole.Length - 2]; whole[.. whole.Length - 9]
          Array.append whole [| 0x1fuy |]; Array.append whole [| 0x1fuy; 0x8buy |]; Array.append whole whole[.. 9] ]
    for cut in cuts do
        let e = failure cut labels
        Assert.EndsWith("images", e.FileName)
        Assert.Contains("expected a complete gzip member, but found the end of the file inside a gzip member (truncated).", e.Message)

[<Fact>]
let ``concatenated gzip members read as one file, as gzip reads them`` () =
    let members = Array.append (gzip (Array.sub images 0 10)) (gzip (Array.sub images 10 (images.Length - 10)))
    Assert.Equal(load images labels, load members (Array.append (gzip labels) (gzip [||])))

[<Fact>]
let ``a labels file with another count than the images file is refused`` () =
    let e = failure images (idxBytes [ 2 ] [| 1uy; 0uy |])
    Assert.Contains("expected 3 labels, one per image", e.Message)

[<Fact>]
let ``a labels header announcing another count is refused at byte 4 before its data is read`` () =
    // Two bytes where the header promises a billion: read first, the data ends the read as a truncated file instead.
    let e = failure images (idxBytes [ 1_000_000_000 ] [| 1uy; 0uy |])
    Assert.Equal("byte 4", e.Location)
    Assert.Contains("expected 3 labels, one per image in ", e.Message)
    Assert.Contains("but found 1000000000", e.Message)

[<Fact>]
let ``a label out of range names its byte offset`` () =
    let e = failure images (idxBytes [ 3 ] [| 1uy; 10uy; 9uy |])
    Assert.Equal("byte 9", e.Location)
    Assert.Contains("expected a label in 0..9, but found 10", e.Message)

[<Fact>]
let ``an images file with one dimension is refused`` () =
    Assert.Contains("byte 3: expected at least 2 dimensions, but found 1", (failure labels labels).Message)

[<Property(MaxTest = 60)>]
let ``every truncation of a valid file throws DataFormatException and returns nothing`` (cut: NonNegativeInt) =
    let length = cut.Get % images.Length
    let truncated = Array.sub images 0 length
    try
        load truncated labels |> ignore
        false
    with :? DataFormatException -> true

[<Fact>]
let ``a header announcing a billion pixels in a short file is refused without allocating them`` () =
    // 1000 images of 1000×1000 in a 20-byte file: the reader must find the truncation, not reserve 4 GB first.
    let claim = idxBytes [ 1000; 1000; 1000 ] [| 1uy; 2uy; 3uy; 4uy |]
    let before = GC.GetAllocatedBytesForCurrentThread()
    let e = Assert.Throws<DataFormatException>(fun () -> IdxData.Read<float32>(new MemoryStream(claim), "big", new MemoryStream(labels), "l") |> ignore)
    Assert.Contains("the end of the file (truncated)", e.Message)
    Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16_000_000L, "the reader allocated for the header's claim instead of the bytes present")

[<Fact>]
let ``an images header announcing samples wider than the width limit is refused at that dimension`` () =
    // 5000 × 5000 pixels a sample is 25 million inputs, past Limits.MaxWidth; no pixel follows the header.
    let e = failure (idxBytes [ 1; 5000; 5000 ] [||]) labels
    Assert.Equal("byte 12", e.Location)
    Assert.Contains("at most 16777216 values per sample (Limits.MaxWidth)", e.Message)
    Assert.Contains("25000000", e.Message)

[<Fact>]
let ``an image of exactly the width limit's pixels, 4096 × 4096, loads as one sample that wide`` () =
    // The limit is the widest sample allowed, not the first refused (float32 keeps the sample to 64 MB).
    let pixels = Array.init Limits.MaxWidth (fun i -> byte (i % 251))
    let data = IdxData.Read<float32>(new MemoryStream(idxBytes [ 1; 4096; 4096 ] pixels), "wide", new MemoryStream(idxBytes [ 1 ] [| 7uy |]), "l")
    Assert.Equal((1, Limits.MaxWidth), (data.Count, data.Inputs.Columns))
    Assert.Equal(float32 (250.0 / 255.0), data.Inputs[0, 250])
    Assert.Equal(7, data.Labels[0])

[<Fact>]
let ``a class count past the class limit is refused before any file is read`` () =
    let e = Assert.ThrowsAny<ArgumentException>(fun () -> IdxData.Load<float>("missing-images", "missing-labels", classCount = 100000000) |> ignore)
    Assert.Contains("Limits.MaxClasses", e.Message)

[<Fact>]
let ``images without labels read as one scaled row per image, for prediction`` () =
    let inputs = IdxData.ReadImages<float>(new MemoryStream(gzip images), "images.gz", PixelScaling.Bytes)
    Assert.Equal((3, 4), (inputs.Rows, inputs.Columns))
    Assert.Equal<float[]>([| 0.0; 0.2; 1.0; 0.4 |], inputs.RowArray 0)
    let e = Assert.Throws<DataFormatException>(fun () -> IdxData.ReadImages<float>(new MemoryStream(labels), "labels", null) |> ignore)
    Assert.StartsWith("labels, ", e.Message)

/// The exception a caller's check throws in these tests, so that it cannot be mistaken for one the reader throws.
exception Refused of IdxShape

[<Fact>]
let ``the images header's sizes reach the caller's check before any of its data is read`` () =
    // A header with no data behind it: without the check first, the read would end as a truncated file.
    let header = idxBytes [ 5; 2; 3 ] [||]
    let refuse = Action<IdxShape>(fun shape -> raise (Refused shape))
    let fromRead = Assert.Throws<Refused>(fun () -> IdxData.Read<float32>(new MemoryStream(header), "i", new MemoryStream(labels), "l", checkShape = refuse) |> ignore)
    let fromImages = Assert.Throws<Refused>(fun () -> IdxData.ReadImages<float32>(new MemoryStream(gzip header), "i.gz", checkShape = refuse) |> ignore)
    Assert.Equal(IdxShape(5, 6), fromRead.Data0)
    Assert.Equal(IdxShape(5, 6), fromImages.Data0)

[<Fact>]
let ``a check that accepts the sizes leaves the data as read without one`` () =
    let seen = Collections.Generic.List<IdxShape>()
    let data = IdxData.Read<float>(new MemoryStream(images), "i", new MemoryStream(labels), "l", checkShape = Action<IdxShape> seen.Add)
    Assert.Equal<IdxShape>([ IdxShape(3, 4) ], seen)
    let rows (inputs: Matrix<float>) = [ for r in 0 .. inputs.Rows - 1 -> inputs.RowArray r ]
    Assert.Equal<float[] list>(rows (load images labels).Inputs, rows data.Inputs)
