using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace Nn;

/// <summary>
/// A built-in rule as the registry (<see cref="OptimizerKinds"/>) knows it: the name the command line and files use,
/// one line of description, its hyperparameters in file order with their options and defaults, and the function
/// that makes the rule from their values. Each rule's file declares its kind next to its update.
/// </summary>
/// <param name="Name">The rule's name, e.g. "adamw".</param>
/// <param name="Description">One line for help text.</param>
/// <param name="Hyperparameters">The hyperparameters, in the order <see cref="Make"/> takes them and files store them.</param>
/// <param name="Create">Makes the rule from values in that order (validating them).</param>
/// <exception cref="ArgumentException"><paramref name="Hyperparameters"/> is a default array or holds a null entry, or <paramref name="Create"/> is null (<see cref="ArgumentNullException"/>).</exception>
/// <example><code>
/// var adam = OptimizerKinds.Find("adam")!;
/// var rule = adam.Make([0.001, 0.9, 0.999, 1e-8]);
/// </code></example>
public sealed record OptimizerKind(string Name, string Description, ImmutableArray<HyperparameterSpec> Hyperparameters, Func<IReadOnlyList<double>, Optimizer> Create)
{
    // Checked here and in C#'s with, as TrainingState is: a default array threw NullReferenceException in Make.
    private readonly ImmutableArray<HyperparameterSpec> hyperparameters = CheckedHyperparameters(Hyperparameters);

    // Checked the same way: a null function was kept, and Make and Default threw NullReferenceException.
    private readonly Func<IReadOnlyList<double>, Optimizer> create = CheckedCreate(Create);

    /// <summary>The hyperparameters, in the order <see cref="Make"/> takes them and files store them.</summary>
    public ImmutableArray<HyperparameterSpec> Hyperparameters { get => hyperparameters; init => hyperparameters = CheckedHyperparameters(value); }

    /// <summary>Makes the rule from values in <see cref="Hyperparameters"/> order (validating them).</summary>
    public Func<IReadOnlyList<double>, Optimizer> Create { get => create; init => create = CheckedCreate(value); }

    /// <summary>The rule with these hyperparameter values.</summary>
    /// <param name="values">One value per <see cref="Hyperparameters"/> entry, in order.</param>
    /// <returns>The rule.</returns>
    /// <exception cref="ArgumentException">The count is wrong.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of its range.</exception>
    public Optimizer Make(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        Guard.NotDefault(values, nameof(values));
        if (values.Count != Hyperparameters.Length)
        {
            throw new ArgumentException($"{Name} takes {Hyperparameters.Length} hyperparameters ({string.Join(", ", Hyperparameters.Select(h => h.Name))}), but {values.Count} were given.", nameof(values));
        }

        return Create(values);
    }

    /// <summary>The rule with every hyperparameter at its default.</summary>
    /// <returns>The rule.</returns>
    public Optimizer Default() => Make(Hyperparameters.Select(h => h.Default).ToArray());

    /// <summary>Names the values of a rule of this kind, for its <see cref="Optimizer.Hyperparameters"/>.</summary>
    internal ImmutableArray<Hyperparameter> Values(params ReadOnlySpan<double> values)
    {
        var builder = ImmutableArray.CreateBuilder<Hyperparameter>(Hyperparameters.Length);
        for (var i = 0; i < Hyperparameters.Length; i++)
        {
            builder.Add(Hyperparameters[i].With(values[i]));
        }

        return builder.MoveToImmutable();
    }

    private static Func<IReadOnlyList<double>, Optimizer> CheckedCreate(Func<IReadOnlyList<double>, Optimizer> value)
    {
        ArgumentNullException.ThrowIfNull(value, nameof(Create));
        return value;
    }

    private static ImmutableArray<HyperparameterSpec> CheckedHyperparameters(ImmutableArray<HyperparameterSpec> value) =>
        Guard.Complete(value, nameof(Hyperparameters), "a rule's hyperparameters", "empty for a rule without any", "hyperparameter");
}
