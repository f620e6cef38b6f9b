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
internal sealed class EndSensingStream(Stream inner) : ReadOnlyPassThroughStream(inner)
{
    /// <summary>Whether a read has found the source at its end.</summary>
    public bool Ended { get; private set; }

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        var read = Inner.Read(buffer);
        if (read == 0 && buffer.Length > 0)
        {
            Ended = true;
        }

        return read;
    }
}
