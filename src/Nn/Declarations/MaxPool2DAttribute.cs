using System;

namespace Nn;

/// <summary>
/// Declares max-pooling over K×K windows of each channel (the runtime's <see cref="MaxPool2DLayer"/>) in a network
/// declared with <see cref="NetworkAttribute"/>: a[c,i,j] = max_{u,v} x[c, i·s+u, j·s+v]; the backward pass sends
/// each δ to the first maximum of its window in row-major order. It has no parameters.
/// </summary>
/// <example><code>
/// [MaxPool2D(1, 2)]              // 2×2 windows, stride 2
/// [MaxPool2D(3, 3, Stride = 2)]  // overlapping 3×3 windows
/// </code></example>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = true, Inherited = false)]
public sealed class MaxPool2DAttribute : Attribute
{
    /// <summary>Declares max-pooling.</summary>
    /// <param name="order">The layer's place in the stack, shared with every other layer attribute.</param>
    /// <param name="window">K, the side of the square window, at least 1.</param>
    public MaxPool2DAttribute(int order, int window)
    {
        Order = order;
        Window = window;
    }

    /// <summary>The layer's place in the stack.</summary>
    public int Order { get; }

    /// <summary>K.</summary>
    public int Window { get; }

    /// <summary>s, the step between windows; 0, the default, means s = K (windows that touch but do not overlap).</summary>
    public int Stride { get; set; }
}
