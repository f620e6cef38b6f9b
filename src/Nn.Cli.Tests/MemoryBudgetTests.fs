/// What a data file's announced sizes need in memory, refused before anything is allocated; tested in the process.
module Nn.Cli.Tests.MemoryBudgetTests

open System
open Xunit
open Nn
open Nn.Cli

[<Fact>]
let ``images whose values and targets fit the memory left pass, and more are refused naming the option and the file`` () =
    // 1000 MNIST images as float32 with 10 classes: 1000 × (784 × 5 + 50) × 1.25 = 4.96 MB.
    let check = MemoryBudget.ImagesCheck(4, 10, 5_000_000L, "--train", "train-images")
    check.Invoke(IdxShape(1000, 784))
    let refusal = Assert.Throws<BadInputException>(fun () -> check.Invoke(IdxShape(1010, 784)))
    Assert.Equal(
        "--train train-images: its IDX header announces 1010 images of 784 values, which would need about 4.8 MiB of memory (5 bytes a value and 50 an image, its label and 10 one-hot targets, and a quarter more for the runtime), more than the 4.8 MiB available; give fewer images, or run nn where more memory is available.",
        refusal.Message)

[<Fact>]
let ``images without labels need only their bytes and values`` () =
    let check = MemoryBudget.ImagesCheck(8, 0, 9_000_000L, "--data", "standard input")
    check.Invoke(IdxShape(1000, 800))
    let refusal = Assert.Throws<BadInputException>(fun () -> check.Invoke(IdxShape(1001, 800)))
    Assert.Contains("announces 1001 images of 800 values, which would need about 8.6 MiB of memory (9 bytes a value, and a quarter more", refusal.Message)

[<Theory>]
[<InlineData(0L, "0.0 MiB")>]
[<InlineData(60_083_404L, "57.3 MiB")>]
[<InlineData(1_073_741_824L, "1.0 GiB")>]
[<InlineData(4_187_593_113L, "3.9 GiB")>]
let ``sizes read in MiB below a gibibyte and in GiB from one on`` (bytes: int64, text: string) =
    Assert.Equal(text, MemoryBudget.Size bytes)

[<Fact>]
let ``the memory Linux can still give is read from the MemAvailable line, in kibibytes`` () =
    let meminfo = [ "MemTotal:       24730000 kB"; "MemFree:         1000000 kB"; "MemAvailable:   23498800 kB"; "Buffers:          200000 kB" ]
    Assert.Equal(Some(23498800L * 1024L), MemoryBudget.MemAvailable meminfo |> Option.ofNullable)
    Assert.Equal(None, MemoryBudget.MemAvailable [ "MemTotal:       24730000 kB"; "MemAvailable: lots" ] |> Option.ofNullable)

[<Fact>]
let ``data may take what the runtime may use less what is held, and no more than the system still has`` () =
    let gib = 1L <<< 30
    // A busy 24 GiB machine with 4 GiB free, a 256 MiB heap limit on an idle one, and a system that does not say.
    Assert.Equal(4L * gib, MemoryBudget.Left(24L * gib, gib, Nullable(4L * gib)))
    Assert.Equal(246L <<< 20, MemoryBudget.Left(256L <<< 20, 10L <<< 20, Nullable(20L * gib)))
    Assert.Equal(23L * gib, MemoryBudget.Left(24L * gib, gib, Nullable()))
    Assert.Equal(Int64.MaxValue, MemoryBudget.Left(0L, gib, Nullable()))

[<Fact>]
let ``data may take nothing, never less, when the program already holds more than the runtime may use`` () =
    // A negative budget would read as "less than nothing is available" in every refusal, and compares below any need.
    Assert.Equal(0L, MemoryBudget.Left(256L <<< 20, 300L <<< 20, Nullable(20L <<< 30)))
    Assert.Equal(0L, MemoryBudget.Left(256L <<< 20, 256L <<< 20, Nullable()))
