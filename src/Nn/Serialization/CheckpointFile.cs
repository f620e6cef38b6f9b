using System;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Numerics;
using System.Security.Cryptography;

namespace Nn;

/// <summary>
/// The checkpoint file (docs/file-format.md): magic "NNCK", version, element type, the layer stack (input shape and
/// each layer's kind and fields, as in a version-4 model file) and θ, the network's state (running statistics), then the optimiser (name, hyperparameters, step, moments), the loss, the options, the training data's
/// fingerprint, the random state, the epochs completed and the history, and a SHA-256 checksum. Written atomically;
/// loading checks everything and throws <see cref="ModelFormatException"/> on any corruption.
/// </summary>
/// <example><code>
/// var data = DataFingerprint.Of(train);
/// var result = Trainer.Train(network, loss, rule, train, options, test, onEpoch: CheckpointFile.SaveEvery(5, "run.nnck", data, rule, loss, options));
/// var checkpoint = CheckpointFile.Load&lt;float&gt;("run.nnck");
/// checkpoint.EnsureResumableWith(data, rule, loss, options);
/// var resumed = Trainer.Continue(checkpoint.State, checkpoint.Loss, checkpoint.Optimizer, train, checkpoint.Options, test);
/// </code></example>
public static class CheckpointFile
{
    /// <summary>
    /// The format version this library writes, for every network: 6, which stores the network's state (running
    /// statistics, also the best epoch's) and the batch normalisation and dropout kinds. It also reads version 5
    /// (no state), version 4, which also has no learning-rate schedule (constant), version 3, which also has no
    /// validation settings, validation figures or best epoch, version 2, which also holds only dense networks over a
    /// flat input, and version 1, which also has no training data fingerprint.
    /// </summary>
    public const ushort Version = 6;

    /// <summary>The first version that stores the network's state (running statistics) and the kinds that keep it.</summary>
    internal const ushort FirstStateVersion = 6;

    /// <summary>The first version that stores the layer stack (input shape, each layer's kind) rather than dense layers only.</summary>
    private const ushort FirstStackVersion = 3;

    /// <summary>The first version that stores the validation share, the patience, validation figures and the best epoch.</summary>
    internal const ushort FirstValidationVersion = 4;

    /// <summary>The oldest format version this library reads.</summary>
    public const ushort OldestVersion = 1;

    /// <summary>The most history records a file may hold.</summary>
    public const int MaxHistory = 10_000_000;

    /// <summary>The four bytes every checkpoint file starts with: "NNCK".</summary>
    public static ReadOnlySpan<byte> Magic => "NNCK"u8;

