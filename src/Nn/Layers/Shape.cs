using System;

namespace Nn;

/// <summary>
/// The shape of what flows between layers: an image C×H×W (channels, height, width; stored row-major, so a sample
/// is read in C,H,W order) or a vector of a length. A dense layer reads either as a flat vector of
/// <see cref="Size"/> values, which is how flattening between a spatial and a dense layer stays implicit.
/// </summary>
/// <example><code>
/// var digit = Shape.Image(1, 8, 8);   // digit.Size == 64
/// var hidden = Shape.Vector(100);
/// </code></example>
public sealed record Shape
{
    private Shape(int channels, int height, int width, bool isImage)
    {
        Channels = channels;
        Height = height;
        Width = width;
        IsImage = isImage;
    }

    /// <summary>C: the number of channels (the length, for a vector).</summary>
    public int Channels { get; }

    /// <summary>H: the height in pixels (1 for a vector).</summary>
    public int Height { get; }

    /// <summary>W: the width in pixels (1 for a vector).</summary>
    public int Width { get; }

    /// <summary>Whether this is an image C×H×W rather than a flat vector.</summary>
    public bool IsImage { get; }

    /// <summary>The number of values per sample, C·H·W.</summary>
    public int Size => checked(Channels * Height * Width);

    /// <summary>A flat vector of <paramref name="length"/> values.</summary>
    /// <param name="length">The length, at least 1.</param>
    /// <returns>The shape.</returns>
    public static Shape Vector(int length)
    {
        Guard.Positive(nameof(length), length);
        return new Shape(length, 1, 1, false);
    }

    /// <summary>An image of <paramref name="channels"/> planes of <paramref name="height"/> × <paramref name="width"/> pixels.</summary>
    /// <param name="channels">C, at least 1.</param>
    /// <param name="height">H, at least 1.</param>
    /// <param name="width">W, at least 1.</param>
    /// <returns>The shape.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is not positive or C·H·W exceeds <see cref="int.MaxValue"/>.</exception>
    public static Shape Image(int channels, int height, int width)
    {
        Guard.Positive(nameof(channels), channels);
        Guard.Positive(nameof(height), height);
        Guard.Positive(nameof(width), width);
        // In 128 bits because three ints can pass 2⁶³: 3 × int.MaxValue × int.MaxValue wrapped in long and was accepted.
        if ((Int128)channels * height * width > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"an image of {channels}x{height}x{width} has more than {int.MaxValue} values.");
        }

        return new Shape(channels, height, width, true);
    }

    /// <summary>"CxHxW" for an image, the length for a vector, e.g. "1x8x8" or "100".</summary>
    /// <returns>The shape as the <c>--layers</c> grammar writes it.</returns>
    public override string ToString() =>
        IsImage ? FormattableString.Invariant($"{Channels}x{Height}x{Width}") : Channels.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
