/// Ctrl-C during training: the process ends with 130, says so, and leaves only complete files behind.
module Nn.Cli.Tests.InterruptionTests

open System
open System.IO
open Xunit
open Nn.Cli.Tests.Process

[<Fact>]
let ``SIGINT during training exits with 130, leaves no temporary file and a checkpoint of the last epoch it finished`` () =
    if not (OperatingSystem.IsWindows()) then
        use dir = new TempDirectory()
        use running = new Running(dir.Path, [ "train"; "--epochs"; "5000"; "--checkpoint"; "run.nnck"; "--save"; "m.nnm" ])
        running.WaitForLine "epoch 2/"
        running.Interrupt()
        let run = running.Finish()
        Assert.True((run.ExitCode = 130), $"{run}\nsignals: {running.SignalState}")
        Assert.Contains("nn: interrupted", run.Error)
        assertNoStackTrace run
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"))
        Assert.False(File.Exists(dir.File "m.nnm"))
        let info = dir.Run [ "info"; "run.nnck" ]
        Assert.True((info.ExitCode = 0), string info)
        // Saves are paced to one a second or less, so the file holds the last epoch only because Ctrl-C saved it: the
        // last one printed, or the one before when the signal came between its line and its save.
        let printed = Text.RegularExpressions.Regex.Matches(run.Output, @"^epoch (\d+)/5000 ", Text.RegularExpressions.RegexOptions.Multiline)
        let last = int printed[printed.Count - 1].Groups[1].Value
        let saved = int (Text.RegularExpressions.Regex.Match(info.Output, @"progress\s+(\d+) of 5000 epochs completed").Groups[1].Value)
        Assert.True(saved >= last - 1, $"the checkpoint holds epoch {saved}, the run printed epoch {last}")

[<Theory>]
[<InlineData("train --epochs 500", "epoch 2/500")>]
[<InlineData("gradcheck --layers 64-1000-1000-10", "central differences  parameter")>]
let ``SIGINT on a terminal shows the cursor the progress bar hid`` (arguments: string, drawn: string) =
    // script(1) runs nn on a pseudo-terminal, so the live progress bar (which hides the cursor) is drawn, and
    // records everything written to the terminal in a file. env(1) undoes an inherited "SIGINT ignored", as in
    // Process.Running. The gradient check of a million parameters runs for minutes.
    if OperatingSystem.IsLinux() && File.Exists "/usr/bin/script" then
        use dir = new TempDirectory()
        let info = Diagnostics.ProcessStartInfo("script", WorkingDirectory = dir.Path, RedirectStandardInput = true, RedirectStandardOutput = true)
        for a in [ "-qfec"; $"exec env --default-signal=INT dotnet '{cliDll}' {arguments}"; "terminal.txt" ] do
            info.ArgumentList.Add a
        info.Environment["TERM"] <- "xterm"
        use script = Diagnostics.Process.Start info |> nonNull
        // script(1) copies the terminal to its standard output too. Unread, that pipe fills at 64 KB, and script then
        // blocks writing it, stops reading the terminal and never reaps nn: under load, where the interrupt takes
        // effect a few hundred epochs late, that happened (script(1) seen waiting in anon_pipe_write, nn a zombie).
        let drained = script.StandardOutput.BaseStream.CopyToAsync Stream.Null
        let terminal () =
            use file = new FileStream(dir.File "terminal.txt", FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite)
            use reader = new StreamReader(file)
            reader.ReadToEnd()
        let deadline = DateTime.UtcNow.AddMinutes 2.0
        while not ((terminal ()).Contains drawn) && DateTime.UtcNow < deadline do
            Threading.Thread.Sleep 100
        Assert.Contains("\u001b[?25l", terminal ())
        use children = Diagnostics.Process.Start(Diagnostics.ProcessStartInfo("pgrep", [ "-P"; string script.Id ], RedirectStandardOutput = true)) |> nonNull
        let nn = children.StandardOutput.ReadToEnd().Trim()
        children.WaitForExit()
        Assert.False(String.IsNullOrEmpty nn, "script(1) had no child process to interrupt")
        let signals = signalMasks (int nn)
        use kill = Diagnostics.Process.Start("kill", [ "-INT"; nn ])
        kill.WaitForExit()
        Assert.Equal(0, kill.ExitCode)
        if not (script.WaitForExit(TimeSpan.FromMinutes 1.0)) then
            // Where nn's threads wait, then nn ended so that it does not outlive the test.
            let threads = threadStates (int nn)
            let scriptThreads = threadStates script.Id
            use stop = Diagnostics.Process.Start("kill", [ "-KILL"; nn ])
            stop.WaitForExit()
            Assert.Fail $"nn did not end after SIGINT (signals: {signals}; threads: {threads}; script(1)'s threads: {scriptThreads}); the terminal showed:\n{terminal ()}"
        drained.Wait()
        let text = terminal ()
        // The terminal's record goes in the message: a failure under a loaded machine is otherwise a bare number.
        Assert.True((script.ExitCode = 130), $"exit code {script.ExitCode} (signals before the interrupt: {signals}); the terminal showed:\n{text}")
        Assert.Contains("nn: interrupted", text)
        Assert.True(text.LastIndexOf "\u001b[?25h" > text.LastIndexOf "\u001b[?25l", "the cursor was left hidden")

[<Fact>]
let ``a model given as a FIFO nobody writes is waited on, as cat waits, and Ctrl-C ends the wait with 130`` () =
    if OperatingSystem.IsLinux() then
        use dir = new TempDirectory()
        use mkfifo = Diagnostics.Process.Start("mkfifo", [ dir.File "m.nnm" ])
        mkfifo.WaitForExit()
        use running = new Running(dir.Path, [ "info"; "m.nnm" ])
        // Time to start and block in open(2); Interrupt fails if the program ended instead of waiting.
        Threading.Thread.Sleep 3000
        running.Interrupt()
        let run = running.Finish()
        Assert.True((run.ExitCode = 130), $"{run}\nsignals: {running.SignalState}")
        Assert.Equal("", run.Output)
        assertNoStackTrace run
