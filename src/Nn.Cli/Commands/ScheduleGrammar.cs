using System;
using System.Globalization;
using System.Linq;

namespace Nn.Cli.Commands;

/// <summary>
/// The grammar of <c>--schedule</c>: stages separated by commas, each <c>constant</c>, <c>cosine</c>,
/// <c>cosine:&lt;floor&gt;</c>, <c>step:&lt;epochs&gt;:&lt;factor&gt;</c> or <c>warmup:&lt;steps&gt;</c>, a warm-up only
/// before the last. Epochs become steps with the run's steps per epoch; a cosine decays over the steps the run has
/// left after any warm-up. Every mistake is refused in plain words.
/// </summary>
internal static class ScheduleGrammar
{
    public static LearningRateSchedule Parse(string text, long stepsPerEpoch, int epochs)
    {
        var stages = text.Split(',');
        var totalSteps = stepsPerEpoch * epochs;
        LearningRateSchedule? schedule = null;
        for (var i = stages.Length - 1; i >= 0; i--)
        {
            var parts = stages[i].Split(':');
            var last = i == stages.Length - 1;
            if (!last && parts[0] != "warmup")
            {
                throw Refuse(text, $"only a warm-up can come before another stage, but '{stages[i]}' does");
            }

            if (last && parts[0] == "warmup" && stages.Length > 1)
            {
                throw Refuse(text, "a warm-up must come before the stage it hands over to, not last");
            }

            schedule = parts[0] switch
            {
                "constant" when parts.Length == 1 => LearningRateSchedule.Constant,
                "cosine" when parts.Length is 1 or 2 => Cosine(text, parts, totalSteps - stages.Take(stages.Length - 1).Aggregate(Int128.Zero, (sum, stage) => sum + Steps(text, stage))),
                "step" when parts.Length == 3 => LearningRateSchedule.StepDecay(EpochSteps(text, parts[1], stepsPerEpoch), Factor(text, parts[2])),
                "warmup" when parts.Length == 2 => LearningRateSchedule.Warmup(Whole(text, "the warm-up steps", parts[1]), schedule),
                "constant" or "cosine" or "step" or "warmup" => throw Refuse(text, $"'{stages[i]}' has the wrong number of parts; write {Forms}"),
                _ => throw Refuse(text, $"'{parts[0]}' is not a schedule; write {Forms}"),
            };
        }

        // A warm-up longer than the run would end it below the rate asked for (a cosine after it is refused above).
        var warmup = stages.Aggregate(Int128.Zero, (sum, stage) => sum + Steps(text, stage));
        if (warmup > totalSteps)
        {
            throw Refuse(text, string.Create(CultureInfo.InvariantCulture, $"the warm-up of {warmup} steps is longer than the run's {totalSteps}, so the learning rate would never reach the rate asked for"));
        }

        return schedule!;
    }

    private const string Forms = "cosine, cosine:<floor>, step:<epochs>:<factor>, warmup:<steps> or constant";

    private static long Steps(string text, string stage) => stage.Split(':') is ["warmup", var steps] ? Whole(text, "the warm-up steps", steps) : 0;

    /// <summary>
    /// The steps of <paramref name="part"/> epochs; more than a long counts is refused (the product wrapped, and a
    /// decay every 2^62 + 1 epochs of 4 steps became one every 4 steps).
    /// </summary>
    private static long EpochSteps(string text, string part, long stepsPerEpoch)
    {
        var epochs = Whole(text, "the epochs between decays", part);
        return epochs <= long.MaxValue / stepsPerEpoch
            ? epochs * stepsPerEpoch
            : throw Refuse(text, string.Create(CultureInfo.InvariantCulture, $"the epochs between decays must be at most {long.MaxValue / stepsPerEpoch} (at {stepsPerEpoch} steps an epoch), but is {part}"));
    }

    /// <summary>A cosine over the <paramref name="steps"/> the warm-ups leave, summed without overflow (their sum can pass a long).</summary>
    private static LearningRateSchedule Cosine(string text, string[] parts, Int128 steps)
    {
        if (steps < 1)
        {
            throw Refuse(text, "the warm-up takes every step of the run, which leaves none for the cosine decay");
        }

        var floor = parts.Length == 2 ? Decimal(text, "the cosine's floor", parts[1]) : 0;
        if (!(floor >= 0 && floor < 1))
        {
            throw Refuse(text, $"the cosine's floor must be at least 0 and below 1, but is {parts[1]}");
        }

        return LearningRateSchedule.Cosine((long)steps, floor);
    }

    private static double Factor(string text, string part)
    {
        var factor = Decimal(text, "the decay factor", part);
        return factor > 0 && factor <= 1 ? factor : throw Refuse(text, $"the decay factor must be above 0 and at most 1, but is {part}");
    }

    private static long Whole(string text, string what, string part) =>
        long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1
            ? value
            : throw Refuse(text, $"{what} must be a whole number of at least 1, but is '{part}'");

    private static double Decimal(string text, string what, string part) =>
        double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw Refuse(text, $"{what} must be a number, but is '{part}'");

    private static UsageException Refuse(string text, string why) => new($"--schedule {text}: {why}.");
}
