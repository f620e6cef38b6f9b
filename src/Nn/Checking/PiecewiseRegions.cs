using System;
using System.Collections.Immutable;
using System.Numerics;

namespace Nn;

/// <summary>
/// The smooth piece of the cost that one forward pass lies in: for every layer whose activation has kinks, where each
/// z of the batch sits against them, and every choice a layer made (a max-pool's maximum). A central difference is a
/// derivative only when both of its points lie in the same piece as θ: a ReLU input that crosses 0 inside the step, or
/// a pooling window whose maximum changes, adds a jump in slope that no backpropagation computes, and the check would
/// blame correct code (or excuse wrong code). The pieces are read from the workspace the forward pass filled.
/// </summary>
internal sealed class PiecewiseRegions<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Architecture architecture;
    private readonly int rows;
    private readonly int[]?[] sides;
    private readonly int[]?[] choices;

    private PiecewiseRegions(Architecture architecture, int rows, int[]?[] sides, int[]?[] choices)
    {
        this.architecture = architecture;
        this.rows = rows;
        this.sides = sides;
        this.choices = choices;
    }

    /// <summary>Whether no layer has a kink or makes a choice, so that every central difference lies in one piece.</summary>
    public bool IsSmooth => Array.TrueForAll(sides, s => s is null) && Array.TrueForAll(choices, c => c is null);

    /// <summary>The piece of the forward pass over <paramref name="rows"/> samples that <paramref name="workspace"/> holds.</summary>
    public static PiecewiseRegions<T> Of(Architecture architecture, Workspace<T> workspace, int rows)
    {
        var stack = architecture.Stack;
        var sides = new int[]?[stack.Length];
        var choices = new int[]?[stack.Length];
        for (var l = 0; l < stack.Length; l++)
        {
            var kinks = stack[l].Activation.Kinks;
            if (!kinks.IsEmpty)
            {
                var z = Z(architecture, workspace, l, rows);
                sides[l] = new int[z.Length];
                for (var i = 0; i < z.Length; i++)
                {
                    sides[l]![i] = Side(z[i], kinks);
                }
            }

            var made = stack[l].Choices(workspace.Buffers[l], rows);
            choices[l] = made.IsEmpty ? null : made.ToArray();
        }

        return new PiecewiseRegions<T>(architecture, rows, sides, choices);
    }

    /// <summary>Whether the forward pass <paramref name="workspace"/> now holds lies in this piece: every z on the same side of every kink, every choice the same.</summary>
    public bool Contains(Workspace<T> workspace)
    {
        for (var l = 0; l < sides.Length; l++)
        {
            if (sides[l] is { } expected)
            {
                var kinks = architecture.Stack[l].Activation.Kinks;
                var z = Z(architecture, workspace, l, rows);
                for (var i = 0; i < z.Length; i++)
                {
                    if (Side(z[i], kinks) != expected[i])
                    {
                        return false;
                    }
                }
            }

            if (choices[l] is { } made && !architecture.Stack[l].Choices(workspace.Buffers[l], rows).SequenceEqual(made))
            {
                return false;
            }
        }

        return true;
    }

    private static ReadOnlySpan<T> Z(Architecture architecture, Workspace<T> workspace, int layer, int rows) =>
        workspace.Z[layer].AsSpan(0, rows * architecture.Stack[layer].OutputShape.Size);

    /// <summary>
    /// Twice the number of kinks below z plus the number equal to it: the same code for two values exactly when no kink
    /// lies between them and neither sits on one the other does not, whatever order the kinks are listed in.
    /// </summary>
    private static int Side(T value, ImmutableArray<double> kinks)
    {
        var z = double.CreateChecked(value);
        var code = 0;
        foreach (var kink in kinks)
        {
            code += z > kink ? 2 : z == kink ? 1 : 0;
        }

        return code;
    }
}
