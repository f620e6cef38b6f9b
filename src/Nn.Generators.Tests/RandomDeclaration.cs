using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Nn.Generators.Tests;

/// <summary>One dense layer of a random declaration.</summary>
internal sealed record RandomLayer(int Outputs, ActivationKind Activation, bool HasBias);

/// <summary>One convolution (Filters &gt; 0) or max-pooling layer (Filters = 0, window KernelHeight; Stride 0 for the default) of a random declaration.</summary>
internal sealed record RandomSpatialLayer(int Filters, int KernelHeight, int KernelWidth, int Stride, int Padding, ActivationKind Activation, bool HasBias)
{
    public bool IsConvolution => Filters > 0;

    /// <summary>The attribute that declares the layer at <paramref name="order"/>.</summary>
    public string Attribute(int order) => IsConvolution
        ? string.Create(CultureInfo.InvariantCulture, $"[Nn.Conv2D({order}, {Filters}, {KernelHeight}, {KernelWidth}, Nn.ActivationKind.{Activation}, Stride = {Stride}, Padding = {Padding}{(HasBias ? string.Empty : ", HasBias = false")})]")
        : string.Create(CultureInfo.InvariantCulture, $"[Nn.MaxPool2D({order}, {KernelHeight}{(Stride == 0 ? string.Empty : $", Stride = {Stride}")})]");

    /// <summary>The layer added to a runtime architecture.</summary>
    public Architecture AddTo(Architecture architecture) => IsConvolution
        ? architecture.Conv2D(Filters, KernelHeight, KernelWidth, RandomDeclaration.Runtime(Activation), Stride, Padding, HasBias)
        : architecture.MaxPool2D(KernelHeight, Stride == 0 ? null : Stride);

    public override string ToString() => IsConvolution
        ? string.Create(CultureInfo.InvariantCulture, $"conv{Filters}k{KernelHeight}x{KernelWidth}s{Stride}p{Padding}{Activation}{(HasBias ? string.Empty : "(no bias)")}")
        : string.Create(CultureInfo.InvariantCulture, $"maxpool{KernelHeight}s{Stride}");
}

/// <summary>A batch normalisation (<see cref="Rate"/> below 0) or a dropout of p = <see cref="Rate"/>, after the first <see cref="Position"/> layers of a random declaration.</summary>
internal sealed record RandomRegulariser(int Position, double Rate)
{
    public bool IsDropout => Rate >= 0;

    /// <summary>The attribute that declares the layer at <paramref name="order"/>.</summary>
    public string Attribute(int order) => IsDropout
        ? string.Create(CultureInfo.InvariantCulture, $"[Nn.Dropout({order}, {Rate:R})]")
        : string.Create(CultureInfo.InvariantCulture, $"[Nn.BatchNorm({order})]");

    /// <summary>The layer added to a runtime architecture.</summary>
    public Architecture AddTo(Architecture architecture) => IsDropout ? architecture.Dropout(Rate) : architecture.BatchNorm();

    public override string ToString() => IsDropout ? string.Create(CultureInfo.InvariantCulture, $"dropout{Rate}") : "batchnorm";
}

/// <summary>
/// A random declared network: element type, input width, 1–4 dense layers of random widths, activations and bias
/// flags, a loss the output activation supports, an optional L2 term and a batch size. Its <see cref="Source"/> is
/// the declaration plus a probe class with array-taking wrappers of the span entry points, which reflection can call.
/// </summary>
internal sealed record RandomDeclaration(string Name, bool IsDouble, int Inputs, RandomLayer[] Layers, LossKind Loss, double L2, int Rows)
{
    private static readonly ActivationKind[] Activations = Enum.GetValues<ActivationKind>();

    /// <summary>The input image { C, H, W } of a stack with spatial layers; null for a dense stack of <see cref="Inputs"/>.</summary>
    public int[]? Image { get; init; }

    /// <summary>The convolution and pooling layers before the dense ones (none for a dense stack).</summary>
    public RandomSpatialLayer[] Spatial { get; init; } = [];

    /// <summary>Batch normalisations and dropouts between the layers, in stack order (none by default).</summary>
    public RandomRegulariser[] Regularisers { get; init; } = [];

