using System;
using System.Globalization;
using System.Linq;
using Nn.Generators.Helpers;

namespace Nn.Generators.Networks;

/// <summary>
/// What every emitter shares: the model, the writer, and the <see cref="EmitStyle"/> it writes in, which decides how
/// a^l, z^l and δ^l are named (scalar locals or spans) and whether gradients are written or added. The style is a
/// value fixed when the emitter is made; an emitter that needs another style makes a new emitter with it.
/// </summary>
internal abstract partial class CodeEmitter
{
    protected CodeEmitter(EmitContext context)
    {
        Context = context;
        model = context.Model;
        w = context.Writer;
    }

    protected EmitContext Context { get; }

    protected EmitStyle Style => Context.Style;

    // Fields rather than properties only for their short names, which the emitters' bodies read on nearly every line.
    protected readonly NetworkModel model;

    protected readonly IndentedWriter w;

    protected MemberEmitter Members => new(Context);

    protected EntryPointEmitter EntryPoints => new(Context);

    protected ArgumentCheckEmitter Checks => new(Context);

    protected SamplePassEmitter SamplePasses => new(Context);

    protected DenseLayerEmitter DenseLayers => new(Context);

    protected ActivationEmitter Activations => new(Context);

    protected LossEmitter Losses => new(Context);

    protected FirstLayerBlockEmitter FirstLayerBlock => new(Context);

    protected SpatialPassEmitter Spatial => new(Context);

    /// <summary>This emitter's context in another style.</summary>
    protected EmitContext In(EmitStyle style) => Context.With(style);

    /// <summary>The element type's keyword, "float" or "double".</summary>
    protected string T => model.ElementType;

    protected int L => model.Layers.Length;

    protected LayerModel Layer(int l) => model.Layers[l - 1];

    /// <summary>Whether a^l and δ^l live in spans: a SIMD loop writes or reads them.</summary>
    protected bool InSpan(int l) => Style.AllSpans || !Layer(l).IsUnrolled || (l < L && !Layer(l + 1).IsUnrolled);

    protected string A(int l, string k) => l == 0 ? $"x[{k}]" : InSpan(l) ? $"a{l}[{k}]" : $"a{l}_{k}";

    protected string D(int l, string k) => InSpan(l) ? $"d{l}[{k}]" : $"d{l}_{k}";

    protected string Z(int l, string k) => InSpan(l) ? $"z{l}[{k}]" : $"z{l}_{k}";

    /// <summary>The span holding a^l (x for l = 0).</summary>
    protected static string ASpan(int l) => l == 0 ? "x" : $"a{l}";

    protected string One => model.IsDouble ? "1.0" : "1f";

    protected string Zero => model.IsDouble ? "0.0" : "0f";

    /// <summary>"=" while WriteSample is emitted, "+=" otherwise.</summary>
    protected string Into => Style.Overwrite ? "=" : "+=";

    /// <summary>Runs <paramref name="body"/> for every unit of layer l: once per constant index, or in one loop over k.</summary>
    protected void ForEach(int l, Action<string> body)
    {
        if (InSpan(l))
        {
            using (w.Block($"for (var k = 0; k < {Layer(l).Outputs}; k++)"))
            {
                body("k");
            }
        }
        else
        {
            for (var k = 0; k < Layer(l).Outputs; k++)
            {
                body(k.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>Σ_k term(k) over the units of layer l, as one expression or an accumulating loop into a local.</summary>
    protected string Sum(string name, int l, Func<string, string> term)
    {
        if (InSpan(l))
        {
            w.Line($"var {name} = {Zero};");
            ForEach(l, k => w.Line($"{name} += {term(k)};"));
        }
        else
        {
            w.Line($"var {name} = {string.Join(" + ", Enumerable.Range(0, Layer(l).Outputs).Select(k => term(Int(k))))};");
        }

        return name;
    }

    protected void Assign(string target, string expression)
    {
        w.Line(target.Contains("[") ? $"{target} = {expression};" : $"var {target} = {expression};");
    }

    /// <summary>Whether z^l is stored for a later step: the cost reads z^L, and softmax reads all of z^l at once.</summary>
    protected bool KeepsZ(int l) => l == L || Layer(l).Activation == ActivationKind.Softmax;

    protected string Activate(ActivationKind activation, string z) => activation switch
    {
        ActivationKind.Identity => z,
        ActivationKind.Sigmoid => $"{One} / ({One} + {T}.Exp(-{z}))",
        ActivationKind.Tanh => $"{T}.Tanh({z})",
        ActivationKind.Relu => $"{T}.Max({z}, {Zero})",
        _ => throw new InvalidOperationException("softmax is emitted per layer"),
    };

    /// <summary>
    /// σ'(z) written from a = σ(z): a(1 − a), 1 − a², and for ReLU 1 where a &gt; 0 (exactly where z &gt; 0);
    /// empty for the identity, whose factor of 1 is left out.
    /// </summary>
    protected string Derivative(ActivationKind activation, string a) => activation switch
    {
        ActivationKind.Identity => string.Empty,
        ActivationKind.Sigmoid => $"{a} * ({One} - {a})",
        ActivationKind.Tanh => $"({One} - ({a} * {a}))",
        ActivationKind.Relu => $"({a} > {Zero} ? {One} : {Zero})",
        _ => throw new InvalidOperationException("softmax has no element-wise derivative"),
    };

    /// <summary>The product of a factor and σ', or the factor alone when σ' is the identity's 1.</summary>
    protected static string Times(string factor, string derivative) =>
        derivative.Length == 0 ? factor : $"({factor} * {derivative})";

    protected void WriteIf(string? line)
    {
        if (line is not null)
        {
            w.Line(line);
        }
    }

    protected void Doc(string summary, params (string Name, string Text)[] parameters)
    {
        w.Line($"/// <summary>{summary}</summary>");
        foreach (var (name, text) in parameters)
        {
            w.Line($"/// <param name=\"{name}\">{text}</param>");
        }
    }

    protected void Returns(string text) => w.Line($"/// <returns>{text}</returns>");

    protected static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    protected static string Real(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains(".") || text.Contains("E") ? text : text + ".0";
    }
}
