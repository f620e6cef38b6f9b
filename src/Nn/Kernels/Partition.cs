namespace Nn.Kernels;

/// <summary>
/// How a parallel region splits <c>count</c> units of work (rows, slivers, panels, blocks) into contiguous parts:
/// part p of P takes units [Start(count, p, P), Start(count, p + 1, P)). The same split for the same count and part
/// count, whatever thread runs it, which keeps results independent of scheduling.
/// </summary>
internal static class Partition
{
    /// <summary>The first unit of part <paramref name="part"/> of <paramref name="parts"/>: ⌊count · part / parts⌋.</summary>
    /// <param name="count">The units to split, at least 0.</param>
    /// <param name="part">The part, 0 to <paramref name="parts"/> (the last gives <paramref name="count"/>).</param>
    /// <param name="parts">The number of parts, at least 1.</param>
    /// <returns>The start, computed in 64 bits: count · part exceeds <see cref="int.MaxValue"/> for large counts.</returns>
    public static int Start(int count, int part, int parts) => (int)((long)count * part / parts);
}
