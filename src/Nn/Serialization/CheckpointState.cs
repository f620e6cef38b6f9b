using System;
using System.Collections.Immutable;
using System.Numerics;
using static System.FormattableString;

namespace Nn;

/// <summary>
/// Reads the training-state fields of a checkpoint (moments, random state, progress, history, validation settings
/// and best epoch) and checks that they
/// describe a state a training run can reach, not just values of the right type: a file that passes the checksum
/// but was written by another tool or edited by hand must not resume into a run that could never have happened.
/// Every rejection names the field and its byte offset.
/// </summary>
internal static class CheckpointState
{
    /// <summary>The moment vectors; those the rule keeps as sums or means of squares (Adam's v, AdaGrad's G, RMSProp's E) are never negative.</summary>
    public static ImmutableArray<ParameterVector<T>> ReadMoments<T>(FormatReader reader, Optimizer optimizer, int count, int length, int elementSize, long step)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var moments = ImmutableArray.CreateBuilder<ParameterVector<T>>(count);
        for (var i = 0; i < count; i++)
        {
            var at = reader.Offset;
            var values = reader.Vector<T>(length, elementSize, $"moment {i}");
            var squares = optimizer.SquaresMoment(i);
            for (var j = 0; j < values.Length; j++)
            {
                if (squares is not null && values[j] < T.Zero)
                {
                    throw reader.Error(at + ((long)j * elementSize), squares, Invariant($"{values[j]} at element {j}"));
                }

                // Every rule starts from zero moments, so before the first step they can hold nothing else.
                if (step == 0 && values[j] != T.Zero)
                {
                    throw reader.Error(at + ((long)j * elementSize), $"moment {i} all zero at optimiser step 0", Invariant($"{values[j]} at element {j}"));
                }
            }

            moments.Add(ParameterVector<T>.Own(values));
        }

