using System;

namespace Nn;

/// <summary>
/// A weight-initialisation scheme: how to draw W^l for a layer with n_in inputs and n_out outputs. Biases start
/// at zero under every scheme. Every draw comes from an explicit seed, so the same seed gives the same network.
/// </summary>
/// <example><code>
/// var network = Network.Create&lt;float&gt;(architecture, Initializer.He, seed: 7);
/// var textbook = Network.Create&lt;double&gt;(architecture, Initializer.NormalFixed(0.01), seed: 7);
/// </code></example>
public abstract record Initializer
{
    /// <summary>Normal with std = n^(−1/2), n = the layer's number of inputs (the classic MNIST tutorial's scheme).</summary>
    public static Initializer NormalInverseSqrtInputs { get; } = new NormalInverseSqrtInitializer(CountInputs: true);

    /// <summary>Normal with std = n^(−1/2), n = the layer's number of outputs (the "make your own network" book's scheme).</summary>
    public static Initializer NormalInverseSqrtOutputs { get; } = new NormalInverseSqrtInitializer(CountInputs: false);

    /// <summary>Xavier/Glorot uniform: U(−r, r) with r = √(6 / (n_in + n_out)).</summary>
    public static Initializer Xavier { get; } = new XavierInitializer();

    /// <summary>He (Kaiming) normal: std = √(2 / n_in), for ReLU layers.</summary>
    public static Initializer He { get; } = new HeInitializer();

    /// <summary>Normal with a fixed standard deviation, e.g. 0.01.</summary>
    /// <param name="standardDeviation">The std, positive and finite.</param>
    /// <returns>The scheme.</returns>
    public static Initializer NormalFixed(double standardDeviation) => new NormalFixedInitializer(standardDeviation);

    /// <summary>Uniform in [−ε, ε], as in the classic course's random initialisation (ε = 0.12).</summary>
    /// <param name="epsilon">ε, positive and finite.</param>
    /// <returns>The scheme.</returns>
    public static Initializer Uniform(double epsilon) => new UniformInitializer(epsilon);

    /// <summary>Draws one weight of a layer with the given fan-in and fan-out.</summary>
    /// <param name="inputs">n_in.</param>
    /// <param name="outputs">n_out.</param>
    /// <param name="random">The generator, advanced by the draw.</param>
    /// <returns>The weight.</returns>
    internal abstract double Draw(int inputs, int outputs, ref RandomGenerator random);

    /// <summary>The scheme's name as the command line spells it.</summary>
    public abstract string Name { get; }

    /// <summary>The scheme with the given name: normal-inputs, normal-outputs, xavier, he, normal:STD, uniform:EPS.</summary>
    /// <param name="text">The name, case-insensitive.</param>
    /// <returns>The scheme.</returns>
    /// <exception cref="ArgumentException">The name is unknown or its number is malformed.</exception>
    public static Initializer Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(':', 2);
        var number = parts.Length == 2 && double.TryParse(parts[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : double.NaN;
        return parts[0].ToUpperInvariant() switch
        {
            "NORMAL-INPUTS" when parts.Length == 1 => NormalInverseSqrtInputs,
            "NORMAL-OUTPUTS" when parts.Length == 1 => NormalInverseSqrtOutputs,
            "XAVIER" or "GLOROT" when parts.Length == 1 => Xavier,
            "HE" when parts.Length == 1 => He,
            "NORMAL" when !double.IsNaN(number) => NormalFixed(number),
            "UNIFORM" when !double.IsNaN(number) => Uniform(number),
            _ => throw new ArgumentException(
                $"initializer must be one of normal-inputs, normal-outputs, xavier, he, normal:STD, uniform:EPS, but is '{text}'.", nameof(text)),
        };
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    private sealed record NormalInverseSqrtInitializer(bool CountInputs) : Initializer
    {
        public override string Name => CountInputs ? "normal-inputs" : "normal-outputs";

        internal override double Draw(int inputs, int outputs, ref RandomGenerator random) =>
            random.NextGaussian() / Math.Sqrt(CountInputs ? inputs : outputs);
    }

    private sealed record XavierInitializer : Initializer
    {
        public override string Name => "xavier";

        internal override double Draw(int inputs, int outputs, ref RandomGenerator random) =>
            ((2 * random.NextDouble()) - 1) * Math.Sqrt(6.0 / (inputs + outputs));
    }

    private sealed record HeInitializer : Initializer
    {
        public override string Name => "he";

        internal override double Draw(int inputs, int outputs, ref RandomGenerator random) =>
            random.NextGaussian() * Math.Sqrt(2.0 / inputs);
    }

    private sealed record NormalFixedInitializer : Initializer
    {
        public NormalFixedInitializer(double standardDeviation)
        {
            Guard.Positive(nameof(standardDeviation), standardDeviation);
            StandardDeviation = standardDeviation;
        }

        public double StandardDeviation { get; }

        public override string Name => FormattableString.Invariant($"normal:{StandardDeviation}");

        internal override double Draw(int inputs, int outputs, ref RandomGenerator random) => random.NextGaussian() * StandardDeviation;
    }

    private sealed record UniformInitializer : Initializer
    {
        public UniformInitializer(double epsilon)
        {
            Guard.Positive(nameof(epsilon), epsilon);
            Epsilon = epsilon;
        }

        public double Epsilon { get; }

        public override string Name => FormattableString.Invariant($"uniform:{Epsilon}");

        internal override double Draw(int inputs, int outputs, ref RandomGenerator random) => ((2 * random.NextDouble()) - 1) * Epsilon;
    }
}
