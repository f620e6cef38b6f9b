using System;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Nn.Generators.Tests;

/// <summary>One dense layer of a random declaration.</summary>
internal sealed record RandomLayer(int Outputs, ActivationKind Activation, bool HasBias);

/// <summary>
/// A random declared network: element type, input width, 1–4 dense layers of random widths, activations and bias
/// flags, a loss the output activation supports, an optional L2 term and a batch size. Its <see cref="Source"/> is
/// the declaration plus a probe class with array-taking wrappers of the span entry points, which reflection can call.
/// </summary>
internal sealed record RandomDeclaration(string Name, bool IsDouble, int Inputs, RandomLayer[] Layers, LossKind Loss, double L2, int Rows)
{
    private static readonly ActivationKind[] Activations = Enum.GetValues<ActivationKind>();

    public string ElementType => IsDouble ? "double" : "float";

    public string ProbeName => Name + "Probe";

    /// <summary>Draws one declaration: mostly small layers (unrolled), some of more than 64 weights (SIMD rows), a few first layers of 256 inputs or more (the block kernels), batches past 16 rows (the GEMM path).</summary>
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
    public Architecture Architecture =>
        Layers.Aggregate(Architecture.Input(Inputs), (a, l) => a.Dense(l.Outputs, Runtime(l.Activation), l.HasBias));

    /// <summary>The runtime loss the declaration names.</summary>
    public Loss RuntimeLoss => Loss switch
    {
        LossKind.Quadratic => Nn.Loss.Quadratic,
        LossKind.BinaryCrossEntropy => Nn.Loss.BinaryCrossEntropy,
        _ => Nn.Loss.SoftmaxCrossEntropy,
    };

    public bool HasRelu => Layers.Any(l => l.Activation == ActivationKind.Relu);

    public string Source
    {
        get
        {
            var t = ElementType;
            var l2 = L2 != 0 ? ", rows" : string.Empty;
            var text = new StringBuilder();
            var loss = Loss.ToString();
            var l2Property = L2 != 0 ? ", L2 = " + L2.ToString("R", CultureInfo.InvariantCulture) : string.Empty;
            text.AppendLine(CultureInfo.InvariantCulture, $"[Nn.Network(typeof({t}), Inputs = {Inputs}, Loss = Nn.LossKind.{loss}{l2Property})]");
            for (var l = 0; l < Layers.Length; l++)
            {
                var layer = Layers[l];
                text.AppendLine(CultureInfo.InvariantCulture, $"[Nn.Dense({l}, {layer.Outputs}, Nn.ActivationKind.{layer.Activation}{(layer.HasBias ? string.Empty : ", HasBias = false")})]");
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"public static partial class {Name};");
            text.AppendLine(CultureInfo.InvariantCulture, $$"""
                public static class {{ProbeName}}
                {
                    public static {{t}} Gradient({{t}}[] p, {{t}}[] x, {{t}}[] y, int rows, {{t}}[] g) => {{Name}}.CostAndGradientBatch(p, x, y, rows, g{{l2}});
                    public static {{t}} Cost({{t}}[] p, {{t}}[] x, {{t}}[] y, int rows) => {{Name}}.CostBatch(p, x, y, rows{{l2}});
                    public static Nn.Architecture Architecture() => {{Name}}.Architecture;
                }
                """);
            return text.ToString();
        }
    }

    public override string ToString() =>
        $"{ElementType} {Inputs}-{string.Join("-", Layers.Select(l => $"{l.Outputs}{l.Activation}{(l.HasBias ? string.Empty : "(no bias)")}"))} {Loss} L2={L2.ToString(CultureInfo.InvariantCulture)} rows={Rows}";

    private static Activation Runtime(ActivationKind kind) => kind switch
    {
        ActivationKind.Identity => Activation.Identity,
        ActivationKind.Sigmoid => Activation.Sigmoid,
        ActivationKind.Tanh => Activation.Tanh,
        ActivationKind.Relu => Activation.Relu,
        _ => Activation.Softmax,
    };
}
