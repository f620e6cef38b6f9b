using System;
using System.Globalization;

namespace Nn;

/// <summary>Where the label sits in each CSV line.</summary>
public enum LabelColumn
{
    /// <summary>The first field is the label, then the values: <c>label,v0..vN</c> (mnist_train_100.csv).</summary>
    First,

    /// <summary>The values come first and the label last: <c>v0..vN,label</c> (digits.csv).</summary>
    Last,
}

/// <summary>How to read a CSV data file. The options check themselves when made and when changed with <c>with</c>.</summary>
/// <param name="Label">Which column holds the label: a defined <see cref="LabelColumn"/>.</param>
/// <param name="ClassCount">The number of classes, 1..<see cref="Limits.MaxClasses"/>; every label must be in [0, ClassCount).</param>
/// <param name="Scaling">How raw values become inputs and which one-hot target values to use; null means x/255.</param>
/// <example><code>
/// var data = CsvData.Load&lt;float&gt;("mnist_train_100.csv", new CsvOptions(LabelColumn.First, 10, PixelScaling.Textbook));
/// </code></example>
/// <exception cref="ArgumentOutOfRangeException">
/// <paramref name="Label"/> is not a defined <see cref="LabelColumn"/> (an integer cast to it), or
/// <paramref name="ClassCount"/> is outside 1..<see cref="Limits.MaxClasses"/>.
/// </exception>
public sealed record CsvOptions(LabelColumn Label = LabelColumn.First, int ClassCount = 10, PixelScaling? Scaling = null)
{
    private readonly LabelColumn label = CheckedLabel(Label);
    private readonly int classCount = CheckedClassCount(ClassCount);

    /// <summary>Which column holds the label.</summary>
    public LabelColumn Label { get => label; init => label = CheckedLabel(value); }

    /// <summary>The number of classes, 1..<see cref="Limits.MaxClasses"/>.</summary>
    public int ClassCount { get => classCount; init => classCount = CheckedClassCount(value); }

    /// <summary>The MNIST CSV layout: label first, 10 classes, x/255.</summary>
    public static CsvOptions Mnist { get; } = new();

    // An undefined value would otherwise read as Last, since the reader only asks whether the label is First.
    private static LabelColumn CheckedLabel(LabelColumn value) =>
        Enum.IsDefined(value)
            ? value
            : throw new ArgumentOutOfRangeException(
                nameof(Label), string.Create(CultureInfo.InvariantCulture, $"{nameof(Label)} must be {nameof(LabelColumn.First)} or {nameof(LabelColumn.Last)}, but is {(int)value}."));

    private static int CheckedClassCount(int value)
    {
        Limits.Size(nameof(ClassCount), value, Limits.MaxClasses, nameof(Limits.MaxClasses));
        return value;
    }
}
