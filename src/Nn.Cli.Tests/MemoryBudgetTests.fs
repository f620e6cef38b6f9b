/// What a data file's announced sizes need in memory, refused before anything is allocated; tested in the process.
module Nn.Cli.Tests.MemoryBudgetTests

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
