using System;
using System.Globalization;
using System.Numerics;

namespace Nn;

/// <summary>
/// Inverted dropout (Srivastava et al. 2014): in training a = x ⊙ m / (1 − p) with m ~ Bernoulli(1 − p) per value,
/// so the expected activation is unchanged and inference is the identity a = x. It has no parameters, no state and
/// no activation, and reads and writes any shape. Masks come from the training step's key
/// (<see cref="DropoutMask"/>), never from a global generator, so a run is reproducible and resumable bit for bit.
/// </summary>
/// <example><code>
/// var architecture = Architecture.Input(64).Dense(64, Activation.Relu).Dropout(0.2).Dense(10, Activation.Softmax);
/// </code></example>
public sealed record DropoutLayer : Layer
{
    /// <summary>Creates a dropout configuration.</summary>
    /// <param name="input">The shape it reads and writes.</param>
    /// <param name="rate">p, the probability of dropping each value, in [0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">p is outside [0, 1) or NaN.</exception>
    public DropoutLayer(Shape input, double rate)
    {
        ArgumentNullException.ThrowIfNull(input);
        Guard.InRange(nameof(rate), rate, 0, 1);
        InputShape = input;
        // −0 is in [0, 1) but prints as "-0"; it drops nothing, as 0 does.
        Rate = rate == 0 ? 0 : rate;
    }

    /// <inheritdoc/>
    public override Shape InputShape { get; }

    /// <summary>The input shape: dropout changes values, not shapes.</summary>
    public override Shape OutputShape => InputShape;

    /// <summary>p, the probability of dropping a value in training.</summary>
    public double Rate { get; }

    /// <summary>The identity: dropout has no σ of its own.</summary>
    public override Activation Activation => Activation.Identity;

    /// <summary>False: dropout has no parameters.</summary>
    public override bool HasBias => false;

    /// <summary>0.</summary>
    public override int WeightCount => 0;

    /// <summary>0.</summary>
    public override int BiasCount => 0;

    internal override (int Rows, int Columns) WeightMatrix => (0, 0);

    internal override (int In, int Out) Fan => (0, 0);

    internal override string Token => "dropout" + Positional(Rate);

    internal override string KindName => "dropout";

    internal override ushort ModelFileVersion => 4;

    /// <summary>p.</summary>
    internal override void WriteFields(FormatWriter writer) => writer.Double(Rate);

    /// <summary>Reads the fields <see cref="WriteFields"/> wrote, for dropout over <paramref name="input"/>.</summary>
    internal static Layer ReadFields(FormatReader reader, Shape input, int index)
    {
        var at = reader.Offset;
        var rate = reader.Double($"layer {index}'s dropout rate");
        if (!(rate >= 0 && rate < 1))
        {
            throw reader.Error(at, $"layer {index}'s dropout rate in [0, 1)", rate.ToString("R", CultureInfo.InvariantCulture));
        }

        return new DropoutLayer(input, rate);
    }

    /// <summary>The mask's scale per value (0 or 1/(1 − p)), kept for the backward pass.</summary>
    internal override long ScratchLength(int rows) => (long)rows * InputShape.Size;

    /// <inheritdoc/>
    public override string ToString() => FormattableString.Invariant($"Dropout({InputShape}, p = {Rate})");

    /// <summary>
    /// p's shortest round-trip digits ("R") written without an exponent, 1E-05 as 0.00001: the <c>--layers</c> grammar
    /// reads digits and a point only, and a '-' in "1E-05" would split the token. The same digits parse back to p.
    /// </summary>
    private static string Positional(double rate)
    {
        var text = rate.ToString("R", CultureInfo.InvariantCulture);
        var e = text.IndexOf('E', StringComparison.Ordinal);
        if (e < 0)
        {
            return text;
        }

        // p is in [0, 1), so its exponent is negative: the point moves left, past zeros written in front.
        var mantissa = text[..e];
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = point < 0 ? mantissa : mantissa.Remove(point, 1);
        var shift = (point < 0 ? mantissa.Length : point) + int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return "0." + new string('0', -shift) + digits;
    }

    /// <summary>Training: z = a = x ⊙ m/(1 − p), m[i] = 1 when the hash of (key, i) is at least p. Inference: z = a = x.</summary>
    internal override void Forward<T>(
        ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, int rows, Span<T> z, Span<T> a, LayerBuffers<T> buffers, PassMode<T> mode)
    {
        var length = rows * InputShape.Size;
        var scale = buffers.Values.AsSpan(0, length);
        if (!mode.Training)
        {
            scale.Fill(T.One);
        }
        else
        {
            var kept = T.One / T.CreateChecked(1 - Rate);
            for (var i = 0; i < length; i++)
            {
                scale[i] = DropoutMask.Uniform(mode.DropoutKey, i) >= Rate ? kept : T.Zero;
            }
        }

        Kernels.TensorKernels.Multiply(input.Slice(0, length), scale, z);
        z.Slice(0, length).CopyTo(a);
    }

    /// <summary>∂C/∂x = δ ⊙ m/(1 − p) with the forward pass's mask (δ itself at inference).</summary>
    internal override void Backward<T>(
        ReadOnlySpan<T> parameters,
        ReadOnlySpan<T> input,
        Span<T> delta,
        int rows,
        Span<T> gradient,
        bool accumulate,
        Span<T> inputGradient,
        LayerBuffers<T> buffers,
        PassMode<T> mode)
    {
        if (!inputGradient.IsEmpty)
        {
            var length = rows * InputShape.Size;
            Kernels.TensorKernels.Multiply(delta.Slice(0, length), buffers.Values.AsSpan(0, length), inputGradient.Slice(0, length));
        }
    }
}
