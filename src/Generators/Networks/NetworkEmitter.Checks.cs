using System.Linq;

namespace Nn.Generators.Networks;

/// <summary>
/// The argument checks of the public entry points: lengths, counts, η, and finiteness. x and y are small, so they
/// are scanned on every call; θ is large, so it is scanned only when a result comes out non-finite: the output a^L,
/// the cost, or θ' of a step. A non-finite θ then gets an ArgumentException naming its first bad element and which
/// weight or bias that is; finite arguments whose result overflowed are divergence, reported as the runtime reports it.
/// </summary>
internal sealed partial class NetworkEmitter
{
    /// <summary>The checks and the checked update; a batch element is named as (row, column) in messages.</summary>
    private void EmitFiniteChecks()
    {
        w.Line("// x and y are small: every call scans them (vectorised) and names the first non-finite element.");
        using (w.Block($"private static void CheckFinite(string name, ReadOnlySpan<{T}> values, int width)"))
        {
            using (w.Block($"if (TensorPrimitives.IsFiniteAll<{T}>(values))"))
            {
                w.Line("return;");
            }

            w.Line();
            w.Line("var i = FirstNonFinite(values);");
            w.Line("var where = values.Length == width ? string.Empty : FormattableString.Invariant($\" (row {i / width}, column {i % width})\");");
            w.Line("throw new ArgumentException(FormattableString.Invariant($\"{name} must hold finite numbers, but element {i}{where} is {values[i]}.\"), name);");
        }

        w.Line();
        w.Line("// θ is large, so it is scanned only after a non-finite result: if it holds NaN or ±∞ that is the cause, named");
        w.Line("// by index and by weight or bias; if not, finite arguments overflowed, and the non-finite result stands (as the");
        w.Line("// runtime's Backprop and Forward return it; training treats a non-finite cost as divergence).");
        using (w.Block($"private static void CheckParameters(ReadOnlySpan<{T}> parameters)"))
        {
            using (w.Block($"if (TensorPrimitives.IsFiniteAll<{T}>(parameters))"))
            {
                w.Line("return;");
            }

            w.Line();
            w.Line("var i = FirstNonFinite(parameters);");
            w.Line("throw new ArgumentException(FormattableString.Invariant($\"parameters must hold finite numbers, but element {i} ({ParameterName(i)}) is {parameters[i]}.\"), nameof(parameters));");
        }

        w.Line();
        w.Line("// A cost is checked as it is returned; θ is scanned only when it is not finite.");
        using (w.Block($"private static {T} CheckCost(ReadOnlySpan<{T}> parameters, {T} cost)"))
        {
            using (w.Block($"if (!{T}.IsFinite(cost))"))
            {
                w.Line("CheckParameters(parameters);");
            }

            w.Line();
            w.Line("return cost;");
        }

        w.Line();
        w.Line("// Outputs a^L are checked once written; θ is scanned only when one is not finite.");
        using (w.Block($"private static void CheckOutputs(ReadOnlySpan<{T}> parameters, ReadOnlySpan<{T}> outputs)"))
        {
            using (w.Block($"if (!TensorPrimitives.IsFiniteAll<{T}>(outputs))"))
            {
                w.Line("CheckParameters(parameters);");
            }
        }

        w.Line();
        using (w.Block($"private static int FirstNonFinite(ReadOnlySpan<{T}> values)"))
        {
            w.Line("var i = 0;");
            using (w.Block($"while ({T}.IsFinite(values[i]))"))
            {
                w.Line("i++;");
            }

            w.Line();
            w.Line("return i;");
        }

        w.Line();
        w.Line("// Which weight or bias element i of θ is: W^l[j, k] (output j, input k) or b^l[j].");
        using (w.Block("private static string ParameterName(int i)"))
        {
            for (var l = 1; l <= L; l++)
            {
                var layer = Layer(l);
                using (w.Block($"if (i < Weights{l}Offset + {Int(layer.WeightCount)})"))
                {
                    w.Line($"return FormattableString.Invariant($\"W^{l}[{{(i - Weights{l}Offset) / Layer{l}Inputs}}, {{(i - Weights{l}Offset) % Layer{l}Inputs}}]\");");
                }

                w.Line();
                if (layer.HasBias)
                {
                    using (w.Block($"if (i < Bias{l}Offset + Layer{l}Outputs)"))
                    {
                        w.Line($"return FormattableString.Invariant($\"b^{l}[{{i - Bias{l}Offset}}]\");");
                    }

                    w.Line();
                }
            }

            w.Line("return \"no parameter\";");
        }

        w.Line();
        EmitCheckedUpdate();
    }

