using System;

namespace Nn;

/// <summary>What is wrong with gzip data: the reader that finds it knows, so the message can say it.</summary>
internal enum GzipFault
{
    /// <summary>The bytes break the format: a bad header, block, code, distance, checksum or length.</summary>
    Damaged,

    /// <summary>The source ended inside a member (its header, its deflate data or its 8-byte trailer).</summary>
    Truncated,

    /// <summary>Bytes follow the last complete member that do not start another (0x1f 0x8b).</summary>
    TrailingBytes,
}

/// <summary>
/// Gzip data that <see cref="GzipReader"/> cannot read, with the kind of fault and a phrase naming it. Its readers
/// catch it by this type and word it as their own format error, so it never reaches a user.
/// </summary>
/// <param name="fault">The kind of fault.</param>
/// <param name="detail">What was found, as a phrase ("a checksum that does not match the member's data").</param>
internal sealed class GzipDataException(GzipFault fault, string detail) : Exception($"gzip data: {detail}.")
{
    /// <summary>The kind of fault.</summary>
    public GzipFault Fault { get; } = fault;

    /// <summary>What was found, as a phrase that fits after "found".</summary>
    public string Detail { get; } = detail;
}
