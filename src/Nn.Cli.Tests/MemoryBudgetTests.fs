/// The memory budget's figures as its messages print them; tested in the process.
module Nn.Cli.Tests.MemoryBudgetTests

open Xunit
open Nn.Cli

[<Theory>]
[<InlineData(0L, "0.0 MiB")>]
[<InlineData(60_083_404L, "57.3 MiB")>]
[<InlineData(1_073_741_824L, "1.0 GiB")>]
[<InlineData(4_187_593_113L, "3.9 GiB")>]
let ``sizes read in MiB below a gibibyte and in GiB from one on`` (bytes: int64, text: string) =
    Assert.Equal(text, MemoryBudget.Size bytes)
