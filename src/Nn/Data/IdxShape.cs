namespace Nn;

/// <summary>
/// The sizes an IDX images header announces, before any of the data behind it is read: the number of images N and
/// the values per image (the product of the other dimensions, 28 × 28 = 784 for MNIST). The header is only a claim
/// until the data arrives; <see cref="IdxData.Read{T}"/> hands it to a caller's check so that a caller whose memory
/// cannot hold N × <see cref="SampleSize"/> values can refuse it before anything is allocated.
/// </summary>
/// <param name="Count">N, the number of images: the first dimension, at least 1.</param>
/// <param name="SampleSize">The values per image, at least 1 and at most <see cref="Limits.MaxWidth"/>.</param>
/// <example><code>
/// var data = IdxData.Read&lt;float&gt;(images, "train-images", labels, "train-labels", checkShape: shape =&gt;
/// {
///     if (shape.Elements &gt; 100_000_000) throw new InvalidDataException("too many pixels for this machine");
/// });
/// </code></example>
public readonly record struct IdxShape(int Count, int SampleSize)
{
    /// <summary>N × <see cref="SampleSize"/>: the values the images hold, at most <see cref="Limits.MaxElements"/>.</summary>
    public long Elements => (long)Count * SampleSize;
}
