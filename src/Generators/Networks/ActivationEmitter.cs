using System;
using System.Linq;

namespace Nn.Generators.Networks;

/// <summary>Softmax forward and backward in the per-sample code, and every activation over a whole batch buffer.</summary>
internal sealed class ActivationEmitter(EmitContext context) : CodeEmitter(context)
{
    /// <summary>a_k = e^(z_k − max z) / Σ_j e^(z_j − max z), so no exponent overflows.</summary>
    public void EmitSoftmax(int l)
    {
        w.Line($"// Softmax: a^{l}_k = e^(z_k − max z) / Σ_j e^(z_j − max z).");
        if (InSpan(l) && Layer(l).Outputs >= LongRow)
        {
            w.Line($"var max{l} = global::Nn.Kernels.GeneratedSpans.Max<{T}>(z{l});");
        }
        else if (InSpan(l))
        {
            // A short row's maximum as a scalar loop: the same value (a maximum does not depend on the order), without
            // a TensorPrimitives call whose set-up outweighs a short row's comparisons.
            w.Line($"var max{l} = z{l}[0];");
            using (w.Block($"for (var k = 1; k < {Int(Layer(l).Outputs)}; k++)"))
            {
                w.Line($"max{l} = {T}.Max(max{l}, z{l}[k]);");
            }
        }
        else
        {
            w.Line($"var max{l} = {Z(l, "0")};");
            for (var k = 1; k < Layer(l).Outputs; k++)
            {
                w.Line($"max{l} = {T}.Max(max{l}, {Z(l, Int(k))});");
            }
        }

        ForEach(l, k => Assign(InSpan(l) ? A(l, k) : $"e{l}_{k}", $"{T}.Exp({Z(l, k)} - max{l})"));
        Sum($"sum{l}", l, k => InSpan(l) ? A(l, k) : $"e{l}_{k}");
        ForEach(l, k => Assign(A(l, k), InSpan(l) ? $"{A(l, k)} / sum{l}" : $"e{l}_{k} / sum{l}"));
    }

    /// <summary>
    /// δ^l = a^l ⊙ (g − (g · a^l)) from g = ∂C/∂a^l held in <paramref name="g"/>: softmax's Jacobian
    /// diag(a) − a aᵀ times g, without forming the matrix. Used for hidden softmax layers (the output layer's
    /// version, scaled by 1/m, is in EmitOutputDelta).
    /// </summary>
    public void EmitSoftmaxBackward(int l, Func<string, string> g)
    {
        var projection = Sum($"projection{l}", l, k => $"({g(k)} * {A(l, k)})");
        ForEach(l, k => Assign(D(l, k), $"{A(l, k)} * ({g(k)} - {projection})"));
    }

    /// <summary>A^l = σ(Z^l) in place over a whole batch buffer, with the runtime's vectorised element-wise forms.</summary>
    public void EmitBatchActivation(int l, string span)
    {
        switch (Layer(l).Activation)
        {
            case ActivationKind.Sigmoid:
                w.Line($"// A^{l} = σ(Z^{l}) = 1 / (1 + e^(−Z^{l})), element-wise.");
                w.Line($"global::Nn.Kernels.GeneratedSpans.Sigmoid<{T}>({span}, {span});");
                break;
            case ActivationKind.Tanh:
                w.Line($"// A^{l} = tanh(Z^{l}), element-wise.");
                w.Line($"global::Nn.Kernels.GeneratedSpans.Tanh<{T}>({span}, {span});");
                break;
            case ActivationKind.Relu:
                w.Line($"// A^{l} = max(Z^{l}, 0), element-wise.");
                w.Line($"global::Nn.Kernels.GeneratedSpans.Max<{T}>({span}, {Zero}, {span});");
                break;
            case ActivationKind.Identity:
                w.Line($"// A^{l} = Z^{l}: the identity.");
                break;
            case ActivationKind.Softmax:
                var n = Int(Layer(l).Outputs);
                w.Line($"// A^{l} = softmax(Z^{l}) row by row: a_k = e^(z_k − max z) / Σ_j e^(z_j − max z), so no exponent overflows.");
                using (w.Block("for (var i = 0; i < rows; i++)"))
                {
                    w.Line($"var row = {span}.Slice(i * {n}, {n});");
                    if (Layer(l).Outputs >= LongRow)
                    {
                        w.Line($"var max = global::Nn.Kernels.GeneratedSpans.Max<{T}>(row);");
                    }
                    else
                    {
                        w.Line("var max = row[0];");
                        using (w.Block($"for (var k = 1; k < {n}; k++)"))
                        {
                            w.Line($"max = {T}.Max(max, row[k]);");
                        }
                    }
                    using (w.Block($"for (var k = 0; k < {n}; k++)"))
                    {
                        w.Line($"row[k] = {T}.Exp(row[k] - max);");
                    }

                    w.Line($"var sum = global::Nn.Kernels.GeneratedSpans.Sum<{T}>(row);");
                    using (w.Block($"for (var k = 0; k < {n}; k++)"))
                    {
                        w.Line("row[k] /= sum;");
                    }
                }

                break;
            default:
                throw new InvalidOperationException("unknown activation " + Layer(l).Activation);
        }
    }
}
