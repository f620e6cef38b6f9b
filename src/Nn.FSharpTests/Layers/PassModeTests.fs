/// The mode one layer of a pass sees: its own dropout key, derived from the pass's key and its index by a fixed
/// formula, so that masks are reproducible from the step's key and two dropout layers draw different masks; and its
/// block of the running statistics to read and of the next ones to write.
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

[<Fact>]
let ``a layer reads its block of the running statistics and writes its block of the next ones`` () =
    let statistics = [| 1.0; 2.0; 3.0; 4.0; 5.0; 6.0 |]
    let next = Array.zeroCreate<float> 6
    let layerMode = PassMode<float>.TrainingStep(0UL, ReadOnlySpan statistics, Span next).ForLayer(1, 2, 3)
    Assert.Equal<float[]>([| 3.0; 4.0; 5.0 |], layerMode.Statistics.ToArray())
    layerMode.NextStatistics.Fill 7.0
    Assert.Equal<float[]>([| 0.0; 0.0; 7.0; 7.0; 7.0; 0.0 |], next)
    let inference = PassMode<float>.Inference(ReadOnlySpan statistics).ForLayer(0, 4, 2)
    Assert.Equal<float[]>([| 5.0; 6.0 |], inference.Statistics.ToArray())
    Assert.True inference.NextStatistics.IsEmpty
    Assert.True(PassMode<float>.Objective.ForLayer(0, 0, 2).Statistics.IsEmpty)
