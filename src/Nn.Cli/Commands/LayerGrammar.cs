using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Nn.Cli.Commands;

/// <summary>
/// The <c>--layers</c> grammar: the input as a width or <c>CxHxW</c>, then tokens joined by '-': a number is a dense
/// layer, <c>conv&lt;F&gt;k&lt;K&gt;[s&lt;S&gt;][p&lt;P&gt;]</c> (or <c>k&lt;KH&gt;x&lt;KW&gt;</c>) a convolution, <c>maxpool&lt;K&gt;[s&lt;S&gt;]</c> a pooling
/// layer, <c>bn</c> a batch normalisation and <c>dropout&lt;p&gt;</c> dropout at rate p. The last token must be a dense
/// layer; it takes the output activation, every dense and conv layer below it the hidden one.
/// </summary>
internal static partial class LayerGrammar
{
    /// <summary>Whether <paramref name="text"/> uses more than the plain sizes of a dense network.</summary>
    public static bool IsSpatial(string text) =>
        text.Contains("conv", StringComparison.Ordinal) || text.Contains("maxpool", StringComparison.Ordinal)
        || text.Contains("bn", StringComparison.Ordinal) || text.Contains("dropout", StringComparison.Ordinal) || ImageToken().IsMatch(text.Split('-')[0]);

    /// <summary>The architecture <paramref name="text"/> describes; a token that does not parse or fit is a usage error naming it.</summary>
    public static Architecture Parse(string text, Activation hidden, Activation output)
    {
        var tokens = text.Split('-');
        var architecture = Input(tokens[0], text);
        if (tokens.Length < 2 || !int.TryParse(tokens[^1], NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw new UsageException($"--layers must end with a dense output size, e.g. 1x8x8-conv8k3p1-maxpool2-10, but is '{text}'.");
        }

        for (var i = 1; i < tokens.Length; i++)
        {
            var token = tokens[i];
            try
            {
                architecture = Layer(architecture, token, i == tokens.Length - 1 ? output : hidden)
                    ?? throw new UsageException(
                        $"--layers token '{token}' is not a size, conv<F>k<K>[s<S>][p<P>] (or k<KH>x<KW>), maxpool<K>[s<S>], bn or dropout<p> (in '{text}').");
            }
            catch (ArgumentException error)
            {
                throw new UsageException($"--layers token '{token}' does not fit: {Why(error)}");
            }
        }

        return architecture;
    }

    private static Architecture Input(string token, string text)
    {
        var image = ImageToken().Match(token);
        if (image.Success)
        {
            try
            {
                return Architecture.Input(Number(image, "c"), Number(image, "h"), Number(image, "w"));
            }
            catch (ArgumentException error)
            {
                throw new UsageException($"--layers input '{token}' does not fit: {Guard.BareMessage(error)}");
            }
        }

        if (int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var width) && width > 0)
        {
            return Architecture.Input(width);
        }

        throw new UsageException($"--layers must start with the input as a width or CxHxW, e.g. 1x8x8, but is '{text}'.");
    }

    private static Architecture? Layer(Architecture below, string token, Activation activation)
    {
        if (int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            return below.Dense(size, activation);
        }

        var conv = ConvToken().Match(token);
        if (conv.Success)
        {
            var kernelHeight = Number(conv, "kh");
            var kernelWidth = conv.Groups["kw"].Success ? Number(conv, "kw") : kernelHeight;
            var stride = conv.Groups["s"].Success ? Number(conv, "s") : 1;
            var padding = conv.Groups["p"].Success ? Number(conv, "p") : 0;
            return below.Conv2D(Number(conv, "f"), kernelHeight, kernelWidth, activation, stride, padding);
        }

        if (token == "bn")
        {
            return below.BatchNorm();
        }

        var dropout = DropoutToken().Match(token);
        if (dropout.Success)
        {
            return below.Dropout(double.Parse(dropout.Groups["p"].ValueSpan, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture));
        }

        var pool = PoolToken().Match(token);
        return pool.Success ? below.MaxPool2D(Number(pool, "k"), pool.Groups["s"].Success ? Number(pool, "s") : null) : null;
    }

    private static int Number(Match match, string group) =>
        int.TryParse(match.Groups[group].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new UsageException($"--layers number '{match.Groups[group].Value}' in '{match.Value}' is too large.");

    [GeneratedRegex(@"^(?<c>[0-9]+)x(?<h>[0-9]+)x(?<w>[0-9]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex ImageToken();

    [GeneratedRegex(@"^conv(?<f>[0-9]+)k(?<kh>[0-9]+)(x(?<kw>[0-9]+))?(s(?<s>[0-9]+))?(p(?<p>[0-9]+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex ConvToken();

    [GeneratedRegex(@"^dropout(?<p>[0-9]*\.?[0-9]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex DropoutToken();

    [GeneratedRegex(@"^maxpool(?<k>[0-9]+)(s(?<s>[0-9]+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex PoolToken();

    /// <summary>The library's refusal, with a kernel side named in words rather than by its C# parameter (kernelHeight).</summary>
    private static string Why(ArgumentException error) => error.ParamName switch
    {
        "kernelHeight" => Cli.Renamed(error, "the kernel height"),
        "kernelWidth" => Cli.Renamed(error, "the kernel width"),
        _ => Guard.BareMessage(error),
    };
}
