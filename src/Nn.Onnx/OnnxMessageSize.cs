using System;
using System.Collections;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Nn.Onnx;

/// <summary>
/// The exact number of bytes a protobuf message serializes to, counted in a long. Google.Protobuf's own
/// CalculateSize sums in an int without checking: past 2 GiB it wraps, to a negative size (ToByteArray then threw
/// OverflowException) or to a smaller positive one (it threw OutOfSpaceException halfway, and WriteTo on a stream
/// wrote length prefixes that disagree with what follows). This walks the message by its descriptor with protobuf's
/// wire rules, so every field of the schema is counted, names and strings included, whatever the sum.
/// </summary>
/// <remarks>
/// Only the field types the schema subset uses are counted, and it has no map fields; the exporter's messages carry
/// no unknown fields. A test compares the count with CalculateSize and the serialized length on exported models,
/// where both fit an int.
/// </remarks>
internal static class OnnxMessageSize
{
    /// <summary>
    /// The characters counted at a time: UTF-8 takes at most 3 bytes for one, so a chunk's count fits the int that
    /// <see cref="Encoding.GetByteCount(ReadOnlySpan{char})"/> returns, where a whole string's may not.
    /// </summary>
    internal const int Chunk = 1 << 20;

    /// <summary>The bytes <paramref name="message"/> serializes to.</summary>
    /// <param name="message">A message of the ONNX schema subset.</param>
    /// <returns>Its serialized size, as CalculateSize would give it without wrapping.</returns>
    /// <example><code>
    /// OnnxMessageSize.Of(model) > int.MaxValue   // the message cannot be one protobuf message
    /// </code></example>
    public static long Of(IMessage message)
    {
        long size = 0;
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            var value = field.Accessor.GetValue(message);
            size += field.IsRepeated ? Repeated(field, (IList)value) : Singular(field, message, value);
        }

        return size;
    }

    /// <summary>
    /// The UTF-8 bytes of <paramref name="text"/> as protobuf writes it, in a long: a lone surrogate becomes the
    /// 3-byte replacement character, as .NET's <see cref="Encoding.UTF8"/> encodes it.
    /// </summary>
    /// <param name="text">Any string.</param>
    /// <returns>Its length in UTF-8.</returns>
    public static long Utf8Bytes(string text)
    {
        long bytes = 0;
        var rest = text.AsSpan();
        while (rest.Length > Chunk)
        {
            // A surrogate pair stays in one chunk: its halves apart would each count as a replacement character.
            var length = char.IsHighSurrogate(rest[Chunk - 1]) ? Chunk - 1 : Chunk;
            bytes += Encoding.UTF8.GetByteCount(rest[..length]);
            rest = rest[length..];
        }

        return bytes + Encoding.UTF8.GetByteCount(rest);
    }

    /// <summary>
    /// A singular field: written when it has presence and is set (a message, a oneof member), or, in proto3 without
    /// presence, when it is not its type's default (as the generated code tests it: a float −0 is not written).
    /// </summary>
    private static long Singular(FieldDescriptor field, IMessage message, object value)
    {
        var written = field.HasPresence ? field.Accessor.HasValue(message) : !IsDefault(field, value);
        return written ? CodedOutputStream.ComputeTagSize(field.FieldNumber) + Value(field.FieldType, value) : 0;
    }

    /// <summary>A repeated field: packed (one tag, a length, the values) for numbers, one tag per element otherwise.</summary>
    private static long Repeated(FieldDescriptor field, IList values)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        long tag = CodedOutputStream.ComputeTagSize(field.FieldNumber);
        // The descriptor calls every proto3 repeated field packed, strings and messages too; only numbers are packed.
        if (field.IsPacked && field.FieldType is not (FieldType.String or FieldType.Message))
        {
            var data = FixedWidth(field.FieldType) is > 0 and var width ? width * (long)values.Count : Sum(field.FieldType, values);
            return tag + Delimited(data);
        }

        return (tag * values.Count) + Sum(field.FieldType, values);
    }

    private static long Sum(FieldType type, IList values)
    {
        long size = 0;
        foreach (var value in values)
        {
            size += Value(type, value);
        }

        return size;
    }

    /// <summary>The bytes of one value without its tag.</summary>
    private static long Value(FieldType type, object value) => type switch
    {
        FieldType.Int32 => CodedOutputStream.ComputeInt32Size((int)value),
        FieldType.Int64 => CodedOutputStream.ComputeInt64Size((long)value),
        FieldType.Enum => CodedOutputStream.ComputeEnumSize(Convert.ToInt32(value, CultureInfo.InvariantCulture)),
        FieldType.Float => sizeof(float),
        FieldType.Double => sizeof(double),
        FieldType.String => Delimited(Utf8Bytes((string)value)),
        FieldType.Message => Delimited(Of((IMessage)value)),
        _ => throw Unused(type),
    };

    /// <summary>The bytes of a number written in a fixed width, or 0 for one written as a varint.</summary>
    private static long FixedWidth(FieldType type) => type switch
    {
        FieldType.Float => sizeof(float),
        FieldType.Double => sizeof(double),
        _ => 0,
    };

    /// <summary>A length-delimited value: the length as a varint, then the bytes.</summary>
    private static long Delimited(long length) => CodedOutputStream.ComputeRawVarint64Size((ulong)length) + length;

    /// <summary>Whether a proto3 field without presence holds its default, which is not written.</summary>
    private static bool IsDefault(FieldDescriptor field, object value) => field.FieldType switch
    {
        FieldType.String => ((string)value).Length == 0,
        FieldType.Int32 => (int)value == 0,
        FieldType.Int64 => (long)value == 0,
        FieldType.Enum => Convert.ToInt32(value, CultureInfo.InvariantCulture) == 0,
        FieldType.Float => (float)value == 0,
        FieldType.Double => (double)value == 0,
        var type => throw Unused(type),
    };

    /// <summary>
    /// A field type the ONNX schema subset does not use (bytes, bool, unsigned, zigzag or fixed-width integers,
    /// groups): refused rather than guessed, so a schema that adds one fails every export until it is counted here.
    /// </summary>
    private static NotSupportedException Unused(FieldType type) =>
        new($"the protobuf field type {type} is not counted: the ONNX schema subset has none.");
}
