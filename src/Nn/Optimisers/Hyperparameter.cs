namespace Nn;

/// <summary>One hyperparameter of a rule, as checkpoints, messages and the command line show it.</summary>
/// <param name="Name">The words a mismatch message uses, e.g. "learning rate η".</param>
/// <param name="Symbol">The short form a description uses, e.g. "η".</param>
/// <param name="Value">The value.</param>
/// <example><code>
/// var eta = new Hyperparameter("learning rate η", "η", 0.01);
/// </code></example>
public readonly record struct Hyperparameter(string Name, string Symbol, double Value)
{
    /// <summary>The members as the compiler prints them, with numbers in the invariant culture (not "1,5" under de-DE).</summary>
    /// <returns>The record's text, whatever the current culture.</returns>
    public override string ToString() => InvariantRecord.Text(nameof(Hyperparameter), PrintMembers);
}
