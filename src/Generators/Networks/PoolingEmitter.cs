using System;
using System.Linq;

namespace Nn.Generators.Networks;

/// <summary>
/// One max-pooling layer of one sample with constant sizes: a[c,i,j] = max_{u,v} x[c, i·s+u, j·s+v], the first
/// maximum in row-major order winning a tie (a later value must be strictly greater), as the runtime's
/// PoolingKernels do; the backward pass finds that same first maximum again and adds δ there, so no positions
/// need storing between the passes. Windows of at most <see cref="SpatialLayerModel.UnrollLimit"/> values are
/// written out value by value.
/// </summary>
internal sealed class PoolingEmitter(EmitContext context) : CodeEmitter(context)
{
    public void EmitForward(int s, string input)
    {
        var layer = model.Spatial[s - 1];
        w.Line($"// Max-pooling {s} ({layer.KernelHeight}×{layer.KernelWidth} windows, stride {layer.Stride}, over {layer.Channels}×{layer.Height}×{layer.Width}):");
        w.Line($"// a[c,i,j] = max_{{u,v}} x[c, i·{layer.Stride}+u, j·{layer.Stride}+v], {layer.Channels}×{layer.OutputHeight}×{layer.OutputWidth}.");
        OverWindows(layer, input, index => w.Line($"sa{s}[{index}] = max;"));
    }

    /// <summary>Equation 2 through the pooling: δ of each window goes to its first maximum in sd{s − 1} (summed where windows overlap).</summary>
    public void EmitBackward(int s, string input)
    {
        var layer = model.Spatial[s - 1];
        w.Line($"// Max-pooling {s}, equation 2: ∂C/∂x is δ at each window's first maximum (summed where windows overlap), 0 elsewhere.");
        w.Line($"sd{s - 1}.Clear();");
        OverWindows(layer, input, index => w.Line($"sd{s - 1}[best] += sd{s}[{index}];"));
    }

    /// <summary>For every window: max and best (its first maximum and where it is), then <paramref name="body"/> with the output index.</summary>
    private void OverWindows(SpatialLayerModel layer, string input, Action<string> body)
    {
        var offsets = (from u in Enumerable.Range(0, layer.KernelHeight) from v in Enumerable.Range(0, layer.KernelWidth) select (u * layer.Width) + v).Skip(1);
        using (w.Block($"for (var c = 0; c < {Int(layer.Channels)}; c++)"))
        using (w.Block($"for (var i = 0; i < {Int(layer.OutputHeight)}; i++)"))
        using (w.Block($"for (var j = 0; j < {Int(layer.OutputWidth)}; j++)"))
        {
            w.Line($"var best = (c * {Int(layer.Height * layer.Width)}) + (i * {Int(layer.Stride * layer.Width)}) + (j * {Int(layer.Stride)});");
            w.Line($"var corner = best;");
            w.Line($"var max = {input}[best];");
            if (layer.IsUnrolled)
            {
                foreach (var offset in offsets)
                {
                    using (w.Block($"if ({input}[corner + {Int(offset)}] > max)"))
                    {
                        w.Line($"best = corner + {Int(offset)};");
                        w.Line($"max = {input}[best];");
                    }
                }
            }
            else
            {
                using (w.Block($"for (var u = 0; u < {Int(layer.KernelHeight)}; u++)"))
                using (w.Block($"for (var v = 0; v < {Int(layer.KernelWidth)}; v++)"))
                {
                    w.Line($"var at = corner + (u * {Int(layer.Width)}) + v;");
                    using (w.Block($"if ({input}[at] > max)"))
                    {
                        w.Line("best = at;");
                        w.Line($"max = {input}[at];");
                    }
                }
            }

            body($"(((c * {Int(layer.OutputHeight)}) + i) * {Int(layer.OutputWidth)}) + j");
        }
    }
}
