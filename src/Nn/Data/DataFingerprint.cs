using System;
using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace Nn;

/// <summary>
/// What identifies a data set for resuming a training run: its shape and a SHA-256 over its values. Two data sets
/// with the same fingerprint train to bit-for-bit the same result; a checkpoint carries its training data's
/// fingerprint so that a run is not resumed on other data by mistake.
/// </summary>
/// <example><code>
/// var fingerprint = DataFingerprint.Of(train);   // once per run: it reads every value
/// Console.WriteLine(fingerprint);                // 1347 samples × 64 inputs → 10 targets, SHA-256 3f9a…
/// </code></example>
public sealed record DataFingerprint
{
    /// <summary>Creates a fingerprint from its parts (as read from a file); <see cref="Of{T}"/> computes one.</summary>
    /// <param name="Count">The number of samples, at least 1.</param>
    /// <param name="InputSize">The inputs per sample, at least 1.</param>
    /// <param name="TargetSize">The targets per sample, at least 1.</param>
    /// <param name="Sha256">The SHA-256 of the values as 64 lowercase hexadecimal digits.</param>
    /// <exception cref="ArgumentException">A size is below 1 or the hash is not 64 lowercase hexadecimal digits.</exception>
    public DataFingerprint(int Count, int InputSize, int TargetSize, string Sha256)
    {
        Guard.Positive(nameof(Count), Count);
        Guard.Positive(nameof(InputSize), InputSize);
        Guard.Positive(nameof(TargetSize), TargetSize);
        ArgumentNullException.ThrowIfNull(Sha256);
        if (Sha256.Length != 2 * SHA256.HashSizeInBytes || Sha256.AsSpan().IndexOfAnyExcept("0123456789abcdef") >= 0)
        {
            throw new ArgumentException($"Sha256 must be {2 * SHA256.HashSizeInBytes} lowercase hexadecimal digits, but is '{Sha256}'.", nameof(Sha256));
        }

        this.Count = Count;
        this.InputSize = InputSize;
        this.TargetSize = TargetSize;
        this.Sha256 = Sha256;
    }

    /// <summary>The number of samples.</summary>
    public int Count { get; }

    /// <summary>The inputs per sample (columns of X).</summary>
    public int InputSize { get; }

    /// <summary>The targets per sample (columns of Y).</summary>
    public int TargetSize { get; }

    /// <summary>
    /// SHA-256, in lowercase hexadecimal, of: the count, input size and target size as little-endian i32; every
    /// input, then every target, row by row, as a little-endian f64; every label as a little-endian i32.
    /// </summary>
    public string Sha256 { get; }

    /// <summary>The fingerprint of a data set. It reads every value, so compute it once per run, not per epoch.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="data">The data set.</param>
    /// <returns>The fingerprint.</returns>
    /// <remarks>
    /// Values are hashed as f64 so that the same numbers held as <see cref="float"/> or as <see cref="double"/>
    /// (e.g. a float32 checkpoint loaded as double) have the same fingerprint.
    /// </remarks>
    public static DataFingerprint Of<T>(Dataset<T> data)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(data);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteInt32LittleEndian(header, data.Count);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], data.Inputs.Columns);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], data.Targets.Columns);
        hash.AppendData(header);

        // The values go through a fixed buffer, so hashing a large set allocates nothing per value.
        var buffer = new byte[8 * 4096];
        AppendValues(hash, data.Inputs.AsSpan(), buffer);
        AppendValues(hash, data.Targets.AsSpan(), buffer);
        var filled = 0;
        foreach (var label in data.Labels)
        {
            if (filled == buffer.Length)
            {
                hash.AppendData(buffer);
                filled = 0;
            }

            BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(filled), label);
            filled += 4;
        }

        hash.AppendData(buffer, 0, filled);
        return new DataFingerprint(data.Count, data.Inputs.Columns, data.Targets.Columns, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    /// <summary>The shape and the first 16 hexadecimal digits of the hash, e.g. "300 samples × 64 inputs → 10 targets, SHA-256 3f9a0c…".</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{Count} samples × {InputSize} inputs → {TargetSize} targets, SHA-256 {Sha256[..16]}…";

    private static void AppendValues<T>(IncrementalHash hash, ReadOnlySpan<T> values, byte[] buffer)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var perChunk = buffer.Length / 8;
        for (var start = 0; start < values.Length; start += perChunk)
        {
            var chunk = values.Slice(start, Math.Min(perChunk, values.Length - start));
            for (var i = 0; i < chunk.Length; i++)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(buffer.AsSpan(i * 8), double.CreateChecked(chunk[i]));
            }

            hash.AppendData(buffer, 0, chunk.Length * 8);
        }
    }
}
