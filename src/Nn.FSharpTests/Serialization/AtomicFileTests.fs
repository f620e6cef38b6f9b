/// AtomicFile: what it replaces (only a regular, writable file, through symbolic links) and what it refuses.
module Nn.Tests.Serialization.AtomicFileTests

open System
open System.Diagnostics
open System.IO
open Xunit
open Nn
open Nn.Tests.Data.IdxDataTests

let private inDirectory (test: string -> unit) =
    let directory = tempDirectory ()
    try test directory finally Directory.Delete(directory, true)

let private write (path: string) (bytes: byte array) = AtomicFile.Write(path, fun stream -> stream.Write bytes)

/// The directory's entries, so a test can see that no temporary file was left and nothing was replaced.
let private entries (directory: string) = Directory.GetFileSystemEntries directory |> Array.map (Path.GetFileName >> nonNull) |> Array.sort

[<Fact>]
let ``a write through a symbolic link replaces the file it points to and keeps the link`` () =
    inDirectory (fun directory ->
        let target = Path.Combine(directory, "target.bin")
        let link = Path.Combine(directory, "link.bin")
        File.WriteAllBytes(target, [| 1uy |])
        File.CreateSymbolicLink(link, "target.bin") |> ignore
        write link [| 7uy; 8uy |]
        Assert.Equal("target.bin", FileInfo(link).LinkTarget)
        Assert.Equal<byte[]>([| 7uy; 8uy |], File.ReadAllBytes target)
        Assert.Equal<string[]>([| "link.bin"; "target.bin" |], entries directory))

[<Fact>]
let ``a dangling symbolic link is written through, creating the file it names`` () =
    inDirectory (fun directory ->
        let link = Path.Combine(directory, "link.bin")
        File.CreateSymbolicLink(link, "new.bin") |> ignore
        write link [| 5uy |]
        Assert.Equal<byte[]>([| 5uy |], File.ReadAllBytes(Path.Combine(directory, "new.bin")))
        Assert.NotNull(FileInfo(link).LinkTarget))

[<Fact>]
let ``resolving a path follows links in its directories as well as in its name`` () =
    inDirectory (fun directory ->
        let real = Directory.CreateDirectory(Path.Combine(directory, "real")).FullName
        Directory.CreateSymbolicLink(Path.Combine(directory, "alias"), real) |> ignore
        File.CreateSymbolicLink(Path.Combine(real, "name.bin"), Path.Combine(real, "file.bin")) |> ignore
        Assert.Equal(Path.Combine(real, "file.bin"), AtomicFile.ResolveTarget(Path.Combine(directory, "alias", "name.bin")))
        Assert.Equal(Path.Combine(real, "other.bin"), AtomicFile.ResolveTarget(Path.Combine(directory, "alias", "other.bin"))))

[<Fact>]
let ``a cycle of symbolic links is refused rather than followed forever`` () =
    inDirectory (fun directory ->
        File.CreateSymbolicLink(Path.Combine(directory, "a"), "b") |> ignore
        File.CreateSymbolicLink(Path.Combine(directory, "b"), "a") |> ignore
        let e = Assert.Throws<IOException>(fun () -> AtomicFile.ResolveTarget(Path.Combine(directory, "a")) |> ignore)
        Assert.Contains("too many levels of symbolic links", e.Message))

/// Linux follows 40 links in one lookup and gives up at the 41st (ELOOP): a chain of 40 is followed to its file.
[<Fact>]
let ``a chain of 40 symbolic links is followed to its file, and one of 41 is refused`` () =
    inDirectory (fun directory ->
        File.WriteAllBytes(Path.Combine(directory, "link0"), [| 1uy |])
        for i in 1..41 do
            File.CreateSymbolicLink(Path.Combine(directory, sprintf "link%d" i), sprintf "link%d" (i - 1)) |> ignore
        Assert.Equal(Path.Combine(directory, "link0"), AtomicFile.ResolveTarget(Path.Combine(directory, "link40")))
        let e = Assert.Throws<IOException>(fun () -> AtomicFile.ResolveTarget(Path.Combine(directory, "link41")) |> ignore)
        Assert.Contains("too many levels of symbolic links", e.Message))

/// Nothing below a missing directory can be a link, so the walk stops there: it copied the path once per level, and a
/// 130 KB path of 65,000 missing directories on nn's command line took 15 GB and a minute and a half.
[<Fact>]
let ``resolving a path under 10,000 missing directories allocates in proportion to its length, not its square`` () =
    inDirectory (fun directory ->
        let path = Path.Combine(directory, String.replicate 10_000 "a/" + "file.bin")
        let before = GC.GetAllocatedBytesForCurrentThread()
        let target = AtomicFile.ResolveTarget path
        let allocated = GC.GetAllocatedBytesForCurrentThread() - before
        Assert.Equal(path, target)
        Assert.True(allocated < 64L * int64 path.Length, sprintf "allocated %d bytes for a path of %d characters" allocated path.Length))

