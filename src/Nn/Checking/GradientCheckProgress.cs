namespace Nn;

/// <summary>
/// How far a gradient check has got, sent as its central differences advance: at most about a thousand times in a
/// check, and once after the last parameter, so that a listener that queues each report (<c>Progress&lt;T&gt;</c>)
/// is not sent millions.
/// </summary>
/// <param name="Differenced">How many of θ's parameters have their central difference, from 1.</param>
/// <param name="Parameters">How many parameters θ has.</param>
public readonly record struct GradientCheckProgress(int Differenced, int Parameters)
{
    /// <summary>The members as the compiler prints them, with numbers in the invariant culture.</summary>
    /// <returns>The record's text, whatever the current culture.</returns>
    public override string ToString() => InvariantRecord.Text(nameof(GradientCheckProgress), PrintMembers);
}