    /// <summary>
    /// θ ← θ − η g for the in-place steps, checking θ' (and θ) as it is computed: v − v is +0 (all bits clear) in a
    /// finite lane and NaN otherwise, and OR-ing it into a register costs no extra pass over θ and no branch per
    /// block (a branch per block measured a third slower than TensorPrimitives.MultiplyAdd on 39,760 floats).
    /// </summary>
    private void EmitCheckedUpdate()
    {
        var vector = $"Vector<{T}>";
        w.Line("// θ ← θ − η g with θ' and θ checked as they stream through: v − v is +0 (no bits set) in a finite lane and NaN in a");
        w.Line("// NaN or ±∞ one, and OR-ing it into a register costs no extra pass over θ and no branch. A non-finite θ'");
        w.Line("// is reported after the whole update (the caller owns the buffer and no copy is kept, so it holds θ' as computed):");
        w.Line("// as a bad argument if θ already held NaN or ±∞, else as divergence.");
        using (w.Block($"private static void UpdateChecked(Span<{T}> parameters, ReadOnlySpan<{T}> gradient, {T} learningRate)"))
        {
            w.Line("var step = -learningRate;");
            w.Line("ref var theta = ref MemoryMarshal.GetReference(parameters);");
            w.Line("ref var g = ref MemoryMarshal.GetReference(gradient);");
            w.Line("var k = 0;");
            w.Line("var finite = true;");
            w.Line("var wasFinite = true;");
            using (w.Block($"if (Vector.IsHardwareAccelerated && parameters.Length >= {vector}.Count)"))
            {
                w.Line($"var scale = new {vector}(step);");
                w.Line($"var after = {vector}.Zero;");
                w.Line($"var before = {vector}.Zero;");
                using (w.Block($"for (; k <= parameters.Length - {vector}.Count; k += {vector}.Count)"))
                {
                    w.Line("var old = Vector.LoadUnsafe(ref theta, (nuint)k);");
                    w.Line("var next = old + (scale * Vector.LoadUnsafe(ref g, (nuint)k));");
                    w.Line("next.StoreUnsafe(ref theta, (nuint)k);");
                    w.Line("after |= next - next;");
                    w.Line("before |= old - old;");
                }

                w.Line();
                w.Line($"finite = Vector.EqualsAll(after, {vector}.Zero);");
                w.Line($"wasFinite = Vector.EqualsAll(before, {vector}.Zero);");
            }

            w.Line();
            using (w.Block("for (; k < parameters.Length; k++)"))
            {
                w.Line("var old = Unsafe.Add(ref theta, k);");
                w.Line("var next = old + (step * Unsafe.Add(ref g, k));");
                w.Line("Unsafe.Add(ref theta, k) = next;");
                w.Line($"finite &= {T}.IsFinite(next);");
                w.Line($"wasFinite &= {T}.IsFinite(old);");
            }

            w.Line();
            using (w.Block("if (!finite)"))
            {
                w.Line("ReportNonFiniteStep(parameters, gradient, learningRate, wasFinite);");
            }
        }

        w.Line();
        w.Line("// The rare path of UpdateChecked, after θ' is written. Where θ_i was NaN or ±∞, θ'_i = θ_i + (−η g_i) is too, so");
        w.Line("// the first non-finite θ'_i names the bad parameter when θ was not all finite.");
        using (w.Block($"private static void ReportNonFiniteStep(ReadOnlySpan<{T}> parameters, ReadOnlySpan<{T}> gradient, {T} learningRate, bool wasFinite)"))
        {
            w.Line("var i = FirstNonFinite(parameters);");
            using (w.Block("if (!wasFinite)"))
            {
                w.Line("throw new ArgumentException(FormattableString.Invariant($\"parameters must hold finite numbers, but element {i} ({ParameterName(i)}) is {parameters[i]}.\"), nameof(parameters));");
            }

            w.Line();
            w.Line("throw new ArgumentException(");
            w.Line("    FormattableString.Invariant($\"the step diverged: element {i} ({ParameterName(i)}) of θ' = θ − η ∇θ C is {parameters[i]} (∂C/∂θ = {gradient[i]}, η = {learningRate}); the buffer holds θ' as computed.\"),");
            w.Line("    nameof(learningRate));");
        }

        w.Line();
    }

