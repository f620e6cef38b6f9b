/// The mode one layer of a pass sees: its own dropout key, derived from the pass's key and its index by a fixed
/// formula, so that masks are reproducible from the step's key and two dropout layers draw different masks.
module Nn.Tests.Layers.PassModeTests

open System
open Nn
open Xunit

[<Fact>]
let ``a layer's dropout key is the pass key plus its index plus one times 0xD1B54A32D192ED03, mixed`` () =
    for passKey in [ 0UL; 5UL; 0xFFFFFFFFFFFFFFFFUL ] do
        for layer in [ 0; 1; 7 ] do
            let expected = DropoutMask.Mix(passKey + uint64 (layer + 1) * 0xD1B54A32D192ED03UL)
            let mode = PassMode<float>.TrainingStep(passKey, ReadOnlySpan<float>.Empty, Span<float>.Empty)
            Assert.Equal(expected, mode.ForLayer(layer, 0, 0).DropoutKey)
