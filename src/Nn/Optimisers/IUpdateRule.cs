using System.Collections.Immutable;
using System.Numerics;

namespace Nn;

/// <summary>
/// An optimiser rule written outside the library (Optimisers.jl's and Optax's idea of a rule): a value holding its
/// hyperparameters, with an in-place update on buffers the library owns. Wrap it with <see cref="Optimizer.Custom"/>
/// and it gets the pure <see cref="Optimizer.Init{T}"/> and <see cref="Optimizer.Apply{T}"/>, trains with
/// <see cref="Trainer"/>, and checkpoints and resumes like a built-in: the file keeps its name, hyperparameters and
/// moments, and <see cref="CheckpointFile.Load{T}(string, Optimizer)"/> takes the rule back from the caller, checking
/// the name and hyperparameters. Make it an immutable record, so two rules with the same hyperparameters are equal.
/// </summary>
/// <example><code>
/// // signSGD: θ ← θ − η·sign(g)
/// sealed record SignSgd(double LearningRate) : IUpdateRule
/// {
///     public string Name => "sign-sgd";
///     public ImmutableArray&lt;Hyperparameter&gt; Hyperparameters => [new("learning rate η", "η", LearningRate)];
///     public int MomentCount => 0;
///     public void UpdateInPlace&lt;T&gt;(RuleBuffers&lt;T&gt; buffers) where T : unmanaged, IFloatingPointIeee754&lt;T&gt;
///     {
///         var eta = buffers.LearningRate(LearningRate);
///         for (var i = 0; i &lt; buffers.Theta.Length; i++) buffers.Theta[i] -= eta * T.CreateChecked(T.Sign(buffers.Gradient[i]));
///     }
/// }
/// </code></example>
public interface IUpdateRule
{
    /// <summary>The rule's name in files and messages: 1 to 64 ASCII letters, digits and '-', not a built-in's.</summary>
    string Name { get; }

    /// <summary>The hyperparameters (at most 16, finite), in the order a checkpoint stores them.</summary>
    ImmutableArray<Hyperparameter> Hyperparameters { get; }

    /// <summary>How many θ-shaped moment vectors the rule keeps (0 to 16); they start at zero.</summary>
    int MomentCount { get; }

    /// <summary>
    /// One step in place: update <see cref="RuleBuffers{T}.Theta"/> and the moments from the gradient. Use
    /// <see cref="RuleBuffers{T}.LearningRate"/> for η so a schedule applies.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="buffers">θ, ∇θ C, the moments, the step number and the layout.</param>
    void UpdateInPlace<T>(RuleBuffers<T> buffers)
        where T : unmanaged, IFloatingPointIeee754<T>;
}
