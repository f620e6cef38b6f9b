using System;

namespace Nn;

/// <summary>
/// How raw pixel values become network inputs, and the one-hot target values that go with them: an input is
/// x' = <see cref="Low"/> + (<see cref="High"/> − <see cref="Low"/>) · x / <see cref="Max"/>. The built-in choices
/// are <see cref="Bytes"/> (x/255), <see cref="Digits"/> (x/16), <see cref="Textbook"/> ((x/255)·0.99 + 0.01 with
/// targets 0.01/0.99) and <see cref="Divide"/> for any other maximum.
/// </summary>
/// <example><code>
/// var scaling = PixelScaling.Textbook;
/// double input = scaling.Scale(255);   // 1.0
/// </code></example>
public sealed record PixelScaling
{
    /// <summary>Creates a scaling.</summary>
    /// <param name="Max">The raw value that maps to <paramref name="High"/>; positive and finite.</param>
    /// <param name="Low">The input for a raw 0.</param>
    /// <param name="High">The input for a raw <paramref name="Max"/>.</param>
    /// <param name="TargetOff">The one-hot target for the classes a sample is not.</param>
    /// <param name="TargetOn">The one-hot target for the class a sample is.</param>
    /// <remarks>
    /// <paramref name="Low"/> may be above <paramref name="High"/>: Low = 1, High = 0 inverts the pixels (1 − x/Max),
    /// making dark strokes on a light ground the large inputs. Equal ones map every pixel to the same input, an image
    /// nothing could be learned from, and equal targets give every class the same target: both are refused.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">Max is not positive and finite, or a value is not finite.</exception>
    /// <exception cref="ArgumentException"><paramref name="High"/> equals <paramref name="Low"/>, or <paramref name="TargetOn"/> equals <paramref name="TargetOff"/>.</exception>
    public PixelScaling(double Max, double Low = 0, double High = 1, double TargetOff = 0, double TargetOn = 1)
    {
        Guard.Positive(nameof(Max), Max);
        foreach (var (name, value) in new[] { (nameof(Low), Low), (nameof(High), High), (nameof(TargetOff), TargetOff), (nameof(TargetOn), TargetOn) })
        {
            if (!double.IsFinite(value))
            {
                throw new ArgumentOutOfRangeException(name, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{name} must be finite, but is {value}."));
            }
        }

        if (High == Low)
        {
            throw new ArgumentException(
                string.Create(System.Globalization.CultureInfo.InvariantCulture, $"High must differ from Low, but both are {Low}: every pixel would become the same input; take High above Low, or below it to invert the pixels."),
                nameof(High));
        }

        if (TargetOn == TargetOff)
        {
            throw new ArgumentException(
                string.Create(System.Globalization.CultureInfo.InvariantCulture, $"TargetOn must differ from TargetOff, but both are {TargetOn}: the true class would have the same target as the others."),
                nameof(TargetOn));
        }

        this.Max = Max;
        this.Low = Low;
        this.High = High;
        this.TargetOff = TargetOff;
        this.TargetOn = TargetOn;
    }

    /// <summary>The raw value that maps to <see cref="High"/>.</summary>
    public double Max { get; }

    /// <summary>The input for a raw 0.</summary>
    public double Low { get; }

    /// <summary>The input for a raw <see cref="Max"/>.</summary>
    public double High { get; }

    /// <summary>The target value for the other classes.</summary>
    public double TargetOff { get; }

    /// <summary>The target value for the true class.</summary>
    public double TargetOn { get; }

    /// <summary>x/255 with targets 0/1: 8-bit pixels such as MNIST's.</summary>
    public static PixelScaling Bytes { get; } = new(255);

    /// <summary>x/16 with targets 0/1: the optical digits' 0..16 pixels.</summary>
    public static PixelScaling Digits { get; } = new(16);

    /// <summary>The textbook's (x/255)·0.99 + 0.01 with targets 0.01/0.99, which keeps sigmoid inputs and targets off 0 and 1.</summary>
    public static PixelScaling Textbook { get; } = new(255, Low: 0.01, High: 1.0, TargetOff: 0.01, TargetOn: 0.99);

    /// <summary>x/<paramref name="max"/> with targets 0/1.</summary>
    /// <param name="max">The largest raw value, positive.</param>
    /// <returns>The scaling.</returns>
    public static PixelScaling Divide(double max) => new(max);

    /// <summary>The input for a raw value.</summary>
    /// <param name="raw">x.</param>
    /// <returns>Low + (High − Low) · x / Max.</returns>
    public double Scale(double raw) => Low + ((High - Low) * raw / Max);

    /// <summary>The members as the compiler prints them, with numbers in the invariant culture (not "1,5" under de-DE).</summary>
    /// <returns>The record's text, whatever the current culture.</returns>
    public override string ToString() => InvariantRecord.Text(nameof(PixelScaling), PrintMembers);
}
