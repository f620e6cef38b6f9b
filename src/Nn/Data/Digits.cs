using System;
using System.IO;
using System.Numerics;

namespace Nn;

/// <summary>
/// The embedded default data set: the UCI optical digits, 1,797 images of 8×8 pixels with values 0..16 and a label
/// 0..9 (label last in each line of digits.csv). Pixels are scaled by 1/16 into [0, 1]. The fixed split puts every
/// fifth image (indices 4, 9, 14, …) in the test part: 1,438 training and 359 test images.
/// </summary>
/// <example><code>
/// var (train, test) = Digits.Load&lt;float&gt;();
/// </code></example>
public static class Digits
{
    /// <summary>The number of images.</summary>
    public const int Count = 1797;

    /// <summary>The number of pixels per image, 8 × 8.</summary>
    public const int InputSize = 64;

    /// <summary>The number of classes.</summary>
    public const int ClassCount = 10;

    /// <summary>The period of the fixed train/test split: every fifth image is a test image.</summary>
    public const int TestPeriod = 5;

    /// <summary>How digits.csv is laid out: 64 values, then the label; 10 classes; pixels divided by 16.</summary>
    public static CsvOptions CsvOptions { get; } = new(LabelColumn.Last, ClassCount, PixelScaling.Digits);

    /// <summary>All 1,797 images with one-hot targets, in file order.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <returns>The data set.</returns>
    public static Dataset<T> LoadAll<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var stream = typeof(Digits).Assembly.GetManifestResourceStream("Nn.Data.digits.csv")
            ?? throw new InvalidOperationException("the embedded resource Nn.Data.digits.csv is missing from the Nn assembly.");
        using var reader = new StreamReader(stream);
        var data = CsvData.Read<T>(reader, "digits.csv (embedded)", CsvOptions);
        if (data.Count != Count || data.Inputs.Columns != InputSize)
        {
            throw new InvalidOperationException(
                $"the embedded digits.csv must hold {Count} images of {InputSize} pixels, but holds {data.Count} of {data.Inputs.Columns}.");
        }

        return data;
    }

    /// <summary>The fixed split of the embedded digits: (1,438 training images, 359 test images).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <returns>The two parts.</returns>
    public static DatasetSplit<T> Load<T>()
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Dataset.SplitEvery(LoadAll<T>(), TestPeriod);
}
