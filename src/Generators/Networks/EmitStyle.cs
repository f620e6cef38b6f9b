namespace Nn.Generators.Networks;

/// <summary>
/// How an emitter writes the per-layer values and the gradient, fixed when the emitter is made.
/// </summary>
/// <param name="Overwrite">Whether gradient terms are written ("=") rather than added ("+="): WriteSample, the first
/// sample of a batch, writes so that the caller's buffer needs no clearing.</param>
/// <param name="AllSpans">Whether every a^l, z^l and δ^l is a span (a row of a batch buffer on the GEMM path) rather
/// than, for unrolled layers, scalar locals.</param>
internal sealed record EmitStyle(bool Overwrite, bool AllSpans)
{
    /// <summary>The per-sample code that adds into the gradient (AccumulateSample, and everything but backprop).</summary>
    public static readonly EmitStyle Accumulating = new(Overwrite: false, AllSpans: false);

    /// <summary>The per-sample code that writes the gradient (WriteSample).</summary>
    public static readonly EmitStyle Writing = new(Overwrite: true, AllSpans: false);

    /// <summary>The per-row code of the GEMM path, where every value lives in a batch buffer.</summary>
    public static readonly EmitStyle Rows = new(Overwrite: false, AllSpans: true);
}
