using System;
using System.Globalization;
using System.Numerics;

namespace Nn;

/// <summary>The names messages give the element types, as the file formats and ONNX do: float32 and float64.</summary>
internal static class ElementTypes
{
    /// <summary>"float32" for <see cref="float"/>, "float64" for <see cref="double"/>, the type's own name for another.</summary>
    public static string Name<T>()
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? "float32" : typeof(T) == typeof(double) ? "float64" : typeof(T).Name;

    /// <summary>
    /// <paramref name="values"/> converted to <typeparamref name="TOther"/>, each rounded to the nearest value it holds.
    /// A finite value beyond its range (1e300 in float32) would become infinite: it is refused, the message calling it
    /// <paramref name="element"/>(its index), or, when <paramref name="element"/> is null, converted so.
    /// </summary>
    /// <exception cref="OverflowException">A finite value is beyond the range of <typeparamref name="TOther"/>.</exception>
    public static TOther[] Convert<T, TOther>(ReadOnlySpan<T> values, Func<int, string>? element)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOther : unmanaged, IFloatingPointIeee754<TOther>
    {
        var result = new TOther[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = TOther.CreateChecked(values[i]);
            if (element is not null && TOther.IsInfinity(result[i]) && T.IsFinite(values[i]))
            {
                throw new OverflowException(
                    string.Create(CultureInfo.InvariantCulture, $"{element(i)} = {values[i]} is beyond the range of {Name<TOther>()}, where it would be infinite; scale the values first, or keep {Name<T>()}."));
            }
        }

        return result;
    }

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
