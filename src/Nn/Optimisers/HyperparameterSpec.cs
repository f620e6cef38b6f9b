namespace Nn;

/// <summary>
/// A hyperparameter of a built-in rule as the registry describes it: its names, the command-line option that sets it
/// and the value used when the option is not given.
/// </summary>
/// <param name="Name">The words a mismatch message uses, e.g. "learning rate η".</param>
/// <param name="Symbol">The short form a description uses, e.g. "η".</param>
/// <param name="Option">The command-line option without its dashes, e.g. "lr"; rules share an option for the same quantity.</param>
/// <param name="Default">The value when the option is not given.</param>
/// <example><code>
/// var spec = new HyperparameterSpec("learning rate η", "η", "lr", 0.005);
/// var value = spec.With(0.01);
/// </code></example>
public sealed record HyperparameterSpec(string Name, string Symbol, string Option, double Default)
{
    /// <summary>This hyperparameter with a value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The named value.</returns>
    public Hyperparameter With(double value) => new(Name, Symbol, value);

    /// <summary>The members as the compiler prints them, with numbers in the invariant culture (not "1,5" under de-DE).</summary>
    /// <returns>The record's text, whatever the current culture.</returns>
    public override string ToString() => InvariantRecord.Text(nameof(HyperparameterSpec), PrintMembers);
}
