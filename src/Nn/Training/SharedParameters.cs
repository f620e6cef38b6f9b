using System;

namespace Nn;

/// <summary>
/// θ and θ' of a sharded data-parallel step held where every rank reads them (the shared memory of one machine):
/// each rank writes its block (<see cref="DataParallel.Block"/>) of θ' in place, and after <see cref="Publish"/> every
/// rank reads the whole of it, so the step needs no all-gather of θ'. Made by
/// <see cref="IDataParallelGroup.ShareParameters"/>; the group owns the memory.
/// </summary>
/// <remarks>
/// A step reads θ (<see cref="Current"/>) and publishes θ' (<see cref="Publish"/>); <see cref="Accept"/> makes θ' the θ
/// read next. No rank writes a buffer that another may still read: a rank writes its block of θ' only after the barrier
/// of the step before, which every rank enters after its last read of that buffer (then θ). So every read of θ in a
/// step must come before its <see cref="Publish"/>.
/// </remarks>
internal interface ISharedParameters
{
    /// <summary>The first of the vector's elements of θ, read by every rank.</summary>
    IntPtr Current { get; }

    /// <summary>
    /// Writes this rank's block of θ' where the others read it, waits until every rank has written its block, and
    /// replaces <paramref name="totals"/> by their sum over the ranks (the same bits everywhere). The block is made in
    /// the rank's own memory and copied here in one pass: the memory every rank reads is written at a cost per cache
    /// line that another rank has read, which an update's ordinary stores would pay one line at a time.
    /// </summary>
    /// <param name="block">This rank's block of θ' as bytes.</param>
    /// <param name="offset">Where the block starts in the vector, in bytes.</param>
    /// <param name="totals">This rank's totals (the step's cost and verdict).</param>
    void Publish(ReadOnlySpan<byte> block, long offset, Span<double> totals);

    /// <summary>Makes θ' the new θ; every rank calls it after the same steps.</summary>
    void Accept();
}
