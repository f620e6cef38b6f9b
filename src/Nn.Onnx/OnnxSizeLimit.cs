using System;
using System.Globalization;

namespace Nn.Onnx;

/// <summary>
/// The most bytes an exported ONNX model may take, and the refusal of one that would take more. An ONNX file without
/// external data is one protobuf message, and Google.Protobuf sizes a message in an int: past it the size wrapped and
/// ToByteArray threw OverflowException. The exporter does not write ONNX's external-data format, so such a model is
/// refused with <see cref="NotSupportedException"/> instead.
/// </summary>
internal static class OnnxSizeLimit
{
    /// <summary>2,147,483,647 bytes (2 GiB − 1), the most one protobuf message holds.</summary>
    public const long Bytes = int.MaxValue;

    /// <summary>
    /// Refuses a model whose tensors' values alone take more than <paramref name="limit"/> bytes. Called before any
    /// tensor is built, so a model far over the limit allocates nothing of its size (a table's F × W selection matrix
    /// may have more entries than an array holds).
    /// </summary>
    /// <param name="tensorBytes">The bytes of every initializer's values.</param>
    /// <param name="limit">The most bytes the model may take: <see cref="Bytes"/>, or less in tests.</param>
    /// <exception cref="NotSupportedException"><paramref name="tensorBytes"/> is more than <paramref name="limit"/>.</exception>
    public static void CheckTensors(long tensorBytes, long limit)
    {
        if (tensorBytes > limit)
        {
            throw new NotSupportedException(string.Create(
                CultureInfo.InvariantCulture,
                $"the ONNX model's tensors would take {tensorBytes} bytes, more than the {limit} bytes that the exporter writes in one protobuf message; it does not write ONNX's external-data format, so the model is not exported."));
        }
    }
}
