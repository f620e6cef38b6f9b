using Nn.Generators.Helpers;

namespace Nn.Generators.Networks;

/// <summary>What an emitter writes about, where it writes, and in which <see cref="EmitStyle"/>; never changed once made.</summary>
internal sealed class EmitContext(NetworkModel model, IndentedWriter writer, EmitStyle style)
{
    public NetworkModel Model { get; } = model;

    public IndentedWriter Writer { get; } = writer;

    public EmitStyle Style { get; } = style;

    /// <summary>The same model and writer in another style.</summary>
    public EmitContext With(EmitStyle style) => new(Model, Writer, style);
}
