using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Nn;

/// <summary>
/// The optimiser part of a checkpoint: the rule's name and hyperparameters as numbers, then (version 5 on) its
/// learning-rate schedule as stages, each a name and its numbers. Built-in rules and schedules are found by name
/// through <see cref="OptimizerKinds"/> and <see cref="LearningRateSchedule.Kinds"/>; a rule of the caller's own is
/// given back by the caller and checked against the stored name and hyperparameters.
/// </summary>
internal static class CheckpointRule
{
    /// <summary>The first checkpoint version that records the learning-rate schedule.</summary>
    private const ushort FirstScheduleVersion = 5;

    /// <summary>The most schedule stages a file may hold: as many as a schedule can chain.</summary>
    private const int MaxStages = LearningRateSchedule.MaxStages;

    /// <summary>Writes the rule (without its schedule) and the schedule (version 5 on).</summary>
    public static void Write(FormatWriter writer, Optimizer optimizer)
    {
        writer.Name(optimizer.Name);
        var hyperparameters = optimizer.Hyperparameters;
        writer.Int32(hyperparameters.Length);
        foreach (var hyperparameter in hyperparameters)
        {
            writer.Double(hyperparameter.Value);
        }

        var stages = optimizer.Schedule.Stages().ToArray();
        writer.Int32(stages.Length);
        foreach (var stage in stages)
        {
            writer.Name(stage.Name);
            writer.Int32(stage.Parameters.Length);
            foreach (var value in stage.Parameters)
            {
                writer.Double(value);
            }
        }
    }

    /// <summary>
    /// Reads the rule: a built-in by name, or <paramref name="given"/> when the caller passes one (its name and
    /// hyperparameters must be the stored ones). Files before version 5 hold no schedule: constant.
    /// </summary>
    /// <exception cref="CheckpointMismatchException">The file's rule is not <paramref name="given"/>.</exception>
    public static Optimizer Read(FormatReader reader, ushort version, Optimizer? given)
    {
        var nameAt = reader.Offset;
        var name = reader.Name("the optimiser's name");
        var countAt = reader.Offset;
        var count = reader.Int32InRange("the hyperparameter count", 0, CustomOptimizer.MaxCount);
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = reader.FiniteDouble($"hyperparameter {i}");
        }

        var rule = given is null ? BuiltIn(reader, nameAt, countAt, name, values) : Given(given.WithoutSchedule, name, values);
        var schedule = version >= FirstScheduleVersion ? ReadSchedule(reader) : LearningRateSchedule.Constant;
        return schedule == LearningRateSchedule.Constant ? rule : rule.WithSchedule(schedule);
    }

    private static Optimizer BuiltIn(FormatReader reader, int nameAt, int countAt, string name, double[] values)
    {
        var kind = OptimizerKinds.Find(name)
            ?? throw reader.Error(nameAt, $"a built-in optimiser ({OptimizerKinds.Names}; a rule of your own loads with CheckpointFile.Load(path, rule))", $"'{name}'");
        if (values.Length != kind.Hyperparameters.Length)
        {
            throw reader.Error(countAt, $"{kind.Hyperparameters.Length} hyperparameters for {name}", $"{values.Length}");
        }

        try
        {
            return kind.Make(values);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw reader.Error(countAt + 4, $"valid hyperparameters for {name}", e.Message);
        }
    }

    /// <summary>The caller's rule, when the file's name and hyperparameters are its own (compared bit for bit).</summary>
    private static Optimizer Given(Optimizer given, string name, double[] values)
    {
        if (name != given.Name)
        {
            throw new CheckpointMismatchException("optimiser", $"'{name}'", $"'{given.Name}'");
        }

        var expected = given.Hyperparameters;
        if (values.Length != expected.Length)
        {
            throw new CheckpointMismatchException($"number of {name} hyperparameters", Text(values.Length), Text(expected.Length));
        }

        for (var i = 0; i < values.Length; i++)
        {
            if (BitConverter.DoubleToInt64Bits(values[i]) != BitConverter.DoubleToInt64Bits(expected[i].Value))
            {
                throw new CheckpointMismatchException(expected[i].Name, Text(values[i]), Text(expected[i].Value));
            }
        }

        return given;
    }

    private static LearningRateSchedule ReadSchedule(FormatReader reader)
    {
        var count = reader.Int32InRange("the schedule's stage count", 1, MaxStages);
        var stages = new (int At, string Name, double[] Values)[count];
        for (var s = 0; s < count; s++)
        {
            var at = reader.Offset;
            var name = reader.Name($"schedule stage {s}'s name");
            if (!LearningRateSchedule.Kinds.TryGetValue(name, out var kind))
            {
                throw reader.Error(at, $"a schedule ({string.Join(", ", LearningRateSchedule.Kinds.Keys)})", $"'{name}'");
            }

            var values = new double[reader.Int32InRange($"schedule stage {s}'s number count ({name} has {kind.Count})", kind.Count, kind.Count)];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = reader.FiniteDouble($"schedule stage {s}'s number {i}");
            }

            stages[s] = (at, name, values);
        }

        // Built from the last stage back: only a warm-up hands over, so it is never last and nothing else is before it.
        LearningRateSchedule? then = null;
        for (var s = count - 1; s >= 0; s--)
        {
            var (at, name, values) = stages[s];
            if ((name == "warmup") != (s < count - 1))
            {
                throw reader.Error(at, s < count - 1 ? $"a warm-up at schedule stage {s} (only a warm-up hands over to a next stage)" : "a last schedule stage that is not a warm-up", $"'{name}'");
            }

            try
            {
                then = LearningRateSchedule.Kinds[name].Make(values, then);
            }
            catch (ArgumentException e)
            {
                throw reader.Error(at, $"valid numbers for the {name} schedule", e.Message);
            }
        }

        return then!;
    }

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
