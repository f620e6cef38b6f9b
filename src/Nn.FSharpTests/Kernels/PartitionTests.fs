/// How parallel regions split work into parts: contiguous, covering every unit once, and exact for counts whose
/// product with the part index passes int's range.
module Nn.Tests.Kernels.PartitionTests

open Xunit
open FsCheck
open FsCheck.Xunit
open Nn.Kernels

[<Property>]
let ``the parts are contiguous, in order, and cover every unit once`` (count: NonNegativeInt) (parts: PositiveInt) =
    let count, parts = count.Get, 1 + parts.Get % 300
    let starts = [ for p in 0 .. parts -> Partition.Start(count, p, parts) ]
    starts.Head = 0 && List.last starts = count && List.pairwise starts |> List.forall (fun (a, b) -> a <= b && b - a <= count / parts + 1)

[<Fact>]
let ``a count near int's limit splits exactly where 32-bit arithmetic wrapped around`` () =
    let count = Nn.Limits.MaxElements
    // count × 255 overflows int: the part starts must still rise to the count.
    Assert.Equal(int ((int64 count * 255L) / 256L), Partition.Start(count, 255, 256))
    Assert.Equal(count, Partition.Start(count, 256, 256))
    Assert.Equal(count / 2, Partition.Start(count, 1, 2))
