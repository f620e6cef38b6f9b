using System.Numerics;

namespace Nn;

/// <summary>The names messages give the element types, as the file formats and ONNX do: float32 and float64.</summary>
internal static class ElementTypes
{
    /// <summary>"float32" for <see cref="float"/>, "float64" for <see cref="double"/>.</summary>
    public static string Name<T>()
        where T : unmanaged, IFloatingPointIeee754<T> => typeof(T) == typeof(float) ? "float32" : "float64";
}
