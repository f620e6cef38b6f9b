using System;
using System.IO;
using System.Text;

namespace Nn.Cli;

/// <summary>
/// A standard stream's writer whose failures are the program's to handle: standard output's say which stream failed
/// ("standard output: No space left on device" rather than the bare reason, which reads as if a file had failed);
/// standard error's end its output quietly. Standard error is where every failure is reported, so a write to it that
/// failed inside a failure's handler (<c>2&gt;&amp;-</c>, <c>2&gt;/dev/full</c>) threw out of the handler and
/// aborted the process (exit 134) instead of ending with the failure's own exit code.
/// </summary>
internal sealed class StandardStreamWriter : TextWriter
{
    private readonly TextWriter inner;
    private readonly string? failureName;
    private bool broken;

    private StandardStreamWriter(TextWriter inner, string? failureName)
    {
        this.inner = inner;
        this.failureName = failureName;
    }

    /// <inheritdoc/>
    public override Encoding Encoding => inner.Encoding;

    /// <summary>Puts the two writers in place of <see cref="Console.Out"/> and <see cref="Console.Error"/>.</summary>
    public static void Install()
    {
        Console.SetOut(new StandardStreamWriter(Console.Out, "standard output"));
        Console.SetError(new StandardStreamWriter(Console.Error, failureName: null));
    }

    /// <inheritdoc/>
    public override void Write(char value) => Guarded(value, static (w, v) => w.Write(v));

    /// <inheritdoc/>
    public override void Write(string? value) => Guarded(value, static (w, v) => w.Write(v));

    /// <inheritdoc/>
    public override void Write(char[] buffer, int index, int count) => Guarded((buffer, index, count), static (w, v) => w.Write(v.buffer, v.index, v.count));

    /// <inheritdoc/>
    public override void WriteLine(string? value) => Guarded(value, static (w, v) => w.WriteLine(v));

    /// <inheritdoc/>
    public override void WriteLine() => Guarded(0, static (w, _) => w.WriteLine());

    /// <inheritdoc/>
    public override void Flush() => Guarded(0, static (w, _) => w.Flush());

    private void Guarded<TState>(TState state, Action<TextWriter, TState> write)
    {
        if (broken)
        {
            return;
        }

        try
        {
            write(inner, state);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (failureName is null)
            {
                // Standard error has failed: there is nowhere left to say so, and the exit code still tells.
                broken = true;
                return;
            }

            throw new IOException($"{failureName}: {e.Message}", e);
        }
    }
}
