using System;
using System.Linq;

namespace Nn.Generators.Networks;

/// <summary>
/// The cost C(a^L, y) of one sample and equation 1, δ^L = ∇_a C ⊙ σ'(z^L), for each loss and output activation, in
/// the runtime's numerically stable forms.
/// </summary>
internal sealed class LossEmitter(EmitContext context) : CodeEmitter(context)
{
    /// <summary>Writes C(a^L, y) of one sample in the runtime's stable form and returns the local that holds it.</summary>
    public string EmitCost()
    {
        var output = model.Last.Activation;
        switch (model.Loss)
        {
            case LossKind.Quadratic:
                w.Line("// Cost: C = ½ Σ_k (a^L_k − y_k)².");
                Sum("squares", L, k => $"({A(L, k)} - y[{k}]) * ({A(L, k)} - y[{k}])");
                w.Line("var cost = squares / 2;");
                break;
            case LossKind.BinaryCrossEntropy when output == ActivationKind.Sigmoid:
                w.Line("// Cost: C = −Σ_k [y_k ln a_k + (1 − y_k) ln(1 − a_k)] = Σ_k [softplus(z_k) − y_k z_k], from the logits.");
                Sum("cost", L, k => $"(({T}.Max({Z(L, k)}, {Zero}) - (y[{k}] * {Z(L, k)})) + global::Nn.Kernels.StableScalars.LogOnePlus({T}.Exp(-{T}.Abs({Z(L, k)}))))");
                break;
            case LossKind.BinaryCrossEntropy:
                w.Line("// Cost: C = −Σ_k [y_k ln p_k + (1 − y_k) ln(1 − p_k)], p = a clamped away from 0 and 1.");
                Sum("cost", L, k => $"-((y[{k}] * {T}.Log({Clamped(k)})) + (({One} - y[{k}]) * {T}.Log({One} - {Clamped(k)})))");
                break;
            case LossKind.SoftmaxCrossEntropy when output == ActivationKind.Softmax:
                w.Line("// Cost: C = −Σ_k t_k ln a_k = (Σ_k t_k) logsumexp(z) − Σ_k t_k z_k, from the logits, as");
                w.Line("// ((Σ_k t_k) max z − Σ_k t_k z_k) + (Σ_k t_k) ln(1 + s), s = Σ_k e^(z_k − max z) summed without one maximum's 1,");
                w.Line("// so a confidently right output keeps its tiny cost (the runtime's SoftmaxCrossEntropyLoss, bit for bit).");
                Sum("mass", L, k => $"y[{k}]");
                Sum("targetDotZ", L, k => $"(y[{k}] * {Z(L, k)})");
                // Unrolled, the softmax above left e^(z_k − max z) in locals; in spans it overwrote them with a_k.
                Sum("below", L, k => $"({Z(L, k)} < max{L} ? {(InSpan(L) ? $"{T}.Exp({Z(L, k)} - max{L})" : $"e{L}_{k}")} : {Zero})");
                Sum("maxima", L, k => $"({Z(L, k)} < max{L} ? {Zero} : {One})");
                w.Line($"var cost = ((mass * max{L}) - targetDotZ) + (mass * global::Nn.Kernels.StableScalars.LogOnePlus(below + (maxima - {One})));");
                break;
            default:
                w.Line("// Cost: C = −Σ_k t_k ln a_k, with a floored away from 0.");
                Sum("cost", L, k => $"-(y[{k}] * {T}.Log({T}.Max({A(L, k)}, {Floor})))");
                break;
        }

        return "cost";
    }

    private string Floor => model.IsDouble ? "1e-15" : "1e-7f";

    private string Clamped(string k) => $"{T}.Clamp({A(L, k)}, {Floor}, {One} - {Floor})";

    /// <summary>Equation 1 for the declared loss and output activation, times the batch scale.</summary>
    public void EmitOutputDelta()
    {
        var output = model.Last.Activation;
        if (model.Loss == LossKind.BinaryCrossEntropy && output == ActivationKind.Sigmoid)
        {
            w.Line($"// Equation 1: δ^{L} = ∇_a C ⊙ σ'(z^{L}) = a^{L} − y (σ' = a(1 − a) cancels the cross-entropy's denominator).");
            ForEach(L, k => Assign(D(L, k), $"scale * ({A(L, k)} - y[{k}])"));
            return;
        }

        if (model.Loss == LossKind.SoftmaxCrossEntropy && output == ActivationKind.Softmax)
        {
            w.Line($"// Equation 1: δ^{L} = ∇_a C ⊙ σ'(z^{L}) through softmax's Jacobian = (Σ_k t_k) a^{L} − t, which is a − t for one-hot or soft targets.");
            ForEach(L, k => Assign(D(L, k), $"scale * ((mass * {A(L, k)}) - y[{k}])"));
            return;
        }

        w.Line($"// ∇_a C for the {model.Loss} cost.");
        var gradientA = model.Loss switch
        {
            LossKind.Quadratic => (Func<string, string>)(k => $"{A(L, k)} - y[{k}]"),
            LossKind.BinaryCrossEntropy => k => $"({Clamped(k)} - y[{k}]) / ({Clamped(k)} * ({One} - {Clamped(k)}))",
            _ => k => $"-y[{k}] / {T}.Max({A(L, k)}, {Floor})",
        };
        if (InSpan(L))
        {
            // The span d^L holds ∇_a C until the chain rule below turns it into δ^L.
            ForEach(L, k => w.Line($"d{L}[{k}] = {gradientA(k)};"));
        }
        else
        {
            ForEach(L, k => w.Line($"var ga{L}_{k} = {gradientA(k)};"));
        }

        string G(string k) => InSpan(L) ? $"d{L}[{k}]" : $"ga{L}_{k}";
        w.Line();
        if (output == ActivationKind.Softmax)
        {
            w.Line($"// Equation 1 through softmax's Jacobian: δ^{L}_k = a_k (∇_a C_k − Σ_j ∇_a C_j a_j).");
            Sum("projection", L, k => $"({G(k)} * {A(L, k)})");
            ForEach(L, k => Assign(D(L, k), $"scale * ({A(L, k)} * ({G(k)} - projection))"));
        }
        else
        {
            w.Line($"// Equation 1: δ^{L} = ∇_a C ⊙ σ'(z^{L}).");
            ForEach(L, k => Assign(D(L, k), $"scale * {Times(G(k), Derivative(output, A(L, k)))}"));
        }
    }
}