    /// <summary>Saves a checkpoint atomically.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="checkpoint">The run to save.</param>
    /// <param name="path">The file.</param>
    /// <exception cref="ArgumentException">
    /// The loss or an activation cannot be stored by name, the fingerprint is missing or does not fit the network, or
    /// the state breaks a rule the reader holds files to (its history not one record per completed epoch, say), so the
    /// file would not load back; a field of the checkpoint is null (<see cref="ArgumentNullException"/>).
    /// </exception>
    public static void Save<T>(Checkpoint<T> checkpoint, string path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var bytes = ToBytes(checkpoint);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>
    /// An <c>onEpoch</c> callback for <see cref="Trainer.Train{T}"/> that saves a checkpoint after every
    /// <paramref name="every"/>-th epoch.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="every">The period in epochs, at least 1.</param>
    /// <param name="path">The file, replaced each time.</param>
    /// <param name="trainingData">The fingerprint of the run's training data (<see cref="DataFingerprint.Of{T}"/>, computed once per run).</param>
    /// <param name="optimizer">The run's rule.</param>
    /// <param name="loss">The run's loss.</param>
    /// <param name="options">The run's options.</param>
    /// <returns>The callback.</returns>
    /// <exception cref="ArgumentException"><paramref name="every"/> is below 1, the run has more epochs than a checkpoint holds (<see cref="MaxHistory"/>), or the path is empty; the path is checked now as <see cref="AtomicFile.CheckWritable"/> checks it, which also throws <see cref="DirectoryNotFoundException"/>, <see cref="IOException"/> and <see cref="UnauthorizedAccessException"/>.</exception>
    public static Action<TrainingState<T>> SaveEvery<T>(int every, string path, DataFingerprint trainingData, Optimizer optimizer, Loss loss, TrainingOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Guard.Positive(nameof(every), every);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(trainingData);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Epochs > MaxHistory)
        {
            // Its saves past that epoch would throw out of the run, after every epoch before them had been trained.
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"a checkpoint holds at most {MaxHistory:N0} epochs (CheckpointFile.MaxHistory), but the run has {options.Epochs:N0}."),
                nameof(options));
        }

        // The first save comes after `every` epochs of training, and a path it cannot write would then throw out of
        // the run and lose them; the nn program checks --checkpoint before training for the same reason.
        AtomicFile.CheckWritable(path);
        return state =>
        {
            if (state.EpochsCompleted % every == 0 || state.EpochsCompleted == options.Epochs)
            {
                Save(new Checkpoint<T>(state, optimizer, loss, options, trainingData), path);
            }
        };
    }

    /// <summary>The file's bytes for a checkpoint.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="checkpoint">The run, with its training data's fingerprint.</param>
    /// <returns>The complete file content.</returns>
    /// <exception cref="ArgumentException">
    /// The loss or an activation cannot be stored by name, the fingerprint is missing or does not fit the network, or
    /// the state breaks a rule the reader holds files to (its history not one record per completed epoch, say), so the
    /// file would not load back; a field of the checkpoint is null (<see cref="ArgumentNullException"/>).
    /// </exception>
    public static byte[] ToBytes<T>(Checkpoint<T> checkpoint)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        LoadsBack<T>(UncheckedBytes(checkpoint), checkpoint.Optimizer);

    /// <summary>
    /// The bytes <see cref="ToBytes{T}"/> writes, before it reads them back: how the tests make files of states the
    /// reader must refuse.
    /// </summary>
    internal static byte[] UncheckedBytes<T>(Checkpoint<T> checkpoint)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var (state, optimizer, loss, options, data) = checkpoint;
        ArgumentNullException.ThrowIfNull(state, "checkpoint.State");
        ArgumentNullException.ThrowIfNull(optimizer, "checkpoint.Optimizer");
        ArgumentNullException.ThrowIfNull(loss, "checkpoint.Loss");
        ArgumentNullException.ThrowIfNull(options, "checkpoint.Options");
        if (Loss.TryParse(loss.Name) != loss)
        {
            throw new ArgumentException($"loss '{loss.Name}' is not a built-in loss, so a checkpoint cannot restore it by name.", nameof(checkpoint));
        }

        // A file without the fingerprint could be resumed on any data, which is what this version exists to prevent.
        if (data is null)
        {
            throw new ArgumentException("the checkpoint has no training data fingerprint; make one with DataFingerprint.Of(train).", nameof(checkpoint));
        }

        var architecture = state.Network.Architecture;
        if (data.InputSize != architecture.InputSize || data.TargetSize != architecture.OutputSize)
        {
            throw new ArgumentException(
                $"the training data fingerprint is of {data.InputSize} inputs → {data.TargetSize} targets, but the network maps {architecture.InputSize} → {architecture.OutputSize}.",
                nameof(checkpoint));
        }

        var writer = new FormatWriter();
        writer.Header(Magic, Version, ModelFile.ElementSize<T>());
        ModelFile.WriteStack(writer, state.Network.Architecture);
        writer.Int64(state.Network.Parameters.Length);
        writer.Vector(state.Network.Parameters.AsSpan());
        writer.Int64(state.Network.State.Length);
        writer.Vector(state.Network.State.AsSpan());
        CheckpointRule.Write(writer, optimizer);
        writer.Int64(state.OptimizerState.Step);
        writer.Int32(state.OptimizerState.Moments.Length);
        foreach (var moment in state.OptimizerState.Moments)
        {
            writer.Vector(moment.AsSpan());
        }

        writer.Name(loss.Name);
        writer.Int32(options.Epochs);
        writer.Int32(options.BatchSize);
        writer.UInt64(options.Seed);
        writer.Double(options.L2);
        writer.Byte(options.Shuffle ? (byte)1 : (byte)0);
        writer.Double(options.ValidationFraction);
        writer.Int32(options.Patience);
        writer.Int32(data.Count);
        writer.Int32(data.InputSize);
        writer.Int32(data.TargetSize);
        writer.Bytes(Convert.FromHexString(data.Sha256));
        writer.UInt64(state.Random.S0);
        writer.UInt64(state.Random.S1);
        writer.UInt64(state.Random.S2);
        writer.UInt64(state.Random.S3);
        writer.Int32(state.EpochsCompleted);
        writer.Int32(state.Epochs.Count);
        foreach (var record in state.Epochs.Records)
        {
            writer.Int32(record.Epoch);
            writer.Double(record.TrainCost);
            writer.Double(record.TrainAccuracy);
            writer.Byte((byte)((record.TestCost is null ? 0 : 1) | (record.TestAccuracy is null ? 0 : 2)));
            writer.Double(record.TestCost ?? 0);
            writer.Double(record.TestAccuracy ?? 0);
            CheckpointState.WriteValidation(writer, record);
        }

        CheckpointState.WriteBest(writer, state.Best);
        return writer.Finish();
    }

    /// <summary>
    /// The bytes, once the reader takes them: a state made by hand can break a rule between its fields (a history of
    /// another length than the epochs completed, a record numbered out of order, a cost that is NaN) that the reader
    /// refuses, and a checkpoint that saves must be one that loads. Reading back costs a pass over the bytes.
    /// </summary>
    private static byte[] LoadsBack<T>(byte[] bytes, Optimizer optimizer)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        try
        {
            FromBytes<T>(bytes, "the checkpoint", optimizer);
            return bytes;
        }
        catch (ModelFormatException refused)
        {
            throw new ArgumentException($"the checkpoint would not load back, so it is not written: {refused.Message}", "checkpoint");
        }
    }

    /// <summary>Loads a checkpoint, checking every field and the checksum.</summary>
    /// <typeparam name="T">The element type wanted; values stored with the other type are converted.</typeparam>
    /// <param name="path">The file.</param>
    /// <returns>The checkpoint.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The path is a directory.</exception>
    /// <exception cref="ModelFormatException">The file is not a valid checkpoint.</exception>
    public static Checkpoint<T> Load<T>(string path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(path);
        return FromBytes<T>(FormatFile.Read(path, Magic), path, null);
    }

    /// <summary>
    /// Loads a checkpoint made with <paramref name="rule"/>, which may be a rule of your own
    /// (<see cref="Optimizer.Custom"/>): the file must hold the rule's name and, bit for bit, its hyperparameters.
    /// The checkpoint's <see cref="Checkpoint{T}.Optimizer"/> is then <paramref name="rule"/> with the stored schedule.
    /// </summary>
    /// <typeparam name="T">The element type wanted.</typeparam>
    /// <param name="path">The file.</param>
    /// <param name="rule">The rule the run was made with.</param>
    /// <returns>The checkpoint.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The path is a directory.</exception>
    /// <exception cref="ModelFormatException">The file is not a valid checkpoint.</exception>
    /// <exception cref="CheckpointMismatchException">The file's rule has another name or other hyperparameters.</exception>
    /// <example><code>
    /// var checkpoint = CheckpointFile.Load&lt;float&gt;("run.nnck", Optimizer.Custom(new SignSgd(0.01)));
    /// </code></example>
    public static Checkpoint<T> Load<T>(string path, Optimizer rule)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(rule);
        return FromBytes<T>(FormatFile.Read(path, Magic), path, rule);
    }

    /// <summary>Reads a checkpoint from a checkpoint file's bytes.</summary>
    /// <typeparam name="T">The element type wanted.</typeparam>
    /// <param name="bytes">The complete file content.</param>
    /// <param name="fileName">The name used in error messages.</param>
    /// <param name="rule">
    /// The rule the run was made with, checked against the file's name and hyperparameters; null restores a built-in
    /// rule by name (see <see cref="Load{T}(string, Optimizer)"/>).
    /// </param>
    /// <returns>The checkpoint.</returns>
    /// <exception cref="ModelFormatException">The bytes are not a valid checkpoint.</exception>
    /// <exception cref="CheckpointMismatchException">The file's rule is not <paramref name="rule"/>.</exception>
    public static Checkpoint<T> FromBytes<T>(byte[] bytes, string fileName, Optimizer? rule = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(fileName);
        var reader = new FormatReader(bytes, fileName);
        var elementSize = reader.ReadHeader(Magic, "checkpoint file", OldestVersion, Version, out var version);
        var stackAt = reader.Offset;
        var architecture = version >= FirstStackVersion
            ? ModelFile.ReadStack(reader, version >= FirstStateVersion ? (ushort)4 : (ushort)2)
            : ModelFile.ReadArchitecture(reader);
        ModelFile.EnsureFits<T>(reader, architecture, stackAt);
        var parameters = ModelFile.ReadParameters<T>(reader, architecture, elementSize);
        var networkState = version >= FirstStateVersion ? ModelFile.ReadState<T>(reader, architecture, elementSize) : null;

        var optimizer = CheckpointRule.Read(reader, version, rule);
        var stepAt = reader.Offset;
        var step = reader.Int64("the optimiser step");
        if (step is < 0 or > OptimizerState<T>.MaxStep)
        {
            throw reader.Error(stepAt, $"a step count of 0 to {OptimizerState<T>.MaxStep}", $"{step}");
        }

        var momentCount = reader.Int32InRange("the moment count", optimizer.MomentCount, optimizer.MomentCount);
        var moments = CheckpointState.ReadMoments<T>(reader, optimizer, momentCount, architecture.ParameterCount, elementSize, step);

        var lossAt = reader.Offset;
        var lossName = reader.Name("the loss's name");
        var loss = Loss.TryParse(lossName) ?? throw reader.Error(lossAt, "quadratic, binary-cross-entropy or softmax-cross-entropy", $"'{lossName}'");
        if (!loss.Supports(architecture.OutputActivation))
        {
            throw reader.Error(lossAt, $"a loss defined for the output activation {architecture.OutputActivation.Name}", $"'{lossName}'");
        }

        var epochs = reader.Int32InRange("the epoch count", 1, int.MaxValue);
        var batchSize = reader.Int32InRange("the batch size", 1, int.MaxValue);
        var seed = reader.UInt64("the seed");
        var l2At = reader.Offset;
        var l2 = reader.FiniteDouble("L2 λ");
        if (l2 < 0)
        {
            throw reader.Error(l2At, "L2 λ of 0 or more", l2.ToString("R", CultureInfo.InvariantCulture));
        }

        var shuffleAt = reader.Offset;
        var shuffle = reader.Byte("the shuffle flag");
        if (shuffle > 1)
        {
            throw reader.Error(shuffleAt, "a shuffle flag 0 or 1", $"{shuffle}");
        }

        var validating = version >= FirstValidationVersion;
        var (validationFraction, patience) = validating ? CheckpointState.ReadValidationOptions(reader) : (0, 0);
        var data = version >= 2 ? ReadFingerprint(reader, architecture) : null;
        var random = CheckpointState.ReadRandom(reader);
        var completed = CheckpointState.ReadCompleted(reader, epochs, step, data?.Count);
        var history = CheckpointState.ReadHistory(reader, completed, validating);
        var best = validating ? CheckpointState.ReadBest<T>(reader, architecture, elementSize, history, patience, version >= FirstStateVersion) : null;
        reader.ExpectChecksumNext();
        var network = networkState is null
            ? new Network<T>(architecture, ParameterVector<T>.Own(parameters))
            : new Network<T>(architecture, ParameterVector<T>.Own(parameters), ParameterVector<T>.Own(networkState));
        var state = new TrainingState<T>(network, new OptimizerState<T>(step, moments), random, completed, history) { Best = best };
        var options = new TrainingOptions(epochs, batchSize, seed, l2, shuffle == 1) { ValidationFraction = validationFraction, Patience = patience };
        return new Checkpoint<T>(state, optimizer, loss, options, data);
    }

    /// <summary>The training data's fingerprint (version 2 on): its shape must fit the network.</summary>
    private static DataFingerprint ReadFingerprint(FormatReader reader, Architecture architecture)
    {
        var count = reader.Int32InRange("the training sample count", 1, int.MaxValue);
        var inputs = reader.Int32InRange("the training data's input size", architecture.InputSize, architecture.InputSize);
        var targets = reader.Int32InRange("the training data's target size", architecture.OutputSize, architecture.OutputSize);
        var hash = Convert.ToHexStringLower(reader.Bytes(SHA256.HashSizeInBytes, "the training data's SHA-256"));
        return new DataFingerprint(count, inputs, targets, hash);
    }
}
