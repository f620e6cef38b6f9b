using System.Numerics;

namespace Nn.Kernels;

/// <summary>
/// Scalar functions whose textbook form loses accuracy, in forms that keep it, for the library's losses and for the
/// code generated for a declared network (<see cref="NetworkAttribute"/>), so both compute the same bits.
/// </summary>
/// <example><code>
/// var tail = StableScalars.LogOnePlus(Math.Exp(-40));   // 4.248354255291589E-18, where Math.Log(1 + Math.Exp(-40)) is 0
/// </code></example>
public static class StableScalars
{
    /// <summary>
    /// ln(1 + x) to within a few units in the last place, for x from −1 up: the digits of a small x that 1 + x rounds
    /// away are kept, where .NET's <c>LogP1</c>, which computes ln(1 + x) as written, returns 0 once x is at most half
    /// an ulp of 1 (e^−37 as a double, e^−17 as a float).
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">The argument: −1 gives −∞, below −1 or NaN gives NaN, +∞ gives +∞.</param>
    /// <returns>ln(1 + x).</returns>
    public static T LogOnePlus<T>(T x)
        where T : IFloatingPointIeee754<T>
    {
        // Where 1 + x rounds to u ≠ 1, ln(u)·x/(u − 1) undoes that rounding (theorem 4 of Goldberg's "What every
        // computer scientist should know about floating-point arithmetic"); where it rounds to 1, ln(1 + x) is x.
        var u = T.One + x;
        if (u == T.One)
        {
            return x;
        }

        return T.IsPositiveInfinity(u) ? u : T.Log(u) * (x / (u - T.One));
    }
}
