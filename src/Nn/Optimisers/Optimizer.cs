using System;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Numerics;

namespace Nn;

/// <summary>
/// A first-order optimiser rule: a record of hyperparameters (validated when the rule is made) and two functions,
/// <see cref="Init{T}"/> (parameters → state) and <see cref="Apply{T}"/> ((state, parameters, gradient) → (state', parameters')),
/// with <see cref="Step{T}"/> doing the same on a whole network.
/// The built-in rules are listed in <see cref="OptimizerKinds.All"/>; a rule of your own is an <see cref="IUpdateRule"/>
/// wrapped by <see cref="Custom"/>, and any rule takes a learning-rate schedule with <see cref="WithSchedule"/>.
/// </summary>
/// <example><code>
/// var rule = new Adam(LearningRate: 1e-3);
/// var state = rule.Init(network.Parameters);
/// var (next, parameters) = rule.Apply(state, network.Parameters, gradient);
/// </code></example>
public abstract record Optimizer
{
    /// <summary>The rule's name as the command line spells it.</summary>
    public abstract string Name { get; }

    /// <summary>How many parameter-shaped moment vectors the state keeps (0 for SGD, 1 for momentum, 2 for Adam).</summary>
    public abstract int MomentCount { get; }

    /// <summary>
    /// The hyperparameters, in the order a checkpoint stores them. A checkpoint records them as numbers and a resumed
    /// run must give the same ones.
    /// </summary>
    public abstract ImmutableArray<Hyperparameter> Hyperparameters { get; }

    /// <summary>
    /// The learning-rate schedule s(t) that scales η at step t (<see cref="LearningRateSchedule.Constant"/> unless the
    /// rule came from <see cref="WithSchedule"/>).
    /// </summary>
    public virtual LearningRateSchedule Schedule => LearningRateSchedule.Constant;

    /// <summary>The rule without its schedule: itself, unless it came from <see cref="WithSchedule"/>.</summary>
    public virtual Optimizer WithoutSchedule => this;

    /// <summary>
    /// This rule with its learning rate scaled by <paramref name="schedule"/>: step t uses η·s(t).
    /// </summary>
    /// <param name="schedule">s(t); <see cref="LearningRateSchedule.Warmup"/> hands over to another schedule.</param>
    /// <returns>The scheduled rule; checkpoints record the schedule with the rule.</returns>
    /// <exception cref="ArgumentException">The rule already has a schedule.</exception>
    /// <example><code>
    /// var rule = new Adam(1e-3).WithSchedule(LearningRateSchedule.Warmup(100, LearningRateSchedule.Cosine(900)));
    /// </code></example>
    public Optimizer WithSchedule(LearningRateSchedule schedule) => new ScheduledOptimizer(this, schedule);

    /// <summary>A rule written outside the library, usable wherever a built-in one is (training, checkpoints, resuming).</summary>
    /// <param name="rule">The rule: its name, hyperparameters, moment count and in-place update.</param>
    /// <returns>The rule as an <see cref="Optimizer"/>.</returns>
    /// <example><code>
    /// var rule = Optimizer.Custom(new SignSgd(LearningRate: 0.01));
    /// </code></example>
    public static Optimizer Custom(IUpdateRule rule) => new CustomOptimizer(rule);

    /// <summary>
    /// Refuses a built-in rule whose hyperparameter is not 0 but rounds to 0 in <typeparamref name="T"/>, or is
    /// infinite there: η = 1e-50 in float would leave every step without effect and the run would still complete,
    /// and η = 1e39 would turn θ into NaN. Rules written outside the library convert their own numbers.
    /// </summary>
    /// <exception cref="ArgumentException">A hyperparameter does not fit <typeparamref name="T"/>.</exception>
    internal void EnsureFits<T>(string? paramName)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (WithoutSchedule is CustomOptimizer)
        {
            return;
        }

