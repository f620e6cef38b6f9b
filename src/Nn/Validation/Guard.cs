using System;
using System.Numerics;

namespace Nn;

/// <summary>Argument checks shared by every public entry point; each message names the expected and the actual value.</summary>
internal static class Guard
{
    public static void Length(string name, int expected, int actual)
    {
        if (expected != actual)
        {
            throw new ArgumentException($"{name} must have length {expected}, but has length {actual}.", name);
        }
    }

    public static void Positive(string name, int value)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive, but is {value}.");
        }
    }

    public static void Positive(string name, double value)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a positive finite number, but is {value}.");
        }
    }

    public static void NonNegative(string name, double value)
    {
        if (!(value >= 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a non-negative finite number, but is {value}.");
        }
    }

    public static void InRange(string name, double value, double lowInclusive, double highExclusive)
    {
        if (!(value >= lowInclusive && value < highExclusive))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [{lowInclusive}, {highExclusive}), but is {value}.");
        }
    }

    public static void Finite<T>(string name, ReadOnlySpan<T> values)
        where T : IFloatingPointIeee754<T>
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!T.IsFinite(values[i]))
            {
                throw new ArgumentException(
                    string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{name} must hold finite numbers, but element {i} is {values[i]}."), name);
            }
        }
    }
}
