using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Numerics;

namespace Nn;

/// <summary>
/// Argument checks shared by every public entry point; each message names the expected and the actual value, written
/// in the invariant culture (a German thread would print -1.5 as "-1,5"). The actual value is in the message only:
/// ArgumentOutOfRangeException would append it again in the thread's culture.
/// </summary>
internal static class Guard
{
    /// <summary>
    /// The message of <paramref name="error"/> without the " (Parameter 'name')" that <see cref="ArgumentException"/>
    /// appends, so that an exception wrapping it with the same parameter name does not say it twice.
    /// </summary>
    /// <remarks>
    /// An <see cref="ArgumentOutOfRangeException"/> given its actual value appends it on a line of its own, after the
    /// suffix ("… (Parameter 'testFraction')" then "Actual value was 1."); that line goes too, so the suffix is found.
    /// </remarks>
    public static string BareMessage(ArgumentException error)
    {
        var message = error.Message;
        if (error is ArgumentOutOfRangeException { ActualValue: not null } && message.LastIndexOf(Environment.NewLine, StringComparison.Ordinal) is var line and >= 0)
        {
            message = message[..line];
        }

        var suffix = error.ParamName is null ? null : $" (Parameter '{error.ParamName}')";
        return suffix is not null && message.EndsWith(suffix, StringComparison.Ordinal) ? message[..^suffix.Length] : message;
    }

    /// <summary>
    /// <paramref name="value"/> when it is an array (not a default ImmutableArray) without a null item; otherwise an
    /// ArgumentException for <paramref name="name"/> that calls the array <paramref name="whole"/>, says what an empty one
    /// means (<paramref name="empty"/>) and calls each item <paramref name="item"/>.
    /// </summary>
    public static ImmutableArray<T> Complete<T>(ImmutableArray<T> value, string name, string whole, string empty, string item)
        where T : class
    {
        if (value.IsDefault)
        {
            throw new ArgumentException($"{whole} must be an array ({empty}), not a default ImmutableArray.", name);
        }

        var missing = value.IndexOf(null!);
        return missing < 0 ? value : throw new ArgumentException($"{item} {missing} is null.", name);
    }

    /// <summary>
    /// Refuses a default <see cref="ImmutableArray{T}"/> passed as a list or a sequence: boxed, it is not null, yet
    /// reading its count or its items throws InvalidOperationException, which would not name <paramref name="name"/>.
    /// </summary>
    /// <remarks>
    /// A sequence of a reference type may be an ImmutableArray of a subtype (C# passes an
    /// ImmutableArray&lt;Conv2DLayer&gt; as an IEnumerable&lt;Layer&gt; by covariance), which is not an
    /// ImmutableArray&lt;T&gt;; its type is asked.
    /// </remarks>
    public static void NotDefault<T>(IEnumerable<T> value, string name)
    {
        if (value is ImmutableArray<T> { IsDefault: true } || (!typeof(T).IsValueType && IsDefaultImmutableArray(value)))
        {
            throw new ArgumentException($"{name} is a default ImmutableArray, which holds no items.", name);
        }
    }

    public static void Length(string name, int expected, int actual)
    {
        if (expected != actual)
        {
            throw new ArgumentException($"{name} must have length {expected}, but has length {actual}.", name);
        }
    }

    /// <summary>Refuses <paramref name="index"/> outside [0, <paramref name="count"/>), naming it, as an indexer refuses one.</summary>
    public static void Index(string name, int index, int count)
    {
        if ((uint)index >= (uint)count)
        {
            ThrowOutside(name, index, count);
        }
    }

    public static void Positive(string name, int value)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, string.Create(CultureInfo.InvariantCulture, $"{name} must be positive, but is {value}."));
        }
    }

    public static void Positive(string name, double value)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, string.Create(CultureInfo.InvariantCulture, $"{name} must be a positive finite number, but is {value}."));
        }
    }

    public static void NonNegative(string name, double value)
    {
        if (!(value >= 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, string.Create(CultureInfo.InvariantCulture, $"{name} must be a non-negative finite number, but is {value}."));
        }
    }

    public static void InRange(string name, double value, double lowInclusive, double highExclusive)
    {
        if (!(value >= lowInclusive && value < highExclusive))
        {
            throw new ArgumentOutOfRangeException(name, string.Create(CultureInfo.InvariantCulture, $"{name} must be in [{lowInclusive}, {highExclusive}), but is {value}."));
        }
    }

    /// <summary>
    /// <see cref="Finite{T}"/> for a whole data set: float and double are checked at the width of the kernel path in
    /// use (a training run's, once it has entered its scope), and only a refusal walks the values one by one.
    /// Network.Forward and the other calls on a bare matrix check all its values this way (a training run does not: a
    /// <see cref="Dataset{T}"/>'s values were checked this way when it was made).
    /// </summary>
    public static void FiniteData<T>(string name, ReadOnlySpan<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if ((typeof(T) == typeof(float) || typeof(T) == typeof(double)) && Kernels.VectorKernels.AllFinite(values))
        {
            return;
        }

        Finite(name, values);
    }

    public static void Finite<T>(string name, ReadOnlySpan<T> values)
        where T : IFloatingPointIeee754<T>
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!T.IsFinite(values[i]))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"{name} must hold finite numbers, but element {i} is {values[i]}."), name);
            }
        }
    }

    private static bool IsDefaultImmutableArray(object value) =>
        value.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(ImmutableArray<>)
        && type.GetProperty(nameof(ImmutableArray<object>.IsDefault))?.GetValue(value) is true;

    // Out of line, so that Index stays small enough to inline into indexers.
    private static void ThrowOutside(string name, int index, int count) =>
        throw new ArgumentOutOfRangeException(name, string.Create(CultureInfo.InvariantCulture, $"{name} must be in 0..{count - 1}, but is {index}."));
}
