using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nn.Kernels;

/// <summary>
/// Max-pooling's backward pass when 2×2 windows at stride 2 tile the image exactly (LeNet's first pooling): each input
/// value belongs to one window, so each is written once — δ where its window's maximum was, 0 elsewhere — rather than
/// the image cleared and each δ then added at its position one value at a time.
/// </summary>
internal static unsafe partial class PoolingKernels
{
    /// <summary>Windows per step: the 16 inputs of a 512-bit row of floats.</summary>
    private const int SpreadWindows = 8;

    /// <summary>Windows per step where <see cref="SpreadWindows"/> no longer fit: the 8 inputs of a 256-bit row.</summary>
    private const int HalfSpreadWindows = 4;

    /// <summary>
    /// Whether <see cref="SpreadSample"/> runs: float, 2×2 windows at stride 2 tiling the image, and a 256-bit or
    /// 512-bit path on a CPU with AVX2 (the 8-window steps only with AVX-512 on the 512-bit path).
    /// </summary>
    private static bool Tiles<T>(in PoolJob<T> job)
        where T : unmanaged =>
        typeof(T) == typeof(float) && job.Window == 2 && job.Stride == 2 && job.Height == 2 * job.OutputHeight && job.Width == 2 * job.OutputWidth
        && Avx2.IsSupported && KernelCensus.Resolve(KernelPath.Auto) is KernelPath.Vector256 or KernelPath.Vector512;

    /// <summary>Whether <see cref="SpreadSample"/> takes 8 windows a step: the 512-bit path on a CPU with AVX-512.</summary>
    private static bool SpreadsEight => Avx512F.IsSupported && KernelCensus.Resolve(KernelPath.Auto) is KernelPath.Vector512;

    /// <summary>
    /// One sample's image gradient: per pair of input rows, 8 windows at a time — their δ and positions spread to the
    /// 16 columns they cover (each window's twice), and each column given its δ where the window's maximum sat in that
    /// row and column, else 0 (AVX-512 only) — then 4 at a time in 256 bits, then the windows past those one at a time.
    /// Each written value is 0 + δ or 0, the bits the cleared image plus δ gave.
    /// </summary>
    private static void SpreadSample(ref PoolJob<float> job, int n)
    {
        int height = job.Height, width = job.Width, outHeight = job.OutputHeight, outWidth = job.OutputWidth;
        int inputSize = job.Channels * height * width, outputs = job.Channels * outHeight * outWidth;
        var image = job.Image + ((long)n * inputSize);
        var delta = job.Pooled + ((long)n * outputs);
        var argmax = job.Argmax + ((long)n * outputs);
        var corners = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);
        var halfPairs = Vector256.Create(0, 0, 1, 1, 2, 2, 3, 3);
        var halfUpper = Vector256.Create(0, 1, 0, 1, 0, 1, 0, 1);
        var halfLower = halfUpper + Vector256.Create(width);
        var pairs = Vector512.Create(halfPairs, halfPairs + Vector256.Create(4));
        var upperColumns = Vector512.Create(halfUpper, halfUpper);
        var lowerColumns = Vector512.Create(halfLower, halfLower);
        var eights = SpreadsEight ? outWidth / SpreadWindows * SpreadWindows : 0;
        var k = 0;
        for (var c = 0; c < job.Channels; c++)
        {
            for (var i = 0; i < outHeight; i++, k += outWidth)
            {
                var top = ((c * height) + (2 * i)) * width;
                var j = 0;
                for (; j < eights; j += SpreadWindows)
                {
                    var at = top + (2 * j);

                    // Where each window's maximum sits from its top left corner: 0, 1, W or W + 1.
                    var offsets = Vector256.Load(argmax + k + j) - (corners + Vector256.Create(at));
                    var spread = Avx512F.PermuteVar16x32(offsets.ToVector512Unsafe(), pairs);
                    var values = Avx512F.PermuteVar16x32(Vector256.Load(delta + k + j).ToVector512Unsafe(), pairs) + Vector512<float>.Zero;
                    Vector512.ConditionalSelect(Vector512.Equals(spread, upperColumns).AsSingle(), values, Vector512<float>.Zero).Store(image + at);
                    Vector512.ConditionalSelect(Vector512.Equals(spread, lowerColumns).AsSingle(), values, Vector512<float>.Zero).Store(image + at + width);
                }

                // Four windows in 256 bits where eight no longer fit (the whole of LeNet's second pooling's 4-wide rows).
                for (; j + HalfSpreadWindows <= outWidth; j += HalfSpreadWindows)
                {
                    var at = top + (2 * j);
                    var offsets = Vector128.Load(argmax + k + j) - (corners.GetLower() + Vector128.Create(at));
                    var spread = Avx2.PermuteVar8x32(offsets.ToVector256Unsafe(), halfPairs);
                    var values = Avx2.PermuteVar8x32(Vector128.Load(delta + k + j).ToVector256Unsafe(), halfPairs) + Vector256<float>.Zero;
                    Vector256.ConditionalSelect(Vector256.Equals(spread, halfUpper).AsSingle(), values, Vector256<float>.Zero).Store(image + at);
                    Vector256.ConditionalSelect(Vector256.Equals(spread, halfLower).AsSingle(), values, Vector256<float>.Zero).Store(image + at + width);
                }

                for (; j < outWidth; j++)
                {
                    var at = top + (2 * j);
                    image[at] = image[at + 1] = image[at + width] = image[at + width + 1] = 0f;
                    image[argmax[k + j]] += delta[k + j];
                }
            }
        }
    }
}
