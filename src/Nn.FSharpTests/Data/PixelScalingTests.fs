/// Pixel scalings: an inverted one is taken, one that maps every pixel or every target to one value is not.
module Nn.Tests.Data.PixelScalingTests

open System
open Nn
open Xunit

[<Fact>]
let ``a scaling with Low above High inverts the pixels`` () =
    let inverted = PixelScaling(255.0, Low = 1.0, High = 0.0)
    Assert.Equal((1.0, 0.0), (inverted.Scale 0.0, inverted.Scale 255.0))

[<Fact>]
let ``a scaling whose Low equals High, or whose targets are equal, is refused naming the value`` () =
    let inputs = Assert.Throws<ArgumentException>(fun () -> PixelScaling(255.0, Low = 0.5, High = 0.5) |> ignore)
    Assert.Equal(
        "High must differ from Low, but both are 0.5: every pixel would become the same input; take High above Low, or below it to invert the pixels. (Parameter 'High')",
        inputs.Message)
    let targets = Assert.Throws<ArgumentException>(fun () -> PixelScaling(255.0, TargetOff = 0.5, TargetOn = 0.5) |> ignore)
    Assert.Equal("TargetOn must differ from TargetOff, but both are 0.5: the true class would have the same target as the others. (Parameter 'TargetOn')", targets.Message)
