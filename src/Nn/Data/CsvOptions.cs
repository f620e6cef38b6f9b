namespace Nn;

/// <summary>Where the label sits in each CSV line.</summary>
public enum LabelColumn
{
    /// <summary>The first field is the label, then the values: <c>label,v0..vN</c> (mnist_train_100.csv).</summary>
    First,

    /// <summary>The values come first and the label last: <c>v0..vN,label</c> (digits.csv).</summary>
    Last,
}

/// <summary>How to read a CSV data file.</summary>
/// <param name="Label">Which column holds the label.</param>
/// <param name="ClassCount">The number of classes; every label must be in [0, ClassCount).</param>
/// <param name="Scaling">How raw values become inputs and which one-hot target values to use; null means x/255.</param>
/// <example><code>
/// var data = CsvData.Load&lt;float&gt;("mnist_train_100.csv", new CsvOptions(LabelColumn.First, 10, PixelScaling.Textbook));
/// </code></example>
public sealed record CsvOptions(LabelColumn Label = LabelColumn.First, int ClassCount = 10, PixelScaling? Scaling = null)
{
    /// <summary>The MNIST CSV layout: label first, 10 classes, x/255.</summary>
    public static CsvOptions Mnist { get; } = new();
}
