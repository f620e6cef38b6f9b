using System;
using System.Globalization;
using System.IO;
using System.Numerics;

namespace Nn;

/// <summary>
/// The embedded default data set: the UCI optical digits, 1,797 images of 8×8 pixels with values 0..16 and a label
/// 0..9. Pixels are scaled by 1/16 into [0, 1]. The fixed split puts every fifth image (indices 4, 9, 14, …) in the
/// test part: 1,438 training and 359 test images.
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

    /// <summary>All 1,797 images with one-hot targets, in file order.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <returns>The data set.</returns>
    public static Dataset<T> LoadAll<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var stream = typeof(Digits).Assembly.GetManifestResourceStream("Nn.Data.digits.csv")
            ?? throw new InvalidOperationException("the embedded resource Nn.Data.digits.csv is missing from the Nn assembly.");
        using var reader = new StreamReader(stream);
        var pixels = new T[Count * InputSize];
        var labels = new int[Count];
        var scale = T.One / T.CreateChecked(16);
        for (var row = 0; row < Count; row++)
        {
            var line = reader.ReadLine() ?? throw new InvalidDataException($"digits.csv: expected {Count} rows, found {row}.");
            var fields = line.Split(',');
            if (fields.Length != InputSize + 1)
            {
                throw new InvalidDataException($"digits.csv line {row + 1}: expected {InputSize + 1} fields, found {fields.Length}.");
            }

            for (var k = 0; k < InputSize; k++)
            {
                pixels[(row * InputSize) + k] = T.CreateChecked(int.Parse(fields[k], CultureInfo.InvariantCulture)) * scale;
            }

            labels[row] = int.Parse(fields[InputSize], CultureInfo.InvariantCulture);
        }

        return Dataset.FromLabels(Matrix<T>.Own(Count, InputSize, pixels), labels, ClassCount);
    }

    /// <summary>The fixed split of the embedded digits: (1,438 training images, 359 test images).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <returns>The two parts.</returns>
    public static DatasetSplit<T> Load<T>()
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Dataset.SplitEvery(LoadAll<T>(), TestPeriod);
}
