/// Running the nn program as a separate process, and the files the tests write for it.
module Nn.Cli.Tests.Process

open System
open System.Diagnostics
open System.IO
open System.Text.RegularExpressions
open Nn.Tests.IdxFiles
open Xunit

/// The CLI's dll, built by the project reference: src/Nn.Cli/bin/CONFIGURATION/TFM/Nn.Cli.dll next to this project's output.
let cliDll =
    let output = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)
    let up (path: string) = Path.GetDirectoryName path |> nonNull
    let framework = Path.GetFileName output |> nonNull
    let configuration = Path.GetFileName(up output) |> nonNull
    let src = output |> up |> up |> up |> up
    Path.Combine(src, "Nn.Cli", "bin", configuration, framework, "Nn.Cli.dll")

/// What a run of the program produced.
type Run =
    { ExitCode: int
      Output: string
      Error: string }
    override this.ToString() = sprintf "exit %d\nstdout:\n%s\nstderr:\n%s" this.ExitCode this.Output this.Error

/// Runs `dotnet Nn.Cli.dll ARGS` in a directory with extra environment variables and the given standard input
/// (none: an empty one), and waits for it.
let runWith (directory: string) (environment: (string * string) list) (input: byte[] option) (args: string list) =
    let info =
        ProcessStartInfo("dotnet", RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, WorkingDirectory = directory)
    info.ArgumentList.Add cliDll
    for a in args do
        info.ArgumentList.Add a
    for name, value in environment do
        info.Environment[name] <- value
    use proc = Process.Start info |> nonNull
    let output = proc.StandardOutput.ReadToEndAsync()
    let error = proc.StandardError.ReadToEndAsync()
    // Written from another task: a large input would otherwise fill the pipe while the program fills its output.
    let feed =
        System.Threading.Tasks.Task.Run(fun () ->
            try
                match input with
                | Some bytes -> proc.StandardInput.BaseStream.Write(bytes, 0, bytes.Length)
                | None -> ()
                proc.StandardInput.Close()
            with :? IOException -> ()) // the program may exit without reading all of it
    if not (proc.WaitForExit(TimeSpan.FromMinutes 2.0)) then
        proc.Kill true
        failwithf "nn %s did not finish within 2 minutes" (String.Join(" ", args))
    feed.Wait()
    { ExitCode = proc.ExitCode; Output = output.Result; Error = error.Result }

/// Runs `dotnet Nn.Cli.dll ARGS` in a directory and waits for it.
let runIn (directory: string) (args: string list) = runWith directory [] None args

/// A fresh temporary directory, deleted when disposed.
type TempDirectory() =
    let path = Path.Combine(Path.GetTempPath(), "nn-cli-tests-" + Guid.NewGuid().ToString("N"))
    do Directory.CreateDirectory path |> ignore
    member _.Path = path
    member _.File(name: string) = Path.Combine(path, name)
    member this.Run(args: string list) = runIn path args
    member this.RunWith(environment, input, args: string list) = runWith path environment input args
    interface IDisposable with
        member _.Dispose() = Directory.Delete(path, true)

/// Runs `dotnet Nn.Cli.dll ARGUMENTS REDIRECTIONS` through sh in a directory, for what only a shell can set up (a
/// closed descriptor, `<&-`; a device, `> /dev/full`), and returns the exit code and standard error.
let runRedirected (directory: string) (arguments: string) (redirections: string) =
    let info =
        ProcessStartInfo("sh", [ "-c"; $"exec dotnet \"$0\" {arguments} {redirections}"; cliDll ], RedirectStandardError = true, WorkingDirectory = directory)
    use shell = Process.Start info |> nonNull
    let error = shell.StandardError.ReadToEndAsync()
    if not (shell.WaitForExit(TimeSpan.FromMinutes 2.0)) then
        shell.Kill true
        failwithf "nn %s %s did not finish within 2 minutes" arguments redirections
    shell.ExitCode, error.Result

/// The accuracy and the correct/total count of the "test accuracy A (c/n)" line that train and eval end with.
let accuracyOf (run: Run) =
    let m = Regex.Match(run.Output, @"test accuracy (\d\.\d{4}) \((\d+)/(\d+)\)")
    if not m.Success then failwithf "no accuracy line in the output:\n%O" run
    Double.Parse(m.Groups[1].Value, Globalization.CultureInfo.InvariantCulture), m.Value

/// A Fashion-MNIST-shaped set: count 28×28 images of 10 classes, class c a bright horizontal band at rows 2c..2c+3 plus noise.
let fashionLike (count: int) (seed: int) =
    let random = Random seed
    let labels = Array.init count (fun i -> byte (i % 10))
    let pixels =
        [| for i in 0 .. count - 1 do
               for row in 0 .. 27 do
                   for _ in 0 .. 27 do
                       let band = row >= 2 * int labels[i] && row < 2 * int labels[i] + 4
                       yield byte ((if band then 180 else 0) + random.Next 60) |]
    idxBytes [ count; 28; 28 ] pixels, idxBytes [ count ] labels

