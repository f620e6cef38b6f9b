using System;
using System.Numerics;

namespace Nn;

/// <summary>The names messages give the element types, as the file formats and ONNX do: float32 and float64.</summary>
internal static class ElementTypes
{
    /// <summary>"float32" for <see cref="float"/>, "float64" for <see cref="double"/>.</summary>
    public static string Name<T>()
        where T : unmanaged, IFloatingPointIeee754<T> => typeof(T) == typeof(float) ? "float32" : "float64";

    /// <summary>
    /// Refuses an element type other than <see cref="float"/> and <see cref="double"/> (<see cref="Half"/>, say), which
    /// the constraint admits but no kernel has vectors for: the product would otherwise fail later, without naming it.
    /// </summary>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static void Require<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
        {
            throw new NotSupportedException($"networks compute in float (float32) or double (float64), but {typeof(T).FullName} was asked for; convert the values to one of them.");
        }
    }
}
