using System;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;

namespace Nn;

/// <summary>
/// An <see cref="IUpdateRule"/> as an <see cref="Optimizer"/> (made by <see cref="Optimizer.Custom"/>): the rule's
/// name, hyperparameters and moments, its update called on the library's buffers. Two are equal when their rules are.
/// </summary>
internal sealed record CustomOptimizer : Optimizer
{
    /// <summary>The most hyperparameters or moments a rule may have, as checkpoints allow.</summary>
    public const int MaxCount = 16;

    public CustomOptimizer(IUpdateRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var name = rule.Name ?? throw new ArgumentException("the rule's Name is null.", nameof(rule));
        if (name.Length is 0 or > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            throw new ArgumentException($"the rule's name must be 1 to 64 ASCII letters, digits and '-', but is '{name}'.", nameof(rule));
        }

        if (OptimizerKinds.Find(name) is not null || name is "cg" or "lbfgs")
        {
            throw new ArgumentException($"the rule's name '{name}' belongs to a built-in rule; give your rule a name of its own.", nameof(rule));
        }

        if (rule.MomentCount is < 0 or > MaxCount)
        {
            throw new ArgumentException($"the rule's moment count must be in 0..{MaxCount}, but is {rule.MomentCount}.", nameof(rule));
        }

        var hyperparameters = rule.Hyperparameters;
        if (hyperparameters.IsDefault || hyperparameters.Length > MaxCount)
        {
            throw new ArgumentException($"the rule must have 0 to {MaxCount} hyperparameters, but has {(hyperparameters.IsDefault ? "none set (a default ImmutableArray)" : hyperparameters.Length)}.", nameof(rule));
        }

        foreach (var h in hyperparameters)
        {
            if (!double.IsFinite(h.Value))
            {
                // Invariant, as every number the library writes: under de-DE the value would read '∞'.
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"the rule's hyperparameter {h.Name} must be finite to be stored, but is {h.Value}."), nameof(rule));
            }
        }

        Rule = rule;
    }

    /// <summary>The user's rule.</summary>
    public IUpdateRule Rule { get; }

    /// <inheritdoc/>
    public override string Name => Rule.Name;

    /// <inheritdoc/>
    public override int MomentCount => Rule.MomentCount;

    /// <inheritdoc/>
    public override ImmutableArray<Hyperparameter> Hyperparameters => Rule.Hyperparameters;

    internal override void UpdateInPlace<T>(UpdateStep step, Span<T> theta, ReadOnlySpan<T> gradient, T[][] moments) =>
        Rule.UpdateInPlace(new RuleBuffers<T>(step, theta, gradient, moments));

    /// <inheritdoc/>
    public bool Equals(CustomOptimizer? other) => other is not null && Rule.Equals(other.Rule);

    /// <inheritdoc/>
    public override int GetHashCode() => Rule.GetHashCode();
}
