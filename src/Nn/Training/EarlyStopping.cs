using System.Globalization;
using System.Numerics;

namespace Nn;

/// <summary>
/// Validation and early stopping: the held-out part of the training data, the best epoch so far, and when a run with
/// <see cref="TrainingOptions.Patience"/> has waited long enough for the validation cost to improve.
/// </summary>
internal static class EarlyStopping
{
    /// <summary>
    /// The samples the run trains on and those it validates on: <paramref name="train"/> split by
    /// <see cref="Dataset.HoldOut{T}"/> with the run's seed, or all of it and none without a validation fraction.
    /// </summary>
    public static (Dataset<T> Fit, Dataset<T>? Validation) Split<T>(Dataset<T> train, TrainingOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (options.ValidationFraction == 0)
        {
            return (train, null);
        }

        var split = Dataset.HoldOut(train, options.ValidationFraction, options.Seed);
        return (split.Train, split.Test);
    }

    /// <summary>
    /// <paramref name="state"/> with its <see cref="TrainingState{T}.Best"/> moved to its last epoch when that epoch's
    /// validation cost is lower than the best one's (the earlier epoch wins a tie); unchanged without patience, and
    /// when the cost is NaN or infinite: the network overflows on a validation sample, so the epoch is no candidate (a
    /// NaN best would be beaten by nothing, and the run would stop early to hand back that network as the best).
    /// </summary>
    public static TrainingState<T> Track<T>(TrainingState<T> state, TrainingOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (options.Patience == 0 || state.LastEpoch?.ValidationCost is not { } cost || !double.IsFinite(cost))
        {
            return state;
        }

        return state.Best is { } best && !(cost < best.ValidationCost)
            ? state
            : state with { Best = new BestEpoch<T>(state.LastEpoch!.Epoch, cost, state.Network) };
    }

    /// <summary>Why the run stops early after <paramref name="state"/>'s last epoch, or null when it goes on.</summary>
    public static string? Exhausted<T>(TrainingState<T> state, TrainingOptions options)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        options.Patience > 0 && state.Best is { } best && state.EpochsCompleted - best.Epoch >= options.Patience
            ? string.Create(
                CultureInfo.InvariantCulture,
                $"stopped early after epoch {state.EpochsCompleted}: the validation cost has not improved for {Counted.Of(options.Patience, "epoch")}; returning the network of the best epoch, {best.Epoch} (validation cost {Divergence.Number(best.ValidationCost)}).")
            : null;
}