        foreach (var hyperparameter in WithoutSchedule.Hyperparameters)
        {
            var value = T.CreateChecked(hyperparameter.Value);
            if (hyperparameter.Value != 0 && (value == T.Zero || !T.IsFinite(value)))
            {
                throw new ArgumentException(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"the {Name} rule's {hyperparameter.Name} = {hyperparameter.Value} is {(value == T.Zero ? "0" : "infinite")} in {ElementTypes.Name<T>()}, the network's numbers; choose a value {ElementTypes.Name<T>()} can hold, or train in float64."),
                    paramName);
            }
        }

        EnsureRangeFits<T>(paramName);
    }

    /// <summary>
    /// Refuses a built-in rule whose hyperparameter rounds in <typeparamref name="T"/> onto a value the rule itself
    /// refuses: β₂ = 0.99999999999 is 1 in float, where the second moment would never move and the steps would grow
    /// until the run "diverged", though β₂ = 1 typed as such is refused when the rule is made.
    /// </summary>
    private void EnsureRangeFits<T>(string? paramName)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (OptimizerKinds.Find(Name) is not { } kind)
        {
            return;
        }

        var values = WithoutSchedule.Hyperparameters.Select(h => h.Value).ToArray();
        for (var i = 0; i < values.Length; i++)
        {
            var rounded = double.CreateChecked(T.CreateChecked(values[i]));
            if (rounded == values[i])
            {
                continue;
            }

            var one = (double[])values.Clone();
            one[i] = rounded;
            try
            {
                kind.Make(one);
            }
            catch (ArgumentException e)
            {
                var type = ElementTypes.Name<T>();
                throw new ArgumentException(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"the {Name} rule's {kind.Hyperparameters[i].Name} = {values[i]} is {rounded} in {type}, the network's numbers, which the rule refuses ({Guard.BareMessage(e)}); choose a value {type} can tell from that limit, or train in float64."),
                    paramName);
            }
        }
    }

    /// <summary>The state before the first step: step 0 and zero moments.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="parameters">θ, for the moments' length.</param>
    /// <returns>The initial state.</returns>
    public OptimizerState<T> Init<T>(ParameterVector<T> parameters)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var moments = ImmutableArray.CreateBuilder<ParameterVector<T>>(MomentCount);
        for (var i = 0; i < MomentCount; i++)
        {
            moments.Add(ParameterVector<T>.Zeros(parameters.Length));
        }

        return new OptimizerState<T>(0, moments.MoveToImmutable());
    }

    /// <summary>One step: the new state and the new parameters. Neither argument is changed.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="state">
    /// The state from <see cref="Init{T}"/> or a previous step; moments holding NaN or ±∞, or a negative element in
    /// a mean or sum of squares (Adam's v, AdaGrad's G, RMSProp's E), are refused naming the moment.
    /// </param>
    /// <param name="parameters">θ, finite.</param>
    /// <param name="gradient">∇θ C, same length, finite.</param>
    /// <param name="architecture">
    /// The architecture θ belongs to, which says which entries are biases (AdamW does not decay them); null treats
    /// every entry as a weight. <see cref="Step{T}"/> passes the network's.
    /// </param>
    /// <returns>(state', θ').</returns>
    public OptimizerStep<T> Apply<T>(OptimizerState<T> state, ParameterVector<T> parameters, ParameterVector<T> gradient, Architecture? architecture = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(gradient);
        Guard.Length(nameof(gradient), parameters.Length, gradient.Length);
        // A network's θ is always finite, but Apply takes a bare vector: NaN in it would come back as NaN θ' unremarked.
        Guard.FiniteData(nameof(parameters), parameters.AsSpan());
        Guard.Finite(nameof(gradient), gradient.AsSpan());
        if (architecture is not null)
        {
            Guard.Length(nameof(parameters), architecture.ParameterCount, parameters.Length);
        }

        if (state.Moments.Length != MomentCount)
        {
            throw new ArgumentException($"state must hold {MomentCount} moment vectors for {Name}, but holds {state.Moments.Length}.", nameof(state));
        }

        EnsureFits<T>(paramName: null);

        var moments = new T[MomentCount][];
        for (var i = 0; i < MomentCount; i++)
        {
            Guard.Length($"state.Moments[{i}]", parameters.Length, state.Moments[i].Length);
            EnsureReachable(i, state.Moments[i].AsSpan(), $"state.Moments[{i}]");
            moments[i] = state.Moments[i].ToArray();
        }

        var theta = parameters.ToArray();
        var step = state.Step + 1;
        UpdateInPlace(new UpdateStep(step, architecture), theta, gradient.AsSpan(), moments);
        var builder = ImmutableArray.CreateBuilder<ParameterVector<T>>(MomentCount);
        foreach (var moment in moments)
        {
            builder.Add(ParameterVector<T>.Own(moment));
        }

        return new OptimizerStep<T>(new OptimizerState<T>(step, builder.MoveToImmutable()), ParameterVector<T>.Own(theta));
    }

    /// <summary>
    /// One step on a network: (state, network) → (state', network'), the network carrying θ' = the rule applied to
    /// its parameters. The same as <see cref="Apply{T}"/> followed by <see cref="Network{T}.WithParameters"/>.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="state">The state from <see cref="Init{T}"/> or a previous step, checked as <see cref="Apply{T}"/> checks it.</param>
    /// <param name="network">The network whose parameters θ the step moves.</param>
    /// <param name="gradient">∇θ C in the network's parameter layout, finite.</param>
    /// <returns>The new state and the new network; neither argument is changed.</returns>
    /// <example><code>
    /// var gradient = Backprop.Gradient(network, Loss.Quadratic, inputs, targets).Gradient;
    /// var (state1, network1) = rule.Step(rule.Init(network.Parameters), network, gradient);
    /// </code></example>
    public NetworkStep<T> Step<T>(OptimizerState<T> state, Network<T> network, ParameterVector<T> gradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        var step = Apply(state, network.Parameters, gradient, network.Architecture);
        return new NetworkStep<T>(step.State, network.WithParameters(step.Parameters));
    }

    /// <summary>
    /// The update itself, in place on buffers the caller owns: θ and the moments. <see cref="Apply{T}"/> and the
    /// training loop both call it, so the pure and the allocation-free paths compute identical numbers.
    /// </summary>
    /// <param name="step">The 1-based number of this step, the schedule's factor and the layout of θ.</param>
    /// <param name="theta">θ, updated.</param>
    /// <param name="gradient">∇θ C.</param>
    /// <param name="moments">The moment buffers, updated.</param>
    internal abstract void UpdateInPlace<T>(UpdateStep step, Span<T> theta, ReadOnlySpan<T> gradient, T[][] moments)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>
    /// The same update written into <paramref name="next"/> and <paramref name="nextMoments"/>, leaving
    /// <paramref name="theta"/> and <paramref name="moments"/> as they were (each output may be its input itself),
    /// so the training loop can keep the last finite θ and the moments that go with it without copying them every
    /// step. Rules whose update reads each element once override it with a single pass that also checks θ'; the
    /// default copies θ and the moments, updates the copies and checks θ'.
    /// </summary>
    /// <param name="step">The 1-based number of this step, the schedule's factor and the layout of θ.</param>
    /// <param name="theta">θ, unchanged.</param>
    /// <param name="gradient">∇θ C.</param>
    /// <param name="moments">The moment buffers before the step, unchanged unless they are <paramref name="nextMoments"/>.</param>
    /// <param name="nextMoments">Receive the moments after the step.</param>
    /// <param name="next">Receives θ'.</param>
    /// <returns>Whether every element of θ' is finite.</returns>
    internal virtual bool UpdateInto<T>(UpdateStep step, ReadOnlySpan<T> theta, ReadOnlySpan<T> gradient, T[][] moments, T[][] nextMoments, Span<T> next)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        theta.CopyTo(next);
        for (var i = 0; i < moments.Length; i++)
        {
            moments[i].AsSpan().CopyTo(nextMoments[i]);
        }

        UpdateInPlace(step, next, gradient, nextMoments);
        return Kernels.VectorKernels.AllFinite<T>(next.Slice(0, theta.Length));
    }

    /// <summary>
    /// Whether <see cref="UpdateRangeInto"/> is available: element i of θ' and of the moments after the step depends
    /// on element i of θ, ∇θ C and the moments alone, so disjoint ranges can be updated on different threads.
    /// </summary>
    internal virtual bool UpdatesByRange => false;

    /// <summary>
    /// <see cref="UpdateInto"/> on elements <paramref name="from"/> … <paramref name="to"/> − 1 only (the spans are
    /// the whole vectors); for rules with <see cref="UpdatesByRange"/>. Each element gets the operations the
    /// whole-vector update gives it, so a split update equals an unsplit one bit for bit. Element 0 of each moment
    /// buffer stands for element momentStart of θ: 0 when the buffers are whole vectors, the start of a block when a
    /// rank keeps the moments of its block of θ only (<see cref="DataParallelSteps{T}"/>).
    /// </summary>
    /// <returns>Whether every element of θ' in the range is finite.</returns>
    internal virtual bool UpdateRangeInto<T>(UpdateStep step, int from, int to, ReadOnlySpan<T> theta, ReadOnlySpan<T> gradient, T[][] moments, T[][] nextMoments, Span<T> next, int momentStart = 0)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        throw new NotSupportedException($"{Name} updates θ as a whole.");

    /// <summary>
    /// Refuses a moment no run of this rule reaches: one holding NaN or ±∞, or a negative element in a moment kept
    /// as a sum or mean of squares (<see cref="SquaresMoment"/>). The step would take the square root of it, so θ'
    /// would be NaN and a training run would report divergence, blaming the step rather than the state it was given.
    /// </summary>
    /// <param name="index">Which moment, for <see cref="SquaresMoment"/>.</param>
    /// <param name="moment">Its values.</param>
    /// <param name="name">The argument's name in the message, e.g. "state.Moments[1]".</param>
    internal void EnsureReachable<T>(int index, ReadOnlySpan<T> moment, string name)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Guard.FiniteData(name, moment);
        if (SquaresMoment(index) is not { } squares)
        {
            return;
        }

        for (var j = 0; j < moment.Length; j++)
        {
            if (moment[j] < T.Zero)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"{name} must hold {squares}, but element {j} is {moment[j]}."), name);
            }
        }
    }

    /// <summary>
    /// For checkpoint checks: a description of moment <paramref name="index"/> when it is a sum or mean of squares
    /// (never negative), such as "Adam's second moment v"; null when it may take any sign.
    /// </summary>
    internal virtual string? SquaresMoment(int index) => null;

    /// <summary>
    /// The rule's name (a scheduled rule adds its schedule). Sealed because a derived record would otherwise print
    /// itself member by member, and <see cref="WithoutSchedule"/> returning the rule itself made that recurse until
    /// the stack ran out.
    /// </summary>
    /// <returns>The name, e.g. "adam", or "adam with cosine over 900 steps to 0".</returns>
    public sealed override string ToString() => Description;

    /// <summary>What <see cref="ToString"/> prints: the name unless a derived rule says more.</summary>
    private protected virtual string Description => Name;
}