/// The temporary file's name adds 38 characters to the target's; it keeps only the start of a long name.
[<Fact>]
let ``a file whose name is as long as Linux allows is written, and no temporary file is left`` () =
    inDirectory (fun directory ->
        for name in [ String.replicate 255 "a"; String.replicate 31 "é" + "😀" + String.replicate 90 "é" ] do
            write (Path.Combine(directory, name)) [| 3uy |]
            Assert.Equal<byte[]>([| 3uy |], File.ReadAllBytes(Path.Combine(directory, name)))
            File.Delete(Path.Combine(directory, name))
        Assert.Empty(entries directory))

[<Fact>]
let ``a directory at the path is refused and left as it is`` () =
    inDirectory (fun directory ->
        let path = Directory.CreateDirectory(Path.Combine(directory, "out")).FullName
        let e = Assert.Throws<IOException>(fun () -> write path [| 1uy |])
        Assert.Contains("is a directory", e.Message)
        Assert.True(Directory.Exists path)
        Assert.Equal<string[]>([| "out" |], entries directory))

[<Fact>]
let ``a read-only file is refused and keeps its content`` () =
    inDirectory (fun directory ->
        let path = Path.Combine(directory, "kept.bin")
        File.WriteAllBytes(path, [| 3uy |])
        File.SetAttributes(path, FileAttributes.ReadOnly)
        let e = Assert.Throws<UnauthorizedAccessException>(fun () -> write path [| 4uy |])
        Assert.Contains("read-only", e.Message)
        Assert.Equal<byte[]>([| 3uy |], File.ReadAllBytes path)
        Assert.Equal<string[]>([| "kept.bin" |], entries directory)
        File.SetAttributes(path, FileAttributes.Normal))

[<Fact>]
let ``a replaced file keeps its permissions`` () =
    if not (OperatingSystem.IsWindows()) then
        inDirectory (fun directory ->
            let path = Path.Combine(directory, "private.bin")
            File.WriteAllBytes(path, [| 1uy |])
            let mode = UnixFileMode.UserRead ||| UnixFileMode.UserWrite
            File.SetUnixFileMode(path, mode)
            write path [| 2uy |]
            Assert.Equal(mode, File.GetUnixFileMode path)
            Assert.Equal<byte[]>([| 2uy |], File.ReadAllBytes path))

[<Fact>]
let ``a device is refused without being touched`` () =
    if OperatingSystem.IsLinux() then
        // Only the check: were it wrong, a write would rename a file over /dev/null.
        let e = Assert.Throws<IOException>(fun () -> AtomicFile.CheckWritable "/dev/null" |> ignore)
        Assert.Contains("not a regular file", e.Message)

[<Fact>]
let ``a FIFO is refused and stays a FIFO`` () =
    if OperatingSystem.IsLinux() then
        inDirectory (fun directory ->
            let fifo = Path.Combine(directory, "pipe")
            use mkfifo = Process.Start("mkfifo", [ fifo ])
            mkfifo.WaitForExit()
            Assert.Equal(0, mkfifo.ExitCode)
            let via = Path.Combine(directory, "via")
            File.CreateSymbolicLink(via, fifo) |> ignore
            Assert.Contains("not a regular file", Assert.Throws<IOException>(fun () -> write fifo [| 1uy |]).Message)
            Assert.Contains("a link to", Assert.Throws<IOException>(fun () -> write via [| 1uy |]).Message)
            Assert.Equal(FileKind.Special, FileKinds.Of fifo)
            Assert.Equal<string[]>([| "pipe"; "via" |], entries directory))

[<Fact>]
let ``checking a path names its problem before anything is written`` () =
    inDirectory (fun directory ->
        let missing = Path.Combine(directory, "missing", "file.bin")
        Assert.Contains(Path.Combine(directory, "missing"), Assert.Throws<DirectoryNotFoundException>(fun () -> AtomicFile.CheckWritable missing |> ignore).Message)
        Assert.Throws<ArgumentException>(fun () -> AtomicFile.CheckWritable "" |> ignore) |> ignore
        Assert.Throws<ArgumentException>(fun () -> AtomicFile.CheckWritable(directory + string Path.DirectorySeparatorChar) |> ignore) |> ignore
        let fresh = Path.Combine(directory, "fresh.bin")
        Assert.Equal(fresh, AtomicFile.CheckWritable fresh)
        Assert.Empty(entries directory))