        return moments.MoveToImmutable();
    }

    /// <summary>The xoshiro256** state: all four words zero is the one state the generator never leaves nor reaches.</summary>
    public static RandomState ReadRandom(FormatReader reader)
    {
        var at = reader.Offset;
        var random = new RandomState(reader.UInt64("random state word 0"), reader.UInt64("random state word 1"), reader.UInt64("random state word 2"), reader.UInt64("random state word 3"));
        if (random == default)
        {
            throw reader.Error(at, "a random state with a non-zero word (xoshiro256** never reaches all zeros)", "four zero words");
        }

        return random;
    }

    /// <summary>
    /// The epochs completed (at most the run's total), checked against the optimiser step: every epoch takes at
    /// least one step, and with a known sample count at most one per sample (plus a partial epoch that diverged).
    /// </summary>
    public static int ReadCompleted(FormatReader reader, int epochs, long step, int? sampleCount)
    {
        var at = reader.Offset;
        // The history holds one record per completed epoch, so its bound is also theirs.
        var completed = reader.Int32InRange("the epochs completed (at most the epoch count)", 0, Math.Min(epochs, CheckpointFile.MaxHistory));
        if (step < completed)
        {
            throw reader.Error(at, $"at most {step} epochs completed (the optimiser step; every epoch takes a step)", $"{completed}");
        }

        if (sampleCount is { } samples && step > ((long)completed + 1) * samples)
        {
            // The fewest completed epochs that hold the step, with one partial epoch after them: ⌈step / samples⌉ − 1,
            // which is ⌊(step − 1) / samples⌋ for the step of at least 1 that reaches here.
            throw reader.Error(at, $"at least {(step - 1) / samples} epochs completed ({step} optimiser steps over {samples} samples)", $"{completed}");
        }

        return completed;
    }

    /// <summary>
    /// One record per completed epoch, numbered 1, 2, …; the training cost finite and non-negative, accuracies in
    /// [0, 1] or NaN (no class to be right about: outputs that are not finite, or a network of one output), test and
    /// validation costs non-negative, +∞ or NaN (a held-out sample whose outputs, or their cost, were not finite); with
    /// <paramref name="validating"/> (version 4 on) each record ends with its validation figures.
    /// </summary>
    public static ImmutableArray<EpochRecord> ReadHistory(FormatReader reader, int completed, bool validating)
    {
        var at = reader.Offset;
        var count = reader.Int32InRange("the history length (one record per completed epoch)", completed, completed);

        // Records are of one size, so a length the rest of the file cannot hold is refused before room is made for
        // it: a few bytes claiming ten million epochs made the reader take 80 MB for their references.
        var size = validating ? 54 : 37;
        if (count > reader.Remaining / size)
        {
            throw reader.Error(at, $"the history length (one record per completed epoch) of at most {reader.Remaining / size} records ({size} bytes each)", $"{count}");
        }

        var history = ImmutableArray.CreateBuilder<EpochRecord>(count);
        for (var i = 0; i < count; i++)
        {
            var epoch = reader.Int32InRange($"history record {i}'s epoch", i + 1, i + 1);
            var trainLoss = Measure(reader, $"history record {i}'s training loss", double.PositiveInfinity);
            var trainAccuracy = Measure(reader, $"history record {i}'s training accuracy", 1, unmeasured: true);
            var flagsAt = reader.Offset;
            var flags = reader.Byte($"history record {i}'s flags");
            if (flags > 3)
            {
                throw reader.Error(flagsAt, $"history record {i}'s flags in 0..3", $"{flags}");
            }

            var testLoss = Optional(reader, (flags & 1) != 0, $"history record {i}'s test loss", double.PositiveInfinity, unmeasured: true);
            var testAccuracy = Optional(reader, (flags & 2) != 0, $"history record {i}'s test accuracy", 1, unmeasured: true);
            var record = new EpochRecord(epoch, trainLoss, trainAccuracy, testLoss, testAccuracy);
            history.Add(validating ? ReadValidation(reader, record, i) : record);
        }

        return history.MoveToImmutable();
    }

    /// <summary>The validation figures of a history record (version 4 on): flags (1 = a cost, 2 = an accuracy), then both values, 0 when absent.</summary>
    public static void WriteValidation(FormatWriter writer, EpochRecord record)
    {
        writer.Byte((byte)((record.ValidationCost is null ? 0 : 1) | (record.ValidationAccuracy is null ? 0 : 2)));
        writer.Double(record.ValidationCost ?? 0);
        writer.Double(record.ValidationAccuracy ?? 0);
    }

    private static EpochRecord ReadValidation(FormatReader reader, EpochRecord record, int i)
    {
        var flagsAt = reader.Offset;
        var flags = reader.Byte($"history record {i}'s validation flags");
        if (flags > 3)
        {
            throw reader.Error(flagsAt, $"history record {i}'s validation flags in 0..3", $"{flags}");
        }

        var cost = Optional(reader, (flags & 1) != 0, $"history record {i}'s validation cost", double.PositiveInfinity, unmeasured: true);
        var accuracy = Optional(reader, (flags & 2) != 0, $"history record {i}'s validation accuracy", 1, unmeasured: true);
        return record with { ValidationCost = cost, ValidationAccuracy = accuracy };
    }

    /// <summary>The validation share, in [0, 1), and the patience, 0 or more (version 4 on).</summary>
    public static (double Fraction, int Patience) ReadValidationOptions(FormatReader reader)
    {
        var at = reader.Offset;
        var fraction = reader.Double("the validation fraction");
        if (!(fraction >= 0 && fraction < 1))
        {
            throw reader.Error(at, "a validation fraction in [0, 1)", Invariant($"{fraction}"));
        }

        var patience = reader.Int32InRange("the patience", 0, fraction > 0 ? int.MaxValue : 0);
        return (fraction, patience);
    }

    /// <summary>
    /// The best epoch (version 4 on): a byte 0 (none) or 1, then its epoch, validation cost and θ, and (version 6 on)
    /// its network's state, since a batch-normalised best network is not whole without its running statistics.
    /// </summary>
    public static void WriteBest<T>(FormatWriter writer, BestEpoch<T>? best)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        writer.Byte(best is null ? (byte)0 : (byte)1);
        if (best is not null)
        {
            writer.Int32(best.Epoch);
            writer.Double(best.ValidationCost);
            writer.Int64(best.Network.Parameters.Length);
            writer.Vector(best.Network.Parameters.AsSpan());
            writer.Int64(best.Network.State.Length);
            writer.Vector(best.Network.State.AsSpan());
        }
    }

    /// <summary>
    /// The best epoch: present only with patience and a completed epoch, one of the history's, with that record's
    /// validation cost, and a network of the checkpoint's architecture.
    /// </summary>
    public static BestEpoch<T>? ReadBest<T>(FormatReader reader, Architecture architecture, int elementSize, ImmutableArray<EpochRecord> history, int patience, bool withState)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var presentAt = reader.Offset;
        var present = reader.Byte("the best epoch's presence flag");
        var allowed = patience > 0 && history.Length > 0 ? 1 : 0;
        if (present > allowed)
        {
            throw reader.Error(presentAt, $"a best epoch presence flag in 0..{allowed} (a best epoch is kept with patience once an epoch is complete)", $"{present}");
        }

        if (present == 0)
        {
            return null;
        }

        var epoch = reader.Int32InRange("the best epoch", 1, history.Length);
        var costAt = reader.Offset;
        var cost = reader.Double("the best epoch's validation cost");
        if (history[epoch - 1].ValidationCost is not { } recorded || BitConverter.DoubleToInt64Bits(recorded) != BitConverter.DoubleToInt64Bits(cost))
        {
            throw reader.Error(costAt, Invariant($"the validation cost history record {epoch - 1} holds"), Invariant($"{cost}"));
        }

        var parameters = ModelFile.ReadParameters<T>(reader, architecture, elementSize);
        var network = withState
            ? new Network<T>(architecture, ParameterVector<T>.Own(parameters), ParameterVector<T>.Own(ModelFile.ReadState<T>(reader, architecture, elementSize)))
            : new Network<T>(architecture, ParameterVector<T>.Own(parameters));
        return new BestEpoch<T>(epoch, cost, network);
    }

    /// <summary>
    /// A measurement in [0, <paramref name="high"/>]: a mean cost (finite, never negative) or an accuracy; with
    /// <paramref name="unmeasured"/> also NaN, which a run records where the figure has no value (outputs that are not
    /// finite; an accuracy of a network with one output), and a cost of +∞ (outputs so large their cost overflows).
    /// </summary>
    private static double Measure(FormatReader reader, string what, double high, bool unmeasured = false)
    {
        var at = reader.Offset;
        var value = reader.Double(what);
        if (!(value >= 0 && value <= high && (double.IsFinite(value) || unmeasured)) && !(unmeasured && double.IsNaN(value)))
        {
            var range = high == 1 ? $"{what} in [0, 1]" : unmeasured ? $"{what} of 0 or more" : $"a finite {what} of 0 or more";
            throw reader.Error(at, unmeasured ? $"{range}, or NaN" : range, Invariant($"{value}"));
        }

        return value;
    }

    /// <summary>A measurement the flags say is present, or the 0 the writer stores in place of an absent one.</summary>
    private static double? Optional(FormatReader reader, bool present, string what, double high, bool unmeasured = false)
    {
        if (present)
        {
            return Measure(reader, what, high, unmeasured);
        }

        var at = reader.Offset;
        var value = reader.Double(what);
        if (BitConverter.DoubleToInt64Bits(value) != 0)
        {
            throw reader.Error(at, $"{what} stored as 0 (the flags say there is none)", Invariant($"{value}"));
        }

        return null;
    }
}