/// Whether any output of a run shows a .NET stack trace or the default handler's "Unhandled exception".
let showsStackTrace (run: Run) =
    let text = run.Output + run.Error
    text.Contains("Unhandled exception", StringComparison.Ordinal) || Regex.IsMatch(text, @"^\s+at \S+\(", RegexOptions.Multiline)

/// How a process treats signals (Linux's ignored, blocked and caught masks from /proc), for failure messages.
let signalMasks (pid: int) =
    try
        File.ReadAllLines $"/proc/{pid}/status" |> Array.filter (fun l -> l.StartsWith("Sig", StringComparison.Ordinal)) |> String.concat "; "
    with :? IOException -> "no /proc status"

/// Where each thread of a process waits (name, state and kernel wait channel from /proc), for the message of a run
/// that did not end: a rare hang after SIGINT in a parallel CI run left nothing else to go on.
let threadStates (pid: int) =
    let read (path: string) = try (File.ReadAllText path).Trim() with :? IOException | :? UnauthorizedAccessException -> "?"
    try
        Directory.GetDirectories $"/proc/{pid}/task"
        |> Array.map (fun task ->
            // The state is the field after the name in parentheses, which may itself hold spaces.
            let stat = read $"{task}/stat"
            let state = match stat.LastIndexOf ')' with -1 -> "?" | i -> stat.Substring(i + 2, 1)
            String.Join(" ", read (task + "/comm"), state, read (task + "/wchan")))
        |> String.concat "; "
    with :? IOException | :? UnauthorizedAccessException -> "no /proc task list"

/// A run of the program that the test can watch and signal while it works.
type Running(directory: string, args: string list) =
    // env(1) gives nn SIGINT's default disposition: a shell without job control starts background commands (CI's
    // among them) with SIGINT ignored, children inherit that, and .NET rightly leaves an ignored SIGINT ignored.
    let info = ProcessStartInfo("env", RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory)
    do
        info.ArgumentList.Add "--default-signal=INT"
        info.ArgumentList.Add "dotnet"
        info.ArgumentList.Add cliDll
        for a in args do
            info.ArgumentList.Add a
    let proc = Process.Start info |> nonNull
    let output = Text.StringBuilder()
    let lines = new Collections.Concurrent.BlockingCollection<string>()
    let rec pump () =
        match proc.StandardOutput.ReadLine() with
        | null -> lines.CompleteAdding()
        | line ->
            lock output (fun () -> output.AppendLine line |> ignore)
            lines.Add line
            pump ()
    // A thread of its own, not the pool's: when parallel tests starve the pool, a pooled reader could start only
    // after the program ended, and a test would then interrupt a process that is already gone.
    let mutable signalState = "not interrupted yet"
    let reader = Threading.Tasks.Task.Factory.StartNew(pump, Threading.Tasks.TaskCreationOptions.LongRunning)
    let error = proc.StandardError.ReadToEndAsync()

    /// Waits (at most 2 minutes) for a line of standard output that starts with the prefix.
    member _.WaitForLine(prefix: string) =
        let deadline = DateTime.UtcNow.AddMinutes 2.0
        let mutable found = false
        while not found && DateTime.UtcNow < deadline && not lines.IsCompleted do
            let mutable line = ""
            if lines.TryTake(&line, 1000) && line.StartsWith(prefix, StringComparison.Ordinal) then found <- true
        if not found then failwithf "nn %s never printed a line starting '%s'" (String.Join(" ", args)) prefix

    /// Sends SIGINT, as Ctrl-C in a terminal does.
    member _.Interrupt() =
        signalState <- signalMasks proc.Id
        if proc.HasExited then
            failwithf "nn %s ended (exit %d) before it could be interrupted" (String.Join(" ", args)) proc.ExitCode
        use kill = Process.Start("kill", [ "-INT"; string proc.Id ])
        kill.WaitForExit()
        if kill.ExitCode <> 0 then failwithf "kill -INT %d failed with exit %d" proc.Id kill.ExitCode

    /// The interrupted process's signal masks as /proc showed them just before SIGINT was sent.
    member _.SignalState = signalState

    /// Waits for the program to end and returns what it produced.
    member _.Finish() =
        if not (proc.WaitForExit(TimeSpan.FromMinutes 2.0)) then
            let threads = threadStates proc.Id
            proc.Kill true
            failwithf "nn %s did not finish within 2 minutes (signals: %s; threads: %s)" (String.Join(" ", args)) signalState threads
        reader.Wait()
        { ExitCode = proc.ExitCode; Output = lock output (fun () -> output.ToString()); Error = error.Result }

    interface IDisposable with
        member _.Dispose() =
            if not proc.HasExited then proc.Kill true
            proc.Dispose()
            lines.Dispose()

/// Fails when the output shows a crash instead of a message: an unhandled exception or a .NET stack frame.
let assertNoStackTrace (run: Run) =
    Assert.False(showsStackTrace run, sprintf "the run crashed instead of giving a message:\n%s\n%s" run.Output run.Error)