    /// <summary>
    /// This declaration with one or two batch normalisations or dropouts (p in [0, 0.6)) drawn between its layers,
    /// among the spatial ones or the dense ones; a stack of one layer has no place for them and is returned as it is.
    /// </summary>
    public RandomDeclaration WithRegularisers(Random random)
    {
        var layers = Spatial.Length + Layers.Length;
        if (layers < 2)
        {
            return this;
        }

        var regularisers = Enumerable.Range(0, random.Next(1, 3))
            .Select(_ => new RandomRegulariser(random.Next(1, layers), random.Next(2) == 0 ? -1 : Math.Round(random.NextDouble() * 0.6, 2)))
            .OrderBy(r => r.Position)
            .ToArray();
        return this with { Regularisers = regularisers };
    }

    public bool HasBatchNorm => Regularisers.Any(r => !r.IsDropout);

    public bool HasDropout => Regularisers.Any(r => r.IsDropout);

    /// <summary>
    /// Draws a stack of convolution and pooling layers over a random image (1–4 channels, 3–10 pixels a side; kernels
    /// 1–5 on each side, square or not, stride 1–3, padding 0–2; windows 1–3 with the default or a random stride),
    /// then one or two dense layers; each spatial layer is drawn to fit what it reads.
    /// </summary>
    public static RandomDeclaration DrawSpatial(Random random, int index)
    {
        var (channels, height, width) = (random.Next(1, 5), random.Next(3, 11), random.Next(3, 11));
        var image = new[] { channels, height, width };
        var spatial = new List<RandomSpatialLayer>();
        var depth = random.Next(1, 4);
        for (var s = 0; s < depth; s++)
        {
            if (random.Next(3) != 0 || height < 2 || width < 2)
            {
                var padding = random.Next(3);
                var kernelHeight = random.Next(1, Math.Min(5, height + (2 * padding)) + 1);
                var kernelWidth = random.Next(1, Math.Min(5, width + (2 * padding)) + 1);
                var stride = random.Next(1, 4);
                var activation = Activations[random.Next(Activations.Length - 1)];
                var layer = new RandomSpatialLayer(random.Next(1, 5), kernelHeight, kernelWidth, stride, padding, activation, random.Next(4) != 0);
                spatial.Add(layer);
                (channels, height, width) = (layer.Filters, ((height + (2 * padding) - kernelHeight) / stride) + 1, ((width + (2 * padding) - kernelWidth) / stride) + 1);
            }
            else
            {
                var window = random.Next(1, Math.Min(3, Math.Min(height, width)) + 1);
                var stride = random.Next(2) == 0 ? 0 : random.Next(1, 4);
                spatial.Add(new RandomSpatialLayer(0, window, window, stride, 0, ActivationKind.Identity, false));
                var step = stride == 0 ? window : stride;
                (height, width) = (((height - window) / step) + 1, ((width - window) / step) + 1);
            }
        }

        var dense = Draw(random, index);
        var layers = dense.Layers.Skip(Math.Max(0, dense.Layers.Length - 2)).ToArray();
        return dense with { Inputs = image[0] * image[1] * image[2], Layers = layers, Image = image, Spatial = [.. spatial] };
    }

    public string ElementType => IsDouble ? "double" : "float";

    public string ProbeName => Name + "Probe";

    /// <summary>Draws one declaration: mostly small layers (unrolled), some of more than 64 weights (SIMD rows), a few first layers of 256 inputs or more (the block kernels), batches past 16 rows (the GEMM path of dense stacks; stacks with spatial layers take the whole-batch path from 8).</summary>
    public static RandomDeclaration Draw(Random random, int index)
    {
        var inputs = random.Next(10) == 0 ? random.Next(256, 320) : random.Next(1, 40);
        var depth = random.Next(1, 5);
        var loss = (LossKind)random.Next(3);
        var layers = Enumerable.Range(0, depth).Select(l =>
        {
            var last = l == depth - 1;
            var outputs = random.Next(1, last ? 8 : 40);
            var activation = last && loss != LossKind.Quadratic
                ? (random.Next(2) == 0 ? ActivationKind.Sigmoid : ActivationKind.Softmax)
                : Activations[random.Next(Activations.Length)];
            return new RandomLayer(outputs, activation, random.Next(4) != 0);
        }).ToArray();
        var l2 = random.Next(3) == 0 ? Math.Round(random.NextDouble() * 2, 3) + 0.001 : 0.0;
        var rows = random.Next(3) == 0 ? random.Next(16, 24) : random.Next(1, 8);
        return new RandomDeclaration("Random" + index.ToString(CultureInfo.InvariantCulture), random.Next(4) != 0, inputs, layers, loss, l2, rows);
    }

