using System;
using System.IO;
using static TorchSharp.torch;

namespace Nn.TorchSharp.Comparison;

/// <summary>
/// Fashion-MNIST's training images scaled to [0, 1], once as an Nn data set and once as TorchSharp tensors holding
/// the same float values, so both libraries train on identical inputs.
/// </summary>
internal sealed class FashionData : IDisposable
{
    /// <summary>Where Debian's dataset-fashion-mnist package puts the files.</summary>
    public const string Folder = "/usr/share/datasets/fashion-mnist";

    private FashionData(Dataset<float> data)
    {
        Nn = data;
        Images = tensor(data.Inputs.AsSpan().ToArray(), [data.Count, data.Inputs.Columns]);
        var labels = new long[data.Count];
        for (var i = 0; i < labels.Length; i++)
        {
            labels[i] = data.Labels[i];
        }

        Labels = tensor(labels);
    }

    /// <summary>The images and one-hot targets for Nn.</summary>
    public Dataset<float> Nn { get; }

    /// <summary>The same images as an N×784 float tensor.</summary>
    public Tensor Images { get; }

    /// <summary>The class labels as an int64 tensor, as TorchSharp's cross-entropy takes them.</summary>
    public Tensor Labels { get; }

    /// <summary>The first <paramref name="count"/> training images.</summary>
    /// <param name="count">How many images to keep.</param>
    /// <returns>The data in both forms.</returns>
    public static FashionData Load(int count)
    {
        var images = Path.Combine(Folder, "train-images-idx3-ubyte.gz");
        if (!File.Exists(images))
        {
            throw new FileNotFoundException($"{images} is missing: install Debian's dataset-fashion-mnist package.");
        }

        var all = IdxData.Load<float>(images, Path.Combine(Folder, "train-labels-idx1-ubyte.gz"), PixelScaling.Bytes);
        var indices = new int[Math.Min(count, all.Count)];
        for (var i = 0; i < indices.Length; i++)
        {
            indices[i] = i;
        }

        return new FashionData(all.Select(indices));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
