using System;
using System.IO;

namespace Nn;

/// <summary>
/// A read-only, forward-only pass-through that notes whether its source has reported its end (a read returning no
/// bytes). A gzip reader needs this to tell a file that ends with its last gzip member from one with junk after it:
/// the decompressor reads on after a member only to look for another, stops at the first bytes that do not start
/// one, and reports the end of the data either way, so only a source read to its end means nothing followed.
/// Disposing it disposes the source, as the decompressor over it expects.
/// </summary>
internal sealed class EndSensingStream(Stream inner) : Stream
{
    /// <summary>Whether a read has found the source at its end.</summary>
    public bool Ended { get; private set; }

    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => false;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException("the stream has no length.");

    /// <inheritdoc/>
    public override long Position
    {
        get => throw new NotSupportedException("the stream has no position.");
        set => throw new NotSupportedException("the stream cannot seek.");
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
        var read = inner.Read(buffer);
        if (read == 0 && buffer.Length > 0)
        {
            Ended = true;
        }

        return read;
    }

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("the stream cannot seek.");

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException("the stream is read-only.");

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("the stream is read-only.");

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
