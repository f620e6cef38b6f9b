using System;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace Nn.Cli;

/// <summary>
/// The rule that every number the program reads or prints uses the invariant culture ('.' as the decimal point),
/// whatever LANG or LC_ALL say: under German settings the default parsers read "0.005" as 5 and "1.5" as 15. Two
/// guards, so that neither alone has to be perfect: the process culture is made invariant at start, and every
/// numeric option parses its value with an explicit invariant parser that says in plain words what it expected.
/// </summary>
internal static class InvariantNumbers
{
    /// <summary>Makes the invariant culture the culture and UI culture of this thread and of every thread started later.</summary>
    public static void UseInvariantCulture()
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
    }

    /// <summary>
    /// Gives every numeric option and argument of the command and its subcommands an invariant parser. A numeric
    /// type without one here fails at start, so a new option cannot slip back to the culture-dependent default.
    /// </summary>
    public static Command WithInvariantParsers(this Command command)
    {
        foreach (var option in command.Options)
        {
            Install(option);
        }

        foreach (var argument in command.Arguments)
        {
            Install(argument);
        }

        foreach (var subcommand in command.Subcommands)
        {
            subcommand.WithInvariantParsers();
        }

        return command;
    }

    /// <summary>A whole number written with invariant digits, or null with a message naming the option and the value.</summary>
    public static T? ParseWhole<T>(string name, string text, out string? error)
        where T : struct, IBinaryInteger<T>, IMinMaxValue<T>
    {
        if (T.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            error = null;
            return value;
        }

        error = BigInteger.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
            ? string.Create(CultureInfo.InvariantCulture, $"{name} expects a whole number from {T.MinValue} to {T.MaxValue}, but got '{text}'.")
            : $"{name} expects a whole number, but got '{text}'.";
        return null;
    }

    /// <summary>A finite number written with '.' as the decimal point, or null with a message naming the option and the value.</summary>
    public static T? ParseReal<T>(string name, string text, out string? error)
        where T : struct, IFloatingPointIeee754<T>
    {
        if (!T.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            error = $"{name} expects a number such as 0.005 or 1e-3 (with '.' as the decimal point), but got '{text}'.";
            return null;
        }

        if (!T.IsFinite(value))
        {
            error = $"{name} expects a finite number, but got '{text}'.";
            return null;
        }

        error = null;
        return value;
    }

    private static void Install(Symbol symbol)
    {
        switch (symbol)
        {
            case Option<int> o: o.CustomParser = Whole<int>; break;
            case Option<int?> o: o.CustomParser = r => Whole<int>(r); break;
            case Option<long> o: o.CustomParser = Whole<long>; break;
            case Option<long?> o: o.CustomParser = r => Whole<long>(r); break;
            case Option<ulong> o: o.CustomParser = Whole<ulong>; break;
            case Option<ulong?> o: o.CustomParser = r => Whole<ulong>(r); break;
            case Option<double> o: o.CustomParser = Real<double>; break;
            case Option<double?> o: o.CustomParser = r => Real<double>(r); break;
            case Option<float> o: o.CustomParser = Real<float>; break;
            case Option<float?> o: o.CustomParser = r => Real<float>(r); break;
            case Argument<int> a: a.CustomParser = Whole<int>; break;
            case Argument<double> a: a.CustomParser = Real<double>; break;
            case Option o when IsNumeric(o.ValueType): throw NoParser(o);
            case Argument a when IsNumeric(a.ValueType): throw NoParser(a);
        }
    }

    private static InvalidOperationException NoParser(Symbol symbol) =>
        new($"{symbol.Name} is numeric but has no invariant parser; add its type to {nameof(InvariantNumbers)}.");

    private static bool IsNumeric(Type type) =>
        (Nullable.GetUnderlyingType(type) ?? type) is var t && (t.IsPrimitive || t == typeof(decimal)) && t != typeof(bool) && t != typeof(char);

    private static T Whole<T>(ArgumentResult result)
        where T : struct, IBinaryInteger<T>, IMinMaxValue<T> =>
        Report(result, ParseWhole<T>(NameOf(result), Token(result), out var error), error);

    private static T Real<T>(ArgumentResult result)
        where T : struct, IFloatingPointIeee754<T> =>
        Report(result, ParseReal<T>(NameOf(result), Token(result), out var error), error);

    private static T Report<T>(ArgumentResult result, T? value, string? error)
        where T : struct
    {
        if (error is not null)
        {
            result.AddError(error);
        }

        return value ?? default;
    }

    // The parser runs only when a value was typed, and every numeric option takes exactly one.
    private static string Token(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[^1].Value : string.Empty;

    private static string NameOf(ArgumentResult result) => result.Parent is OptionResult option ? option.Option.Name : result.Argument.Name;
}
