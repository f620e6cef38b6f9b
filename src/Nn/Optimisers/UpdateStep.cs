namespace Nn;

/// <summary>
/// What a rule's update needs besides the buffers: the 1-based step number t, the factor s(t) its learning rate is
/// scaled by (1 without a schedule) and the architecture θ belongs to (null when unknown: every entry a weight).
/// </summary>
/// <param name="Number">t, from 1.</param>
/// <param name="Factor">s(t), the schedule's factor; rules use η·s(t).</param>
/// <param name="Architecture">The layout of θ, for rules that treat biases apart.</param>
internal readonly record struct UpdateStep(long Number, double Factor, Architecture? Architecture)
{
    /// <summary>Step <paramref name="number"/> without a schedule.</summary>
    public UpdateStep(long number, Architecture? architecture = null)
        : this(number, 1, architecture)
    {
    }

    /// <summary>η·s(t): the learning rate this step uses.</summary>
    public double LearningRate(double eta) => eta * Factor;
}
