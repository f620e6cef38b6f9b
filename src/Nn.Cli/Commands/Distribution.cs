using System;
using System.IO;
using System.Threading;
using Nn.Distributed;

namespace Nn.Cli.Commands;

/// <summary>
/// How <c>nn train</c> runs its training: in this process, or with <c>--distributed</c> as one rank of an MPI job
/// started by mpiexec (docs/distributed.md). Every rank runs the whole command; only rank 0 prints and writes files.
/// MPI is initialised only for <c>--distributed</c>, so a plain run never loads an MPI library.
/// </summary>
internal sealed class Distribution : IDisposable
{
    private readonly MpiGroup? group;

    /// <summary>On ranks other than 0, what they wrote to standard error, shown only if that rank ends the job.</summary>
    private readonly StringWriter? errors;

    /// <summary>Standard error as it was before <see cref="errors"/> took its place.</summary>
    private readonly TextWriter? standardError;

    private Distribution(MpiGroup? group, StringWriter? errors = null, TextWriter? standardError = null)
    {
        this.group = group;
        this.errors = errors;
        this.standardError = standardError;
    }

    /// <summary>Whether this process prints and writes files: always in one process, rank 0 in a job.</summary>
    public bool Leader => group is null || group.IsLeader;

    /// <summary>The number of processes the training is spread over.</summary>
    public int Ranks => group?.Size ?? 1;

    /// <summary>
    /// Runs a command body in one process, or as one rank of an MPI job. In a job a failure that may be one rank's
    /// alone (a file it cannot read or write, a usage error, an unexpected exception) ends the whole job through MPI's
    /// abort with the body's exit code: the other ranks, waiting in a sum for this one, would otherwise wait for ever.
    /// A verdict every rank reaches together (completed, diverged) ends each rank normally.
    /// </summary>
    public static int Run(bool distributed, Func<Distribution, int> body)
    {
        if (!distributed)
        {
            return body(new Distribution(null));
        }

        Distribution joined;
        try
        {
            joined = Join();
        }
        catch (DllNotFoundException e)
        {
            // No MPI library on this machine: a missing file, named in the message with what to install.
            Cli.Error(e.Message);
            return ExitCodes.BadInput;
        }

        using var distribution = joined;
        int code;
        try
        {
            code = body(distribution);
        }
        catch (Exception e)
        {
            Cli.Error($"unexpected error ({e.GetType().Name}): {e.Message}");
            distribution.Abort(ExitCodes.Failed);
            throw;
        }

        if (code is not (ExitCodes.Success or ExitCodes.Failed))
        {
            distribution.Abort(code);
        }

        return code;
    }

    private static Distribution Join()
    {
        var group = MpiGroup.Join();
        if (group.IsLeader)
        {
            return new Distribution(group);
        }

        // Rank 0 prints progress and results for the job; the others would print the same lines again. Their errors
        // are kept and shown if the rank ends the job, since then they may be its own (a file only it cannot read).
        Console.SetOut(TextWriter.Null);
        var errors = new StringWriter();
        var standardError = Console.Error;
        Console.SetError(errors);
        return new Distribution(group, errors, standardError);
    }

    /// <summary>Shows this rank's errors, says which rank ends the job, and ends it with MPI's abort.</summary>
    private void Abort(int code)
    {
        var error = standardError ?? Console.Error;
        error.Write(errors?.ToString());
        error.WriteLine($"nn: rank {group!.Rank} of {group.Size} stopped with exit code {code}; ending the MPI job.");
        error.Flush();
        group.Abort(code);
    }

    /// <summary><see cref="Trainer.Continue{T}"/>, or <see cref="DistributedTrainer.Continue{T}"/> as this rank.</summary>
    public TrainingResult<float> Continue(
        TrainingState<float> state, Loss loss, Optimizer optimizer, Dataset<float> train, TrainingOptions options, Dataset<float> test,
        IProgress<TrainingProgress> progress, Action<TrainingState<float>> onEpoch, CancellationToken cancellation = default) =>
        group is null
            ? Trainer.Continue(state, loss, optimizer, train, options, test, progress, onEpoch, cancellation)
            : DistributedTrainer.Continue(group, state, loss, optimizer, train, options, test, progress, onEpoch, cancellation);

    /// <summary><see cref="Trainer.TrainFullBatch{T}"/>, or <see cref="DistributedTrainer.TrainFullBatch{T}"/> as this rank.</summary>
    public MinimizationResult<float> TrainFullBatch(Network<float> network, Loss loss, FullBatchOptimizer minimizer, Dataset<float> train, double l2, Action<int, double> progress) =>
        group is null
            ? Trainer.TrainFullBatch(network, loss, minimizer, train, l2, progress)
            : DistributedTrainer.TrainFullBatch(group, network, loss, minimizer, train, l2, progress);

    /// <summary>Writes the outputs on the leader (<see cref="OutputPaths.WriteAll"/>); the other ranks write nothing and succeed.</summary>
    public int WriteAll(System.Collections.Generic.List<Output> outputs, System.Collections.Generic.List<string> failed) =>
        Leader ? OutputPaths.WriteAll(outputs, failed) : ExitCodes.Success;

    /// <inheritdoc/>
    public void Dispose() => group?.Dispose();
}
