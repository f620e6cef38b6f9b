/// The sizes an IDX header announces, as a caller's check sees them.
module Nn.Tests.Data.IdxShapeTests

open Xunit
open FsCheck.Xunit
open Nn

[<Property>]
let ``the elements are the count times the sample size, without wrapping around`` (count: FsCheck.PositiveInt) (size: FsCheck.PositiveInt) =
    IdxShape(count.Get, size.Get).Elements = int64 count.Get * int64 size.Get

[<Fact>]
let ``a header past what int arithmetic holds still counts its elements`` () =
    Assert.Equal(4_294_967_296L, IdxShape(65_536, 65_536).Elements)
