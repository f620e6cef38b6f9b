using System;
using System.Linq;

namespace Nn.Generators.Networks;

/// <summary>
/// The backward equations of a dense layer in the per-sample code: equations 4 and 3 (its weight and bias
/// gradients) and equation 2 (δ of the layer below). Layers with at most <see cref="LayerModel.UnrollLimit"/>
/// weights get one scalar statement per weight; larger ones fixed-bound loops over the rows of W^l whose bodies
/// call the library's SIMD kernels.
/// </summary>
internal sealed class DenseLayerEmitter(EmitContext context) : CodeEmitter(context)
{
    /// <summary>Equations 4 and 3 of layer l: ∂C/∂W^l += δ^l (a^(l−1))ᵀ and ∂C/∂b^l += δ^l.</summary>
    public void EmitLayerGradient(int l)
    {
        var layer = Layer(l);
        w.Line($"// Equation 4: ∂C/∂W^{l} = δ^{l} (a^{l - 1})ᵀ, i.e. ∂C/∂W^{l}_jk = a^{l - 1}_k δ^{l}_j.");
        if (l == 1 && DeferFirstLayer)
        {
            w.Line("// Layer 1's rows are long: hand δ^1 to the caller, which applies this equation per block of samples (AccumulateFirstLayer).");
            w.Line("d1.CopyTo(delta1);");
        }
        else if (layer.IsUnrolled)
        {
            for (var j = 0; j < layer.Outputs; j++)
            {
                for (var k = 0; k < layer.Inputs; k++)
                {
                    w.Line($"g[{Int(layer.WeightOffset + (j * layer.Inputs) + k)}] {Into} {D(l, Int(j))} * {A(l - 1, Int(k))};");
                }
            }
        }
        else
        {
            using (w.Block($"for (var j = 0; j < {layer.Outputs}; j++)"))
            {
                w.Line($"var row = g.Slice(Weights{l}Offset + (j * {layer.Inputs}), {layer.Inputs});");
                SkipInactive(l, Style.Overwrite ? "row.Clear();" : null);
                w.Line(Style.Overwrite ? ScaleCall(layer, ASpan(l - 1), $"d{l}[j]", "row") : AddScaledCall(layer, ASpan(l - 1), $"d{l}[j]", "row"));
            }
        }

        if (!layer.HasBias)
        {
            return;
        }

        w.Line();
        w.Line($"// Equation 3: ∂C/∂b^{l} = δ^{l}.");
        if (layer.IsUnrolled)
        {
            for (var j = 0; j < layer.Outputs; j++)
            {
                w.Line($"g[{Int(layer.BiasOffset + j)}] {Into} {D(l, Int(j))};");
            }
        }
        else
        {
            using (w.Block($"for (var j = 0; j < {layer.Outputs}; j++)"))
            {
                w.Line($"g[Bias{l}Offset + j] {Into} d{l}[j];");
            }
        }
    }

    /// <summary>Equation 2 from layer l down to l − 1: δ^(l−1) = ((W^l)ᵀ δ^l) ⊙ σ'(z^(l−1)).</summary>
    public void EmitPropagate(int l)
    {
        var layer = Layer(l);
        var below = Layer(l - 1);
        var softmax = below.Activation == ActivationKind.Softmax;
        w.Line(softmax
            ? $"// Equation 2 through softmax's Jacobian: with g = (W^{l})ᵀ δ^{l}, δ^{l - 1}_k = a^{l - 1}_k (g_k − Σ_j a^{l - 1}_j g_j)."
            : $"// Equation 2: δ^{l - 1} = ((W^{l})ᵀ δ^{l}) ⊙ σ'(z^{l - 1}).");
        if (layer.IsUnrolled)
        {
            // Under softmax, g is written first (into δ^(l−1)'s span, or into locals g{l−1}_k) and the Jacobian applied after.
            string G(string k) => InSpan(l - 1) ? D(l - 1, k) : $"g{l - 1}_{k}";
            for (var k = 0; k < layer.Inputs; k++)
            {
                var terms = Enumerable.Range(0, layer.Outputs).Select(j => $"p[{Int(layer.WeightOffset + (j * layer.Inputs) + k)}] * {D(l, Int(j))}");
                var sum = $"({string.Join(" + ", terms)})";
                Assign(softmax ? G(Int(k)) : D(l - 1, Int(k)), softmax ? sum : Times(sum, Derivative(below.Activation, A(l - 1, Int(k)))));
            }

            if (softmax)
            {
                Activations.EmitSoftmaxBackward(l - 1, G);
            }
        }
        else
        {
            w.Line($"d{l - 1}.Clear();");
            using (w.Block($"for (var j = 0; j < {layer.Outputs}; j++)"))
            {
                SkipInactive(l);
                w.Line(AddScaledCall(layer, $"p.Slice(Weights{l}Offset + (j * {layer.Inputs}), {layer.Inputs})", $"d{l}[j]", $"d{l - 1}"));
            }

            if (softmax)
            {
                Activations.EmitSoftmaxBackward(l - 1, k => $"d{l - 1}[{k}]");
            }
            else if (below.Activation != ActivationKind.Identity)
            {
                using (w.Block($"for (var k = 0; k < {below.Outputs}; k++)"))
                {
                    w.Line($"d{l - 1}[k] *= {Derivative(below.Activation, $"a{l - 1}[k]")};");
                }
            }
        }
    }
}
