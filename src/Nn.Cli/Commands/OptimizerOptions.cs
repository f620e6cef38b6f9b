using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.Linq;

namespace Nn.Cli.Commands;

/// <summary>
/// The options that choose a training rule: <c>--optimizer</c>, one option per hyperparameter and <c>--schedule</c>.
/// Names, options and defaults all come from <see cref="OptimizerKinds"/>, so a new built-in rule needs nothing here.
/// </summary>
internal sealed class OptimizerOptions
{
    /// <summary>The full-batch minimisers, which take none of the rule options.</summary>
    public static readonly string[] FullBatch = ["cg", "lbfgs"];

    public OptimizerOptions()
    {
        Optimizer = new Option<string>("--optimizer")
        {
            Description = $"The optimiser: {OptimizerKinds.Names} (mini-batch) or {string.Join(", ", FullBatch)} (full-batch; --epochs counts iterations).",
            DefaultValueFactory = _ => "adam",
        }.AcceptOnlyFromAmong([.. OptimizerKinds.All.Select(kind => kind.Name), .. FullBatch]);

        // Rules share an option for the same quantity (--lr, --eps); its help lists each rule's default.
        Hyperparameters = OptimizerKinds.All
            .SelectMany(kind => kind.Hyperparameters.Select(spec => (Kind: kind, Spec: spec)))
            .GroupBy(pair => pair.Spec.Option)
            .Select(group => new Option<double?>($"--{group.Key}")
            {
                Description = $"The {group.First().Spec.Name} (default: {string.Join(", ", group.Select(pair => $"{Number(pair.Spec.Default)} for {pair.Kind.Name}"))}).",
            })
            .ToArray();
        Schedule = new Option<string?>("--schedule")
        {
            Description = "A learning-rate schedule: cosine (decay to 0 over the run), cosine:<floor>, step:<epochs>:<factor> (η times factor every "
                + "<epochs> epochs), warmup:<steps> (linear from η/steps), constant; a warm-up goes first, e.g. warmup:200,cosine.",
        };
    }

    /// <summary><c>--optimizer</c>.</summary>
    public Option<string> Optimizer { get; }

    /// <summary>One option per hyperparameter quantity, <c>--lr</c> first.</summary>
    public IReadOnlyList<Option<double?>> Hyperparameters { get; }

    /// <summary><c>--schedule</c>.</summary>
    public Option<string?> Schedule { get; }

    /// <summary><c>--lr</c>.</summary>
    public Option<double?> Rate => Hyperparameters[0];

    /// <summary>Every option, in help order.</summary>
    public IEnumerable<Option> All => [Optimizer, .. Hyperparameters, Schedule];

    /// <summary>The options only the mini-batch rules take.</summary>
    public IEnumerable<Option> RuleOptions => [.. Hyperparameters, Schedule];

    /// <summary>
    /// The rule named by <c>--optimizer</c> (or <paramref name="name"/>) with each hyperparameter typed or at its
    /// default, and the schedule for a run of <paramref name="epochs"/> epochs of <paramref name="stepsPerEpoch"/> steps.
    /// </summary>
    public Nn.Optimizer Build(ParseResult parse, string name, long stepsPerEpoch, int epochs)
    {
        var kind = OptimizerKinds.Find(name) ?? throw new UsageException($"--optimizer must be one of {OptimizerKinds.Names}, but is {name}.");
        var defaults = kind.Hyperparameters.Select(spec => spec.Default).ToArray();
        var rule = Make(kind, Values(parse, kind, (double[])defaults.Clone()), defaults);
        return parse.GetValue(Schedule) is { } text ? rule.WithSchedule(ScheduleGrammar.Parse(text, stepsPerEpoch, epochs)) : rule;
    }

    /// <summary>
    /// For <c>--resume</c>: the saved rule with the options typed put in place of its values (another
    /// <c>--optimizer</c> makes that rule, which the checkpoint check then refuses by name).
    /// </summary>
    public Nn.Optimizer Over(ParseResult parse, Nn.Optimizer saved, long stepsPerEpoch, int epochs)
    {
        if (IgnoredOptions.Typed(parse, Optimizer) && parse.GetValue(Optimizer) is { } name && name != saved.Name)
        {
            if (OptimizerKinds.Find(name) is null)
            {
                throw new CheckpointMismatchException("optimiser", $"'{saved.Name}'", $"'{name}'");
            }

            return Build(parse, name, stepsPerEpoch, epochs);
        }

        var rule = saved.WithoutSchedule;
        if (OptimizerKinds.Find(saved.Name) is { } kind && Hyperparameters.Any(option => IgnoredOptions.Typed(parse, option)))
        {
            var kept = rule.Hyperparameters.Select(h => h.Value).ToArray();
            rule = Make(kind, Values(parse, kind, (double[])kept.Clone()), kept);
        }

        var schedule = parse.GetValue(Schedule) is { } text ? ScheduleGrammar.Parse(text, stepsPerEpoch, epochs) : saved.Schedule;
        return schedule == LearningRateSchedule.Constant ? rule : rule.WithSchedule(schedule);
    }

    /// <summary>
    /// The rule of <paramref name="values"/>; when the rule refuses them, a usage error naming the option of the first
    /// value refused on its own, each tried among <paramref name="valid"/> (values the rule takes): the library names a
    /// constructor's parameter ("Coefficient"), which the person typing <c>--momentum</c> has never seen.
    /// </summary>
    private static Nn.Optimizer Make(OptimizerKind kind, double[] values, double[] valid)
    {
        try
        {
            return kind.Make(values);
        }
        catch (ArgumentException)
        {
            for (var i = 0; i < values.Length; i++)
            {
                var one = (double[])valid.Clone();
                one[i] = values[i];
                try
                {
                    kind.Make(one);
                }
                catch (ArgumentException e)
                {
                    var spec = kind.Hyperparameters[i];
                    throw new UsageException($"--{spec.Option} {Number(values[i])}: {Cli.Renamed(e, spec.Name)}");
                }
            }

            throw;
        }
    }

    /// <summary>The hyperparameter values, typed ones over <paramref name="values"/>; refuses options the rule does not have.</summary>
    private double[] Values(ParseResult parse, OptimizerKind kind, double[] values)
    {
        foreach (var option in Hyperparameters.Where(option => IgnoredOptions.Typed(parse, option)))
        {
            var index = kind.Hyperparameters.Select(spec => $"--{spec.Option}").ToList().IndexOf(option.Name);
            if (index < 0)
            {
                var takers = OptimizerKinds.All.Where(k => k.Hyperparameters.Any(spec => $"--{spec.Option}" == option.Name)).Select(k => k.Name);
                throw new UsageException($"{option.Name} applies to {string.Join(", ", takers)}; {kind.Name} has no such hyperparameter.");
            }

            values[index] = parse.GetValue(option)!.Value;
        }

        return values;
    }

    /// <summary>A rule and its hyperparameters, e.g. "adam η=0.005 β₁=0.9 β₂=0.999 ε=1E-08", and its schedule if any.</summary>
    public static string Describe(Nn.Optimizer optimizer) =>
        string.Join(' ', [optimizer.Name, .. optimizer.Hyperparameters.Select(h => $"{h.Symbol}={Number(h.Value)}")])
        + (optimizer.Schedule == LearningRateSchedule.Constant ? string.Empty : $", schedule {optimizer.Schedule}");

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);
}
