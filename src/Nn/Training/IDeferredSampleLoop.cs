namespace Nn;

/// <summary>
/// The sequential per-sample loop of a <see cref="DeferredSgd{T}"/> block, handed to
/// <see cref="DeferredSgdRegions{T}.SamplesAndUpdate"/> so that it can run as one part of a region (on whichever of the
/// pool's threads claims it) while another part computes the Gram matrix rows it reads later.
/// </summary>
internal interface IDeferredSampleLoop
{
    /// <summary>Runs the loop over the block the owner has set up; false when a cost or a parameter became NaN or infinite.</summary>
    bool Run();
}
