using System;
using System.Globalization;
using System.IO;

namespace Nn.Cli;

/// <summary>
/// A read-only stream of CSV text that refuses to be read on once the text that has passed through it would need
/// more memory than is left (<see cref="TextCost"/>): the readers keep every sample or row until the end, so an
/// endless stream (<c>yes 1,2,0 | nn train --train -</c>) or a file larger than memory would otherwise grow the
/// process until the operating system killed it, without a word. The refusal is a <see cref="BadInputException"/>
/// naming the option and the file, thrown before the bytes that pass the budget reach the reader; a file that fits
/// reads exactly as it would without this stream.
/// </summary>
/// <remarks>
/// Lines are counted as the larger of the "\n" and "\r" counts, so that "\r\n" counts once and a file of lone "\r"
/// breaks still counts its lines. Blank lines count too, though the readers skip them: a stream of nothing but line
/// breaks is then refused in the end as well, where the readers would have waited on it for ever.
/// </remarks>
/// <param name="inner">The text's bytes; disposed with this stream.</param>
/// <param name="cost">What the reader keeps per byte, comma and line.</param>
/// <param name="available">The bytes of memory the reader may take.</param>
/// <param name="option">The option that named the data, for the message.</param>
/// <param name="name">The file, or "standard input", for the message.</param>
internal sealed class BudgetedStream(Stream inner, TextCost cost, long available, string option, string name) : ReadOnlyPassThroughStream(inner)
{
    private long bytes;
    private long commas;
    private long lineFeeds;
    private long carriageReturns;

    /// <summary>The line breaks read so far.</summary>
    public long Lines => Math.Max(lineFeeds, carriageReturns);

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        var read = Inner.Read(buffer);
        ReadOnlySpan<byte> text = buffer[..read];
        bytes += read;
        commas += text.Count((byte)',');
        lineFeeds += text.Count((byte)'\n');
        carriageReturns += text.Count((byte)'\r');
        var need = cost.Need(bytes, commas, Lines);
        if (need > available)
        {
            throw new BadInputException(string.Create(
                CultureInfo.InvariantCulture,
                $"{option} {name}: the data read so far ({MemoryBudget.Size(bytes)} of text in {Lines} lines) would need about {MemoryBudget.Size((long)need)} of memory as {cost.Form} ({cost.Rule}, and a quarter more for the runtime), more than the {MemoryBudget.Size(available)} available; give less data, or run nn where more memory is available."));
        }

        return read;
    }
}
