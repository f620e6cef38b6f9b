using System.Numerics;
using Nn.Kernels;

namespace Nn;

/// <summary>
/// The scratch one layer's passes may overwrite, owned by the <see cref="Workspace{T}"/> of the run: values
/// (for a convolution its im2col matrix and transposed output) and integers (for pooling the argmax of every
/// window), sized by the layer for the workspace's capacity, plus the GEMM path and thread team to use.
/// </summary>
internal sealed record LayerBuffers<T>(T[] Values, int[] Indices, KernelPath Path, GemmTeam<T>? Team)
    where T : unmanaged, IFloatingPointIeee754<T>;
