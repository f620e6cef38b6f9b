using System.Numerics;

namespace Nn;

/// <summary>
/// A multiply node of a computational graph, out = x·y, as an immutable value that remembers its inputs:
/// the backward pass sends d(out)·y to x and d(out)·x to y.
/// </summary>
/// <typeparam name="T">The number type.</typeparam>
/// <param name="X">The first input.</param>
/// <param name="Y">The second input.</param>
/// <example><code>
/// var apples = MultiplyNode.Forward(100.0, 2.0);       // 200
/// var (dPrice, dCount) = apples.Backward(1.1);         // (2.2, 110)
/// </code></example>
public sealed record MultiplyNode<T>(T X, T Y)
    where T : INumber<T>
{
    /// <summary>x·y.</summary>
    public T Output => X * Y;

    /// <summary>The local gradients times the upstream one: (d(out)·y, d(out)·x).</summary>
    /// <param name="gradientOutput">∂C/∂out.</param>
    /// <returns>(∂C/∂x, ∂C/∂y).</returns>
    public NodeGradients<T> Backward(T gradientOutput) => new(gradientOutput * Y, gradientOutput * X);

    /// <summary>The members as the compiler prints them, with numbers in the invariant culture (not "1,5" under de-DE).</summary>
    /// <returns>The record's text, whatever the current culture.</returns>
    public override string ToString() => InvariantRecord.Text(nameof(MultiplyNode<>), PrintMembers);
}

/// <summary>An add node, out = x + y: the backward pass sends d(out) unchanged to both inputs.</summary>
/// <typeparam name="T">The number type.</typeparam>
/// <param name="X">The first input.</param>
/// <param name="Y">The second input.</param>
/// <example><code>
/// var total = AddNode.Forward(200.0, 450.0);           // 650
/// var (dApples, dOranges) = total.Backward(1.1);       // (1.1, 1.1)
/// </code></example>
public sealed record AddNode<T>(T X, T Y)
    where T : INumber<T>
{
    /// <summary>x + y.</summary>
    public T Output => X + Y;

    /// <summary>(d(out), d(out)).</summary>
    /// <param name="gradientOutput">∂C/∂out.</param>
    /// <returns>(∂C/∂x, ∂C/∂y).</returns>
    public NodeGradients<T> Backward(T gradientOutput) => new(gradientOutput, gradientOutput);

    /// <summary>The members as the compiler prints them, with numbers in the invariant culture (not "1,5" under de-DE).</summary>
    /// <returns>The record's text, whatever the current culture.</returns>
    public override string ToString() => InvariantRecord.Text(nameof(AddNode<>), PrintMembers);
}

/// <summary>The gradients a node sends back to its two inputs.</summary>
/// <typeparam name="T">The number type.</typeparam>
/// <param name="X">∂C/∂x.</param>
/// <param name="Y">∂C/∂y.</param>
public sealed record NodeGradients<T>(T X, T Y)
    where T : INumber<T>
{
    /// <summary>The members as the compiler prints them, with numbers in the invariant culture (not "1,5" under de-DE).</summary>
    /// <returns>The record's text, whatever the current culture.</returns>
    public override string ToString() => InvariantRecord.Text(nameof(NodeGradients<>), PrintMembers);
}

/// <summary>Factories that infer the number type: <c>MultiplyNode.Forward(100.0, 2.0)</c>.</summary>
public static class MultiplyNode
{
    /// <summary>The node computing x·y.</summary>
    /// <typeparam name="T">The number type.</typeparam>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <returns>The node; its <see cref="MultiplyNode{T}.Output"/> is x·y.</returns>
    public static MultiplyNode<T> Forward<T>(T x, T y)
        where T : INumber<T> => new(x, y);
}

/// <summary>Factories that infer the number type: <c>AddNode.Forward(200.0, 450.0)</c>.</summary>
public static class AddNode
{
    /// <summary>The node computing x + y.</summary>
    /// <typeparam name="T">The number type.</typeparam>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <returns>The node; its <see cref="AddNode{T}.Output"/> is x + y.</returns>
    public static AddNode<T> Forward<T>(T x, T y)
        where T : INumber<T> => new(x, y);
}
