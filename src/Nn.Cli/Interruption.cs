using System;
using System.Runtime.InteropServices;
using System.Threading;
using Spectre.Console;

namespace Nn.Cli;

/// <summary>
/// What Ctrl-C (SIGINT) does during a long command: it saves what <see cref="OnExit"/> registered (a paced
/// checkpoint's last epoch), waits for a file being written to be complete (every save runs inside
/// <see cref="Uninterrupted{T}"/>), shows the cursor the progress bar hid, says so and exits with 130,
/// the shell's code for a SIGINT. Without this the runtime would end the process mid-write, leaving a temporary file.
/// </summary>
internal static class Interruption
{
    /// <summary>The exit code after Ctrl-C: 128 + SIGINT, as a shell reports a process killed by it.</summary>
    public const int ExitCode = 130;

    /// <summary>Held while a file is written; the SIGINT handler takes it before exiting.</summary>
    public static readonly object Gate = new();

    private static Action? beforeExit;

    /// <summary>Handles SIGINT until the returned registration is disposed.</summary>
    public static IDisposable Install() => PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
    {
        context.Cancel = true;

        // Before the gate, which the save takes in its turn (as a save on the training thread does).
        SaveBeforeExit();
        lock (Gate)
        {
            if (TrainingDisplay.Interactive)
            {
                AnsiConsole.Cursor.Show();
            }

            Cli.Error("interrupted; files already written are complete.");
            Environment.Exit(ExitCode);
        }
    });

    /// <summary>
    /// Has Ctrl-C run <paramref name="flush"/> before it exits, until the returned registration is disposed: a paced
    /// checkpoint's last epoch is then saved, not lost.
    /// </summary>
    public static IDisposable OnExit(Action flush)
    {
        Volatile.Write(ref beforeExit, flush);
        return new Registration(() => Interlocked.CompareExchange(ref beforeExit, null, flush));
    }

    /// <summary>Runs <paramref name="write"/> so that Ctrl-C cannot end the process in the middle of it.</summary>
    public static void Uninterrupted(Action write)
    {
        lock (Gate)
        {
            write();
        }
    }

    /// <summary>Runs <paramref name="write"/> so that Ctrl-C cannot end the process in the middle of it, and returns its result.</summary>
    public static T Uninterrupted<T>(Func<T> write)
    {
        lock (Gate)
        {
            return write();
        }
    }

    private static void SaveBeforeExit()
    {
        try
        {
            Volatile.Read(ref beforeExit)?.Invoke();
        }
        catch (Exception e)
        {
            // Ctrl-C still ends the run with 130; the file keeps what the last completed save wrote.
            Cli.Error($"could not save before exiting: {e.Message}");
        }
    }

    private sealed class Registration(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
