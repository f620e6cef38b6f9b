using System;
using System.Text;

namespace Nn.Generators.Helpers;

/// <summary>
/// Writes source text line by line with four-space indentation and '\n' line ends on every platform, so the
/// emitted files are byte-for-byte deterministic. A statement that follows a closed block gets a blank line
/// before it, as hand-written code in this repository does.
/// </summary>
internal sealed class IndentedWriter
{
    private readonly StringBuilder builder = new();
    private int depth;
    private bool afterClosedBlock;

    /// <summary>Writes one line at the current depth; an empty line carries no indentation.</summary>
    public IndentedWriter Line(string text = "")
    {
        if (afterClosedBlock && text.Length > 0 && !text.StartsWith("}", StringComparison.Ordinal))
        {
            builder.Append('\n');
        }

        afterClosedBlock = false;
        if (text.Length > 0)
        {
            builder.Append(' ', depth * 4).Append(text);
        }

        builder.Append('\n');
        return this;
    }

    /// <summary>Writes "{" and indents until the returned scope is disposed, which writes "}" (plus an optional suffix).</summary>
    public Scope Block(string? header = null, string closing = "}")
    {
        if (header is not null)
        {
            Line(header);
        }

        Line("{");
        depth++;
        return new Scope(this, closing);
    }

    public override string ToString() => builder.ToString();

    /// <summary>Closes a block opened by <see cref="Block"/>.</summary>
    internal readonly struct Scope : IDisposable
    {
        private readonly IndentedWriter writer;
        private readonly string closing;

        public Scope(IndentedWriter writer, string closing)
        {
            this.writer = writer;
            this.closing = closing;
        }

        public void Dispose()
        {
            writer.depth--;
            writer.Line(closing);
            writer.afterClosedBlock = true;
        }
    }
}
