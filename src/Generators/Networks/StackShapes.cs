using System;
using System.Collections.Generic;
using System.Globalization;
using Nn.Generators.Diagnostics;
using Nn.Generators.Helpers;

namespace Nn.Generators.Networks;

/// <summary>
/// The rules of a stack with convolution and pooling layers, as the runtime's Conv2DLayer and MaxPool2DLayer
/// constructors check them: each layer's own sizes, then the walk of shapes from the input up, which finds a kernel
/// or window that does not fit, a spatial layer reading a vector, and the width the first dense layer reads flattened.
/// </summary>
internal static class StackShapes
{
    /// <summary>
    /// The parameter count a layer is given when its own count passes this (2⁶⁰): far beyond the library's limit, and
    /// small enough that a few such layers still add up in 64 bits (the message then says "more than" the limit).
    /// </summary>
    public const long Beyond = 1L << 60;

    /// <summary>The size rules of one convolution, pooling or dropout layer on its own, and what the generator refuses.</summary>
    public static void CheckLayer(DeclaredLayer layer, string name, List<DiagnosticInfo> errors)
    {
        void Positive(string what, int value)
        {
            if (value < 1)
            {
                errors.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SizeNotPositive, layer.Location, $"The {what} of {layer.Name}", name, Invariant(value)));
            }
        }

        switch (layer.Kind)
        {
            case DeclaredKind.Convolution:
                Positive("filter count", layer.Size);
                Positive("kernel height", layer.KernelHeight);
                Positive("kernel width", layer.KernelWidth);
                Positive("stride", layer.Stride);
                if (layer.Padding < 0)
                {
                    errors.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NegativePadding, layer.Location, layer.Name, name, Invariant(layer.Padding)));
                }

                if (layer.Activation == ActivationKind.Softmax)
                {
                    errors.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.NotSupportedYet, layer.Location, name, "softmax on " + layer.Name, "use Identity, Sigmoid, Tanh or Relu on a convolution, and softmax on a dense layer"));
                }

                break;
            case DeclaredKind.MaxPooling:
                Positive("window", layer.KernelHeight);
                if (layer.Stride < 0)
                {
                    Positive("stride", layer.Stride);
                }

                break;
            case DeclaredKind.Dropout:
                if (!(layer.Rate >= 0 && layer.Rate < 1))
                {
                    errors.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.InvalidDropoutRate, layer.Location, layer.Name, name, layer.Rate.ToString("R", CultureInfo.InvariantCulture)));
                }

                break;
        }
    }

    /// <summary>
    /// Walks the shapes from the input (an image when <paramref name="image"/> holds C, H, W, else a vector of
    /// <paramref name="inputs"/>) through the ordered layers; returns the spatial layers (offsets from 0) and the
    /// width the first dense layer reads, the batch normalisations and dropouts among the spatial layers (placed by
    /// how many spatial layers precede them) and where θ and the state continue after them, or adds the errors it finds.
    /// </summary>
    public static (List<SpatialLayerModel> Spatial, int DenseInputs, List<RegulariserModel> Regularisers, long Offset, int StateOffset) Walk(
        int[]? image, int inputs, IReadOnlyList<DeclaredLayer> ordered, string name, LocationInfo? networkLocation, List<DiagnosticInfo> errors)
    {
        var spatial = new List<SpatialLayerModel>();
        var regularisers = new List<RegulariserModel>();
        var stateOffset = 0;
        var (channels, height, width) = image is null ? (inputs, 1, 1) : (image[0], image[1], image[2]);
        var isImage = image is not null;
        var offset = 0L;
        long? denseInputs = null;
        foreach (var layer in ordered)
        {
            if (layer.Kind == DeclaredKind.Dense)
            {
                denseInputs ??= (long)channels * height * width;
                (channels, height, width, isImage) = (layer.Size, 1, 1, false);
                continue;
            }

            // After the first dense layer the builder places these, with the dense layers' offsets.
            if (layer.Kind is DeclaredKind.Dropout or DeclaredKind.BatchNorm)
            {
                if (denseInputs is null)
                {
                    var regulariser = RegulariserModel.Create(layer, spatial.Count, channels, height * width, offset, stateOffset);
                    regularisers.Add(regulariser);
                    offset += regulariser.ParameterCount;
                    stateOffset += regulariser.StateCount;
                }

                continue;
            }

            if (!isImage)
            {
                var fix = image is null
                    ? "declare InputShape = new[] { C, H, W } on [Network]"
                    : "put convolution and pooling layers before every dense layer";
                var size = (long)channels * height * width;
                errors.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NeedsImageInput, layer.Location, Capitalised(layer.Name), name, Invariant(size), fix));
                return (spatial, 0, regularisers, offset, stateOffset);
            }

            var input = $"{Invariant(channels)}x{Invariant(height)}x{Invariant(width)}";
            if (layer.Kind == DeclaredKind.Convolution)
            {
                long paddedHeight = height + (2L * layer.Padding), paddedWidth = width + (2L * layer.Padding);
                if (paddedHeight < layer.KernelHeight || paddedWidth < layer.KernelWidth)
                {
                    errors.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.KernelDoesNotFit,
                        layer.Location,
                        $"{Invariant(layer.KernelHeight)}x{Invariant(layer.KernelWidth)}",
                        layer.Name,
                        name,
                        input,
                        Invariant(layer.Padding),
                        $"{Invariant(paddedHeight)}x{Invariant(paddedWidth)}"));
                    return (spatial, 0, regularisers, offset, stateOffset);
                }

                // A padding up to 2³¹ makes an output side past int, and the weights' product past 2⁶⁴: both are
                // checked before they are narrowed or multiplied in 64 bits, so no size wraps round to a small one.
                var outputHeight = ((paddedHeight - layer.KernelHeight) / layer.Stride) + 1;
                var outputWidth = ((paddedWidth - layer.KernelWidth) / layer.Stride) + 1;
                var units = (decimal)layer.Size * outputHeight * outputWidth;
                if (units > NetworkModelBuilder.MaxWidth)
                {
                    errors.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.TooManyParameters, networkLocation, name, "has a layer of " + units.ToString(CultureInfo.InvariantCulture) + " units"));
                    return (spatial, 0, regularisers, offset, stateOffset);
                }

                var weights = (double)layer.Size * channels * layer.KernelHeight * layer.KernelWidth >= Beyond
                    ? Beyond
                    : (long)layer.Size * channels * layer.KernelHeight * layer.KernelWidth;
                var biasOffset = layer.HasBias ? offset + weights : -1;
                spatial.Add(new SpatialLayerModel(
                    SpatialKind.Convolution, channels, height, width, layer.Size, (int)outputHeight, (int)outputWidth, layer.KernelHeight, layer.KernelWidth,
                    layer.Stride, layer.Padding, layer.Activation, layer.HasBias, (int)Math.Min(offset, int.MaxValue), (int)Math.Min(biasOffset, int.MaxValue)));
                offset = Math.Min(offset + weights + (layer.HasBias ? layer.Size : 0), Beyond);
                (channels, height, width) = (layer.Size, (int)outputHeight, (int)outputWidth);
            }
            else
            {
                var window = layer.KernelHeight;
                var stride = layer.Stride == 0 ? window : layer.Stride;
                if (height < window || width < window)
                {
                    errors.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.WindowDoesNotFit, layer.Location, $"{Invariant(window)}x{Invariant(window)}", layer.Name, name, input));
                    return (spatial, 0, regularisers, offset, stateOffset);
                }

                var outputHeight = ((height - window) / stride) + 1;
                var outputWidth = ((width - window) / stride) + 1;
                spatial.Add(new SpatialLayerModel(
                    SpatialKind.MaxPooling, channels, height, width, channels, outputHeight, outputWidth, window, window, stride, 0, ActivationKind.Identity, false, -1, -1));
                (height, width) = (outputHeight, outputWidth);
            }
        }

        return (spatial, (int)Math.Min(denseInputs ?? 0, int.MaxValue), regularisers, offset, stateOffset);
    }

    private static string Capitalised(string text) => char.ToUpperInvariant(text[0]) + text.Substring(1);

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
