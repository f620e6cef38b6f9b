using System;

namespace Nn.Onnx;

/// <summary>The ONNX operator that computes each built-in activation σ, and the refusal for any other.</summary>
internal static class OnnxOperator
{
    /// <summary>The ONNX op type computing σ element-wise (or row-wise for softmax, with axis −1).</summary>
    /// <param name="activation">σ.</param>
    /// <param name="layer">The layer index, for the error message.</param>
    /// <returns>"Identity", "Sigmoid", "Tanh", "Relu" or "Softmax".</returns>
    /// <exception cref="NotSupportedException">σ is not one of the built-in activations.</exception>
    public static string For(Activation activation, int layer)
    {
        if (activation == Activation.Identity)
        {
            return "Identity";
        }

        if (activation == Activation.Sigmoid)
        {
            return "Sigmoid";
        }

        if (activation == Activation.Tanh)
        {
            return "Tanh";
        }

        if (activation == Activation.Relu)
        {
            return "Relu";
        }

        if (activation == Activation.Softmax)
        {
            return "Softmax";
        }

        throw new NotSupportedException(
            $"layer {layer} uses the activation '{activation.Name}' ({activation.GetType().Name}), which has no ONNX operator; "
            + "ONNX export supports identity, sigmoid, tanh, relu and softmax.");
    }
}
