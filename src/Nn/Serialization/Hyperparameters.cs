namespace Nn;

/// <summary>
/// The hyperparameters of the rules a checkpoint can store, named and in the order the file stores them; the names
/// are what a <see cref="CheckpointMismatchException"/> reports.
/// </summary>
internal static class Hyperparameters
{
    /// <summary>The rule's hyperparameters, or null when the rule is not sgd, momentum or adam.</summary>
    public static (string Name, double Value)[]? TryOf(Optimizer optimizer) => optimizer switch
    {
        Sgd sgd => [("learning rate η", sgd.LearningRate)],
        Momentum momentum => [("learning rate η", momentum.LearningRate), ("momentum coefficient μ", momentum.Coefficient)],
        Adam adam => [("learning rate η", adam.LearningRate), ("Adam β₁", adam.Beta1), ("Adam β₂", adam.Beta2), ("Adam ε", adam.Epsilon)],
        null => throw new System.ArgumentNullException(nameof(optimizer)),
        _ => null,
    };
}