    /// <summary>The runtime architecture the declaration describes.</summary>
    public Architecture Architecture
    {
        get
        {
            var architecture = Image is null ? Architecture.Input(Inputs) : Architecture.Input(Image[0], Image[1], Image[2]);
            for (var i = 0; i < Spatial.Length + Layers.Length; i++)
            {
                architecture = Regularisers.Where(r => r.Position == i).Aggregate(architecture, (a, r) => r.AddTo(a));
                architecture = i < Spatial.Length
                    ? Spatial[i].AddTo(architecture)
                    : architecture.Dense(Layers[i - Spatial.Length].Outputs, Runtime(Layers[i - Spatial.Length].Activation), Layers[i - Spatial.Length].HasBias);
            }

            return architecture;
        }
    }

    /// <summary>The runtime loss the declaration names.</summary>
    public Loss RuntimeLoss => Loss switch
    {
        LossKind.Quadratic => Nn.Loss.Quadratic,
        LossKind.BinaryCrossEntropy => Nn.Loss.BinaryCrossEntropy,
        _ => Nn.Loss.SoftmaxCrossEntropy,
    };

    public bool HasRelu => Layers.Any(l => l.Activation == ActivationKind.Relu) || Spatial.Any(l => l.Activation == ActivationKind.Relu);

    public string Source
    {
        get
        {
            var t = ElementType;
            var l2 = L2 != 0 ? ", rows" : string.Empty;
            var text = new StringBuilder();
            var loss = Loss.ToString();
            var l2Property = L2 != 0 ? ", L2 = " + L2.ToString("R", CultureInfo.InvariantCulture) : string.Empty;
            var input = Image is null ? $"Inputs = {Inputs}" : $"InputShape = new[] {{ {string.Join(", ", Image)} }}";
            text.AppendLine(CultureInfo.InvariantCulture, $"[Nn.Network(typeof({t}), {input}, Loss = Nn.LossKind.{loss}{l2Property})]");
            var order = 0;
            for (var i = 0; i < Spatial.Length + Layers.Length; i++)
            {
                foreach (var regulariser in Regularisers.Where(r => r.Position == i))
                {
                    text.AppendLine(regulariser.Attribute(order++));
                }

                if (i < Spatial.Length)
                {
                    text.AppendLine(Spatial[i].Attribute(order++));
                    continue;
                }

                var layer = Layers[i - Spatial.Length];
                text.AppendLine(CultureInfo.InvariantCulture, $"[Nn.Dense({order++}, {layer.Outputs}, Nn.ActivationKind.{layer.Activation}{(layer.HasBias ? string.Empty : ", HasBias = false")})]");
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"public static partial class {Name};");
            text.AppendLine(CultureInfo.InvariantCulture, $$"""
                public static class {{ProbeName}}
                {
                    public static {{t}} Gradient({{t}}[] p, {{t}}[] x, {{t}}[] y, int rows, {{t}}[] g) => {{Name}}.CostAndGradientBatch(p, x, y, rows, g{{l2}});
                    public static {{t}} Cost({{t}}[] p, {{t}}[] x, {{t}}[] y, int rows) => {{Name}}.CostBatch(p, x, y, rows{{l2}});
                    public static Nn.Architecture Architecture() => {{Name}}.Architecture;
                {{(Regularisers.Length > 0 ? $"    public static void Infer({t}[] p, {t}[] s, {t}[] x, {t}[] outputs, int rows) => {Name}.ForwardBatch(p, s, x, outputs, rows);" : string.Empty)}}
                }
                """);
            return text.ToString();
        }
    }

    public override string ToString()
    {
        var layers = Spatial.Select(s => s.ToString())
            .Concat(Layers.Select(l => $"{l.Outputs}{l.Activation}{(l.HasBias ? string.Empty : "(no bias)")}"))
            .SelectMany((layer, i) => Regularisers.Where(r => r.Position == i).Select(r => r.ToString()).Append(layer));
        return $"{ElementType} {(Image is null ? Inputs.ToString(CultureInfo.InvariantCulture) : string.Join("x", Image))}-{string.Join("-", layers)} {Loss} L2={L2.ToString(CultureInfo.InvariantCulture)} rows={Rows}";
    }

    public static Activation Runtime(ActivationKind kind) => kind switch
    {
        ActivationKind.Identity => Activation.Identity,
        ActivationKind.Sigmoid => Activation.Sigmoid,
        ActivationKind.Tanh => Activation.Tanh,
        ActivationKind.Relu => Activation.Relu,
        _ => Activation.Softmax,
    };
}
