using System;
using System.IO;

namespace Nn;

/// <summary>
/// The part every read-only, forward-only stream over another one shares: it cannot seek, write or say its length,
/// reads arrays through the span overload, and disposes the stream it reads when it is disposed. A subclass says only
/// what a read does (<see cref="Read(Span{byte})"/>), which is where such streams differ.
/// </summary>
/// <param name="inner">The stream read; disposed with this one.</param>
internal abstract class ReadOnlyPassThroughStream(Stream inner) : Stream
{
    /// <summary>The stream read.</summary>
    protected Stream Inner { get; } = inner;

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
    public sealed override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    /// <inheritdoc/>
    public abstract override int Read(Span<byte> buffer);

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
            Inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
