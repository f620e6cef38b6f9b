using System;
using System.Collections.Immutable;
using System.Linq;

namespace Nn;

/// <summary>
/// The one table of built-in mini-batch rules. The command line takes its <c>--optimizer</c> names, hyperparameter
/// options and defaults from it and checkpoints restore rules by name through it, so a new built-in is one file (the
/// rule with its <see cref="OptimizerKind"/>) plus one line here; a test walks every entry through training,
/// checkpoints and the command line.
/// </summary>
/// <example><code>
/// foreach (var kind in OptimizerKinds.All) Console.WriteLine($"{kind.Name}: {kind.Description}");
/// </code></example>
public static class OptimizerKinds
{
    /// <summary>Every built-in rule, in the order help text lists them.</summary>
    public static ImmutableArray<OptimizerKind> All { get; } =
    [
        Sgd.Kind,
        Momentum.Kind,
        Nesterov.Kind,
        AdaGrad.Kind,
        RmsProp.Kind,
        Adam.Kind,
        AdamW.Kind,
    ];

    /// <summary>The built-in rule called <paramref name="name"/>, or null.</summary>
    /// <param name="name">The name, e.g. "adam".</param>
    /// <returns>The kind, or null when no built-in has that name.</returns>
    public static OptimizerKind? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return All.FirstOrDefault(kind => kind.Name == name);
    }

    /// <summary>The names, for messages: "sgd, momentum, …, adamw".</summary>
    public static string Names => string.Join(", ", All.Select(kind => kind.Name));
}
