using System;

namespace Nn;

/// <summary>
/// A checkpoint was to be resumed with data or settings other than those it was made with, so the run would not be
/// the continuation of the saved one. The message names the field, the checkpoint's value and the given value.
/// </summary>
/// <example><code>
/// try { checkpoint.EnsureResumableWith(DataFingerprint.Of(train), rule, loss, options); }
/// catch (CheckpointMismatchException e) { Console.Error.WriteLine(e.Message); }
/// // cannot resume: the checkpoint's batch size is 64, but 16 was given.
/// </code></example>
public sealed class CheckpointMismatchException : Exception
{
    /// <summary>Creates the exception; the message is built from the parts.</summary>
    /// <param name="field">What differs, e.g. "batch size" or "training data".</param>
    /// <param name="checkpointValue">The checkpoint's value.</param>
    /// <param name="givenValue">The value given for the resumed run.</param>
    public CheckpointMismatchException(string field, string checkpointValue, string givenValue)
        : base($"cannot resume: the checkpoint's {field} is {checkpointValue}, but {givenValue} was given.")
    {
        Field = field;
        CheckpointValue = checkpointValue;
        GivenValue = givenValue;
    }

    /// <summary>What differs.</summary>
    public string Field { get; }

    /// <summary>The checkpoint's value.</summary>
    public string CheckpointValue { get; }

    /// <summary>The value given for the resumed run.</summary>
    public string GivenValue { get; }
}