    /// <summary>The length, count and learning-rate checks every entry point starts with.</summary>
    /// <summary>The most elements a .NET array holds (Array.MaxLength, which netstandard2.0 does not have).</summary>
    private const int MaxArrayLength = 0x7FFFFFC7;

    private void EmitArgumentChecks()
    {
        using (w.Block($"private static void CheckSample(ReadOnlySpan<{T}> parameters, ReadOnlySpan<{T}> input, ReadOnlySpan<{T}> target)"))
        {
            w.Line("CheckLength(nameof(parameters), ParameterCount, parameters.Length);");
            w.Line("CheckLength(nameof(input), InputSize, input.Length);");
            w.Line("CheckLength(nameof(target), OutputSize, target.Length);");
            w.Line("CheckFinite(nameof(input), input, InputSize);");
            w.Line("CheckFinite(nameof(target), target, OutputSize);");
        }

        w.Line();
        using (w.Block($"private static void CheckBatch(ReadOnlySpan<{T}> parameters, ReadOnlySpan<{T}> inputs, ReadOnlySpan<{T}> outputs, int rows)"))
        {
            w.Line("CheckLength(nameof(parameters), ParameterCount, parameters.Length);");
            w.Line("CheckPositive(nameof(rows), rows);");
            var most = Int(MaxArrayLength / ScratchWidth);
            using (w.Block($"if (rows > {most})"))
            {
                w.Line($"throw new ArgumentOutOfRangeException(nameof(rows), rows, FormattableString.Invariant($\"rows must be at most {most} (the batch buffers hold rows × {Int(ScratchWidth)} values in one array), but is {{rows}}.\"));");
            }

            // In 64 bits: rows × width wrapped around in int could match a short span and let the kernels run past it.
            w.Line("CheckLength(nameof(inputs), (long)rows * InputSize, inputs.Length);");
            w.Line("CheckLength(\"outputs or targets\", (long)rows * OutputSize, outputs.Length);");
        }

        w.Line();
        using (w.Block("private static void CheckLength(string name, long expected, int actual)"))
        {
            using (w.Block("if (expected != actual)"))
            {
                w.Line("throw new ArgumentException($\"{name} must have length {expected}, but has {actual}.\", name);");
            }
        }

        w.Line();
        using (w.Block($"private static void CheckLearningRate({T} learningRate)"))
        {
            using (w.Block($"if (!(learningRate > {Zero}) || {T}.IsInfinity(learningRate))"))
            {
                w.Line("throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, FormattableString.Invariant($\"learningRate must be a positive finite number, but is {learningRate}.\"));");
            }
        }

        w.Line();
        using (w.Block("private static void CheckPositive(string name, int value)"))
        {
            using (w.Block("if (value < 1)"))
            {
                w.Line("throw new ArgumentOutOfRangeException(name, value, $\"{name} must be at least 1, but is {value}.\");");
            }
        }
    }

    /// <summary>The exception documentation of an entry point that checks lengths and finiteness.</summary>
    private void ThrowsOnBadInput(bool targets, bool rows, bool step = false)
    {
        var values = targets ? "x, y or θ" : "x or θ";
        w.Line($"/// <exception cref=\"ArgumentException\">A length is wrong, or {values} holds NaN or ±∞: the message names the first");
        w.Line("/// such element (θ, being large, is scanned only when the result comes out non-finite)." + (step ? string.Empty : "</exception>"));
        if (step)
        {
            w.Line("/// Also when θ' = θ − η ∇θ C is not finite although the arguments are (divergence); an in-place step then leaves");
            w.Line("/// θ' as computed in the buffer.</exception>");
        }

        var counts = rows && model.HasL2 && targets ? "rows or l2SampleCount is" : rows ? "rows is" : model.HasL2 && targets ? "l2SampleCount is" : null;
        var reasons = new[] { step ? "η is not positive and finite" : null, counts is null ? null : counts + " below 1", rows ? "rows is too many for one array of batch buffers" : null }.Where(r => r is not null).ToArray();
        if (reasons.Length > 0)
        {
            var text = string.Join(", or ", reasons);
            // The sentence starts with a parameter's name or symbol, so it keeps its case.
            w.Line($"/// <exception cref=\"ArgumentOutOfRangeException\">{text}.</exception>");
        }
    }
}
