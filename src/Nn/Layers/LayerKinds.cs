using System;
using System.Collections.Generic;
using System.Collections.Immutable;

namespace Nn;

/// <summary>
/// The one table of layer kinds: each kind's file name (<see cref="Layer.KindName"/>) and the function that reads its
/// fields back from a model file, given the shape below it and its index (for messages). A new kind is one file plus
/// one line here; a test walks every <see cref="Layer"/> subclass through this table.
/// </summary>
internal static class LayerKinds
{
    public static ImmutableSortedDictionary<string, Func<FormatReader, Shape, int, Layer>> Readers { get; } =
        new Dictionary<string, Func<FormatReader, Shape, int, Layer>>
        {
            ["dense"] = DenseLayer.ReadFields,
            ["conv2d"] = Conv2DLayer.ReadFields,
            ["maxpool2d"] = MaxPool2DLayer.ReadFields,
            ["batchnorm"] = BatchNormLayer.ReadFields,
            ["dropout"] = DropoutLayer.ReadFields,
        }.ToImmutableSortedDictionary(StringComparer.Ordinal);
}
