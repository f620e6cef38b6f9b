using System;
using System.Numerics;
using Nn.Kernels;

namespace Nn;

// The convolution and the max-pooling above it as one pass each way, in a training step that fuses them.
public sealed partial record Conv2DLayer
{
    /// <summary>
    /// Whether a training step runs this layer and <paramref name="next"/> as one pass each way
    /// (<see cref="ForwardPooled{T}"/>, <see cref="BackwardPooled{T}"/>) on <paramref name="path"/>: a convolution with
    /// ReLU under max-pooling that runs with the filters as lanes, or runs directly and needs no input gradient
    /// (<paramref name="first"/>: its input is data), the direct form having no fused input gradient. Only ReLU's σ' at a
    /// window's maximum can be read off the pooled a, so other activations keep the separate passes.
    /// </summary>
    internal bool FusesWith(Layer next, KernelPath path, bool first) =>
        next is MaxPool2DLayer && Activation == Activation.Relu
        && ((first && DirectConvolution.Suits(Geometry)) || FilterLanesConvolution.Suits(path, Geometry));

    /// <summary>
    /// The pooling layer's z, a and argmax straight from the input, each sample's z and a of this layer kept only in the
    /// scratch: bit for bit this layer's forward pass and then the pooling's (<see cref="FusesWith"/> must hold). This
    /// layer's own z and a are not written.
    /// </summary>
    internal void ForwardPooled<T>(
        ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, int rows, MaxPool2DLayer pooling, Span<T> pooledZ, Span<T> pooledA, Span<int> argmax, LayerBuffers<T> buffers)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var bias = HasBias ? parameters.Slice(WeightCount, Filters) : ReadOnlySpan<T>.Empty;
        ConvolutionPasses.ForwardPooled(
            buffers.Path, buffers.Team?.Pool, parameters.Slice(0, WeightCount), bias, input, rows, Geometry, Filters, Activation.SampleSteps<T>(), Sizes(pooling), pooledZ, pooledA, argmax, buffers.Values);
    }

    /// <summary>
    /// This layer's gradient block from the pooling layer's δ (overwritten), the a and argmax of <see cref="ForwardPooled{T}"/>,
    /// and ∂C/∂a of the layer below into <paramref name="inputGradient"/> unless it is empty (a first layer): bit for bit
    /// the pooling's backward pass and then this layer's, handed ∂C/∂a.
    /// </summary>
    internal void BackwardPooled<T>(
        ReadOnlySpan<T> parameters,
        ReadOnlySpan<T> input,
        int rows,
        MaxPool2DLayer pooling,
        Span<T> pooledDelta,
        ReadOnlySpan<T> pooledA,
        ReadOnlySpan<int> argmax,
        Span<T> gradient,
        bool accumulate,
        Span<T> inputGradient,
        LayerBuffers<T> buffers)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var biasGradient = HasBias ? gradient.Slice(WeightCount, Filters) : Span<T>.Empty;
        ConvolutionPasses.BackwardPooled(
            buffers.Path,
            buffers.Team?.Pool,
            parameters.Slice(0, WeightCount),
            input,
            rows,
            Geometry,
            Filters,
            Activation.SampleSteps<T>(),
            Sizes(pooling),
            pooledDelta,
            pooledA,
            argmax,
            gradient.Slice(0, WeightCount),
            biasGradient,
            accumulate,
            inputGradient,
            buffers.Values);
    }

    private static PoolingKernels.Sizes Sizes(MaxPool2DLayer pooling) => new(pooling.InputShape, pooling.Window, pooling.Stride, pooling.OutputShape);
}
