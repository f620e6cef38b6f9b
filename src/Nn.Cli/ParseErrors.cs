using System.CommandLine;
using System.CommandLine.Parsing;
using System.Linq;
using System.Text.RegularExpressions;

namespace Nn.Cli;

/// <summary>
/// The parser's errors as one line. A value outside an option's list of choices is said as <c>--kernels</c> says it,
/// naming the option and the choices; the parser's own words named neither option nor place ("Argument 'bogus' not
/// recognized. Must be one of:") and put each choice on a line of its own, which the one-line error escaped to \n\t.
/// </summary>
internal static partial class ParseErrors
{
    public static string Describe(ParseResult parse) => string.Join(" ", parse.Errors.Select(Describe));

    private static string Describe(ParseError error)
    {
        var choices = Choice().Matches(error.Message).Select(m => m.Groups["value"].Value).ToArray();
        if (choices.Length < 2 || Given().Match(error.Message) is not { Success: true } given || OptionOf(error.SymbolResult) is not { } option)
        {
            return error.Message;
        }

        return $"{option} must be {string.Join(", ", choices[..^1])} or {choices[^1]}, but is '{given.Groups["value"].Value}'.";
    }

    private static string? OptionOf(SymbolResult? result) => result switch
    {
        OptionResult option => option.Option.Name,
        ArgumentResult { Parent: OptionResult option } => option.Option.Name,
        _ => null,
    };

    [GeneratedRegex(@"\n\t'(?<value>[^'\n]*)'", RegexOptions.CultureInvariant)]
    private static partial Regex Choice();

    [GeneratedRegex(@"^Argument '(?<value>.*)' not recognized\.", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex Given();
}
