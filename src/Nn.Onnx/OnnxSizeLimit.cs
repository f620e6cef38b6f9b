using System;
using System.Globalization;
using Nn.Onnx.Protobuf;

namespace Nn.Onnx;

/// <summary>
/// The most bytes an exported ONNX model may take, and the refusal of one that would take more. An ONNX file without
/// external data is one protobuf message, and Google.Protobuf sizes a message in an int: past it the size wrapped and
/// ToByteArray threw OverflowException, or WriteTo wrote more than a protobuf reader parses. The exporter does not
/// write ONNX's external-data format, so such a model is refused with <see cref="NotSupportedException"/> instead,
/// the same refusal whether its tensors or the rest of the message pass the limit.
/// </summary>
internal static class OnnxSizeLimit
{
    /// <summary>
    /// 2,147,483,591 bytes, <see cref="Array.MaxLength"/>: ToBytes returns the model in one byte array, and .NET
    /// refuses a longer one (OutOfMemoryException, "Array dimensions exceeded supported range") even under the
    /// 2,147,483,647 (2 GiB − 1) that one protobuf message holds. WriteTo and Save keep the same limit, so every way
    /// of exporting a model agrees on whether it can be exported.
    /// </summary>
    public static long Bytes => Array.MaxLength;

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
            throw Refusal(string.Create(CultureInfo.InvariantCulture, $"the ONNX model's tensors alone would take {tensorBytes} bytes"), limit);
        }
    }

    /// <summary>
    /// Refuses a built model whose message would take more than <paramref name="limit"/> bytes, counted exactly
    /// (<see cref="OnnxMessageSize"/>) before a byte is written: names, nodes, shapes and the caller's strings as well
    /// as the tensors, which <see cref="CheckTensors"/> alone lets through just under the limit.
    /// </summary>
    /// <param name="model">The model message, complete.</param>
    /// <param name="limit">The most bytes the model may take: <see cref="Bytes"/>, or less in tests.</param>
    /// <returns><paramref name="model"/>, to serialize.</returns>
    /// <exception cref="NotSupportedException">The message would take more than <paramref name="limit"/> bytes.</exception>
    public static ModelProto Checked(ModelProto model, long limit)
    {
        var bytes = OnnxMessageSize.Of(model);
        return bytes > limit
            ? throw Refusal(string.Create(CultureInfo.InvariantCulture, $"the ONNX model would take {bytes} bytes"), limit)
            : model;
    }

    private static NotSupportedException Refusal(string size, long limit) => new(string.Create(
        CultureInfo.InvariantCulture,
        $"{size}, more than the {limit} bytes that the exporter writes in one protobuf message; it does not write ONNX's external-data format, so the model is not exported."));
}
