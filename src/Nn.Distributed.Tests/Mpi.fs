/// Starting MPI jobs of this machine's processes from a test, with a time limit, and reading what their ranks wrote.
module Nn.Distributed.Tests.Mpi

open System
open System.Diagnostics
open System.IO
open System.Reflection

// One job at a time: each is several processes on a machine that may have two cores, and jobs run side by side
// would only make each one's sums wait for the processes the others keep busy.
[<assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)>]
do ()

/// Debian's MPICH launcher (the package mpich); plain `mpiexec` may be Open MPI's, which MPI.NET cannot use.
let launcher = "mpiexec.mpich"

/// This assembly, which is also the rank program (Program.fs).
let testsDll = Assembly.GetExecutingAssembly().Location

/// The CLI's dll, built by the project reference: src/Nn.Cli/bin/CONFIGURATION/TFM/Nn.Cli.dll next to this project's output.
let cliDll =
    let output = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)
    let up (path: string) = Path.GetDirectoryName path |> nonNull
    let framework = Path.GetFileName output |> nonNull
    let configuration = Path.GetFileName(up output) |> nonNull
    let src = output |> up |> up |> up |> up
    Path.Combine(src, "Nn.Cli", "bin", configuration, framework, "Nn.Cli.dll")

/// What a job produced.
type Run =
    { ExitCode: int
      Output: string
      Error: string
      Seconds: float }
    override this.ToString() = sprintf "exit %d after %.1f s\nstdout:\n%s\nstderr:\n%s" this.ExitCode this.Seconds this.Output this.Error

/// Runs a program with extra environment variables in a directory and waits at most the limit; past it the whole
/// process tree is killed and the test fails.
let runProgramWith (environment: (string * string) list) (directory: string) (limit: TimeSpan) (program: string) (args: string list) =
    let info = ProcessStartInfo(program, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory)
    for a in args do
        info.ArgumentList.Add a
    info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] <- "1"
    for name, value in environment do
        info.Environment[name] <- value
    let clock = Stopwatch.StartNew()
    use proc = Process.Start info |> nonNull
    let output = proc.StandardOutput.ReadToEndAsync()
    let error = proc.StandardError.ReadToEndAsync()
    if not (proc.WaitForExit limit) then
        proc.Kill true
        proc.WaitForExit()
        failwithf "%s %s did not finish within %.0f s (a hang):\nstdout:\n%s\nstderr:\n%s" program (String.Join(" ", args)) limit.TotalSeconds output.Result error.Result
    { ExitCode = proc.ExitCode; Output = output.Result; Error = error.Result; Seconds = clock.Elapsed.TotalSeconds }

/// Runs a program in a directory and waits at most the limit; past it the whole process tree is killed and the test fails.
let runProgram directory limit program args = runProgramWith [] directory limit program args

/// The limit of one job: generous for a busy 2-core CI machine, short enough that a hang fails the test quickly.
let limit = TimeSpan.FromMinutes 2.0

/// `mpiexec.mpich ARGS` in a directory.
let mpiexec (directory: string) (args: string list) = runProgram directory limit launcher args

/// Runs a scenario on n ranks with extra environment variables and returns each rank's lines, in rank order; fails
/// with the job's output if it failed.
let ranksWith (environment: (string * string) list) (n: int) (scenario: string) (directory: string) =
    let run = runProgramWith environment directory limit launcher [ "-n"; string n; "dotnet"; testsDll; "rank"; scenario; directory ]
    if run.ExitCode <> 0 then failwithf "the %d-rank job %s failed:\n%O" n scenario run
    [ for r in 0 .. n - 1 -> File.ReadAllLines(Path.Combine(directory, sprintf "rank%d.txt" r)) |> List.ofArray ]

/// Runs a scenario on n ranks (all on this machine, so their sums go through shared memory) and returns each rank's
/// lines, in rank order; fails with the job's output if it failed.
let ranks (n: int) (scenario: string) (directory: string) = ranksWith [] n scenario directory

/// The environment that keeps MPI's collectives for the sums although every rank runs on this machine: the path of
/// a job spread over several machines.
let collectives = [ "NN_MPI_SHARED_MEMORY", "0" ]

/// A fresh temporary directory, deleted when disposed.
type TempDirectory() =
    let path = Path.Combine(Path.GetTempPath(), "nn-distributed-tests-" + Guid.NewGuid().ToString("N"))
    do Directory.CreateDirectory path |> ignore
    member _.Path = path
    member _.File(name: string) = Path.Combine(path, name)
    interface IDisposable with
        member _.Dispose() = Directory.Delete(path, true)
