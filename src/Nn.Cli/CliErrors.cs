using System;

namespace Nn.Cli;

/// <summary>The program's exit codes.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked and its check (if any) passed.</summary>
    public const int Success = 0;

    /// <summary>
    /// The command ran but its result failed: training diverged, or a gradient check was out of tolerance; also an
    /// unexpected fault of the program itself, reported in one line.
    /// </summary>
    public const int Failed = 1;

    /// <summary>The command line was wrong: an unknown command or option, or a value that makes no sense.</summary>
    public const int Usage = 2;

    /// <summary>An input file is missing or malformed, or holds what the command cannot do (a category ONNX cannot hold).</summary>
    public const int BadInput = 3;
}

/// <summary>A command-line value the parser accepted but the command cannot use; reported with the usage text.</summary>
/// <param name="message">What is wrong, naming the option, the expected and the actual value.</param>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>
/// An input the command read but cannot give a result for, such as a model whose outputs are not finite on the data;
/// reported in one line naming the input, exit code 3.
/// </summary>
/// <param name="message">What is wrong, naming the file and the data.</param>
internal sealed class BadInputException(string message) : Exception(message);
