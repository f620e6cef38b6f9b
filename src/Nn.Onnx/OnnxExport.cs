using System;
using System.IO;
using System.Numerics;
using Google.Protobuf;

namespace Nn.Onnx;

/// <summary>
/// Exports a <see cref="Network{T}"/> of <see cref="float"/> or <see cref="double"/> to an ONNX model (opset 13).
/// A dense layer becomes Gemm(A, W, b, transB = 1) — the batch form Z = A Wᵀ + 1 bᵀ of z^l = W^l a^(l−1) + b^l —
/// a convolution Conv (kernel_shape, strides, pads; the bias input only when the layer has one), max-pooling
/// MaxPool, and each activation Identity, Sigmoid, Tanh, Relu or Softmax (over each sample's values). A dense layer
/// over an image is preceded by Flatten, which reads it in C,H,W order as the library does. The input is batch ×
/// inputs (batch × C × H × W for an image input) and the output batch × outputs, with a symbolic batch dimension,
/// so a runtime can feed any number of rows. Tensors are float32 for <c>Network&lt;float&gt;</c> and float64 for
/// <c>Network&lt;double&gt;</c> (ONNX Runtime's CPU provider has no float64 Conv kernel: docs/onnx.md).
/// </summary>
/// <remarks>
/// The export is deterministic: the same network and options give the same bytes. Networks with a user-defined
/// activation (<see cref="Activation.Elementwise{TFunction}"/>) cannot be exported, because ONNX has no operator
/// for an arbitrary .NET function; those throw <see cref="NotSupportedException"/> naming the activation. So does a
/// batch normalisation whose ε is 0 or ∞ as a float32 (a float64 network may hold one), since ONNX takes ε as a float32.
/// </remarks>
/// <example><code>
/// var network = Network.Create&lt;float&gt;(Architecture.Input(64).Dense(32, Activation.Relu).Dense(10, Activation.Softmax), Initializer.He, seed: 1);
/// OnnxExport.Save(network, "digits.onnx");
/// byte[] model = OnnxExport.ToBytes(network, new OnnxExportOptions { InputName = "pixels" });
/// </code></example>
public static class OnnxExport
{
    /// <summary>The ONNX operator set version the exported graph uses.</summary>
    public const long OpsetVersion = OnnxModelBuilder.Opset;

    /// <summary>The ONNX model (serialized ModelProto) of a network, with the default names "input" and "output".</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="network">The network to export.</param>
    /// <returns>A fresh byte array holding the model.</returns>
    /// <exception cref="NotSupportedException">A layer has a user-defined activation or a batch-normalisation ε that is 0 or ∞ in float32, the model would take more than 2,147,483,591 bytes (just under a protobuf message's 2 GiB), names and metadata counted, or T is neither float nor double.</exception>
    public static byte[] ToBytes<T>(Network<T> network)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        ToBytes(network, new OnnxExportOptions());

    /// <summary>The ONNX model (serialized ModelProto) of a network.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="network">The network to export.</param>
    /// <param name="options">Input, output and batch-dimension names and metadata.</param>
    /// <returns>A fresh byte array holding the model.</returns>
    /// <exception cref="NotSupportedException">A layer has a user-defined activation or a batch-normalisation ε that is 0 or ∞ in float32, the model would take more than 2,147,483,591 bytes (just under a protobuf message's 2 GiB), names and metadata counted, or T is neither float nor double.</exception>
    /// <exception cref="ArgumentException">The input and output names are equal or clash with the graph's own names.</exception>
    public static byte[] ToBytes<T>(Network<T> network, OnnxExportOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(options);
        return OnnxSizeLimit.Checked(OnnxModelBuilder.Build(network, options), options.MaxBytes).ToByteArray();
    }

    /// <summary>Writes the ONNX model of a network to a stream the caller owns (left open).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="network">The network to export.</param>
    /// <param name="destination">A writable stream.</param>
    /// <param name="options">Names and metadata.</param>
    /// <exception cref="NotSupportedException">A layer has a user-defined activation or a batch-normalisation ε that is 0 or ∞ in float32, the model would take more than 2,147,483,591 bytes (just under a protobuf message's 2 GiB), names and metadata counted, or T is neither float nor double.</exception>
    /// <exception cref="ArgumentException">The stream is not writable, or the names clash.</exception>
    public static void WriteTo<T>(Network<T> network, Stream destination, OnnxExportOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(options);
        if (!destination.CanWrite)
        {
            throw new ArgumentException("destination must be a writable stream, but cannot be written.", nameof(destination));
        }

        OnnxSizeLimit.Checked(OnnxModelBuilder.Build(network, options), options.MaxBytes).WriteTo(destination);
    }

    /// <summary>Saves the ONNX model of a network to a file, with the default names "input" and "output".</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="network">The network to export.</param>
    /// <param name="path">The file to write; an existing file is replaced only once the new one is complete.</param>
    /// <exception cref="NotSupportedException">A layer has a user-defined activation or a batch-normalisation ε that is 0 or ∞ in float32, or the model would take more than 2,147,483,591 bytes; no file is written or changed.</exception>
    public static void Save<T>(Network<T> network, string path)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Save(network, path, new OnnxExportOptions());

    /// <summary>
    /// Saves the ONNX model of a network to a file, atomically with <see cref="AtomicFile.Write"/>: the model is
    /// built in memory, written to a temporary file beside <paramref name="path"/>, then renamed over it, so a
    /// failure leaves any previous file intact and no partial file behind. A symbolic link is written through;
    /// a directory, device, FIFO or read-only file at the path is refused.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="network">The network to export.</param>
    /// <param name="path">The file to write.</param>
    /// <param name="options">Names and metadata.</param>
    /// <exception cref="NotSupportedException">A layer has a user-defined activation or a batch-normalisation ε that is 0 or ∞ in float32, or the model would take more than 2,147,483,591 bytes; no file is written or changed.</exception>
    /// <exception cref="ArgumentException">The path is empty, or the names clash.</exception>
    /// <exception cref="DirectoryNotFoundException">The target's directory does not exist.</exception>
    /// <exception cref="IOException">The target is a directory, a device, a FIFO or a socket.</exception>
    /// <exception cref="UnauthorizedAccessException">The target is a read-only file.</exception>
    public static void Save<T>(Network<T> network, string path, OnnxExportOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(path);
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException($"path must name a file, but is '{path}'.", nameof(path));
        }

        // Built before anything is written, so an unsupported network leaves the file system as it was.
        var bytes = ToBytes(network, options);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }
}
