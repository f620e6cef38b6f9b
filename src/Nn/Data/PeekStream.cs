using System;
using System.Globalization;
using System.IO;

namespace Nn;

/// <summary>
/// A read-only, forward-only stream that looks at the first bytes of another stream without losing them: it reads
/// up to a given number of bytes up front (<see cref="Head"/>), then yields those bytes followed by the rest. This is
/// how a reader tells IDX from CSV, or gzip from plain bytes, on a pipe, a FIFO or standard input, which cannot seek
/// back; the bytes read are exactly those of the underlying stream, whatever kind it is. Disposing the peek stream
/// disposes the underlying one unless it was opened with leaveOpen.
/// </summary>
/// <example><code>
/// using var data = PeekStream.Open(Console.OpenStandardInput(), 2);
/// var gzip = data.Head.Length == 2 &amp;&amp; data.Head.Span[0] == 0x1f &amp;&amp; data.Head.Span[1] == 0x8b;
/// </code></example>
public sealed class PeekStream : Stream
{
    /// <summary>The room a peek starts with before it grows; the readers here look at 2 bytes.</summary>
    private const int FirstRoom = 1 << 16;

    private readonly Stream inner;
    private readonly byte[] head;
    private readonly bool leaveOpen;
    private int replayed;

    private PeekStream(Stream inner, byte[] head, bool leaveOpen)
    {
        this.inner = inner;
        this.head = head;
        this.leaveOpen = leaveOpen;
    }

    /// <summary>Reads up to <paramref name="count"/> bytes of <paramref name="inner"/> and returns a stream that yields them again first.</summary>
    /// <param name="inner">The stream to read; it need not support seeking.</param>
    /// <param name="count">How many bytes to look at (fewer when the stream is shorter).</param>
    /// <param name="leaveOpen">Whether <paramref name="inner"/> stays open when the result is disposed.</param>
    /// <returns>The stream, with the bytes looked at in <see cref="Head"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="inner"/> cannot be read, or <paramref name="count"/> is negative or above <see cref="Array.MaxLength"/>.</exception>
    public static PeekStream Open(Stream inner, int count, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (!inner.CanRead)
        {
            throw new ArgumentException("the stream to peek at must be readable.", nameof(inner));
        }

        Guard.NonNegative(nameof(count), count);
        if (count > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(
                nameof(count), count, string.Create(CultureInfo.InvariantCulture, $"a peek can hold at most {Array.MaxLength} bytes (Array.MaxLength), but {count} were asked for."));
        }

        // The buffer grows with what the stream holds, so a generous count on a short stream costs only its bytes
        // (int.MaxValue allocated 2 GB up front, and failed with OutOfMemoryException).
        var buffer = new byte[Math.Min(count, FirstRoom)];
        var read = 0;
        while (true)
        {
            read += inner.ReadAtLeast(buffer.AsSpan(read), buffer.Length - read, throwOnEndOfStream: false);
            if (read < buffer.Length || buffer.Length == count)
            {
                return new PeekStream(inner, buffer[..read], leaveOpen);
            }

            Array.Resize(ref buffer, (int)Math.Min(2L * buffer.Length, count));
        }
    }

    /// <summary>The first bytes of the stream (all of it when it is shorter than asked), before any of it is read.</summary>
    public ReadOnlyMemory<byte> Head => head;

    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => false;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException("a peek stream has no length.");

    /// <inheritdoc/>
    public override long Position
    {
        get => throw new NotSupportedException("a peek stream has no position.");
        set => throw new NotSupportedException("a peek stream cannot seek.");
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        if (replayed < head.Length)
        {
            var n = Math.Min(buffer.Length, head.Length - replayed);
            head.AsSpan(replayed, n).CopyTo(buffer);
            replayed += n;
            return n;
        }

        return inner.Read(buffer);
    }

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("a peek stream cannot seek.");

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException("a peek stream is read-only.");

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("a peek stream is read-only.");

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && !leaveOpen)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
