/// The one kernel dispatch: what the CPU supports, the process's default, refusing a path the CPU cannot run, a run's
/// path reaching every kernel (its workers' too), and forcing Portable reaching no vector body at all.
module Nn.Tests.Kernels.KernelSelectionTests

open System
open System.IO
open System.Threading
open System.Threading.Tasks
open Nn
open Nn.Kernels
open Xunit

[<Fact>]
let ``the best path and the default are paths this CPU runs, and auto resolves to the default`` () =
    Assert.True(KernelSelection.IsSupported KernelSelection.Best)
    Assert.True(KernelSelection.IsSupported KernelSelection.Default)
    Assert.NotEqual(KernelPath.Auto, KernelSelection.Default)
    Assert.Equal(KernelSelection.Default, KernelSelection.Resolve KernelPath.Auto)
    Assert.Contains(KernelPath.Portable, KernelSelection.Supported())
    Assert.Contains(KernelSelection.Best, KernelSelection.Supported())

[<Fact>]
let ``the best path is the widest supported one, and Vector128 wherever the CPU is ARM64`` () =
    let widest = KernelSelection.Supported() |> Array.maxBy (function
        | KernelPath.Vector512 -> 3
        | KernelPath.Vector256 -> 2
        | KernelPath.Vector128 -> 1
        | _ -> 0)
    Assert.Equal(widest, KernelSelection.Best)
    if Runtime.Intrinsics.Arm.AdvSimd.Arm64.IsSupported then
        Assert.Equal(KernelPath.Vector128, KernelSelection.Best)

[<Fact>]
let ``a value that is no kernel path is refused as out of range, naming the paths there are`` () =
    let impossible = enum<KernelPath> 99
    Assert.False(KernelSelection.IsSupported impossible)
    for refuse in [ (fun () -> KernelSelection.Resolve impossible |> ignore); (fun () -> KernelSelection.Enter(impossible).Dispose()) ] do
        let message = Nn.Tests.Helpers.messageOf<ArgumentOutOfRangeException> refuse
        Assert.Contains("99", message)
        for name in Enum.GetNames<KernelPath>() do
            Assert.Contains(name, message)
    Nn.Tests.Helpers.messageOf<ArgumentOutOfRangeException> (fun () -> TrainingOptions(1, Kernels = impossible) |> ignore)
    |> fun m -> Assert.Contains("Kernels", m)

[<Fact>]
let ``the refusal of a path the CPU lacks names the paths it can run`` () =
    let message = KernelSelection.Unsupported KernelPath.Vector512
    for path in KernelSelection.Supported() do
        Assert.Contains(string path, message)
    Assert.Contains(string KernelSelection.Best, message)

[<Fact>]
let ``every vector path the CPU lacks is refused when training options ask for it`` () =
    for path in [ KernelPath.Vector128; KernelPath.Vector256; KernelPath.Vector512 ] do
        if KernelSelection.IsSupported path then
            Assert.Equal(path, TrainingOptions(1, Kernels = path).Kernels)
        else
            let message = Nn.Tests.Helpers.messageOf<NotSupportedException> (fun () -> TrainingOptions(1, Kernels = path) |> ignore)
            Assert.Contains(string path, message)

[<Theory>]
[<InlineData("auto", KernelPath.Auto)>]
[<InlineData("Portable", KernelPath.Portable)>]
[<InlineData(" vector128 ", KernelPath.Vector128)>]
[<InlineData("VECTOR256", KernelPath.Vector256)>]
[<InlineData("vector512", KernelPath.Vector512)>]
let ``path names read in any case`` (name: string, expected: KernelPath) =
    let ok, path = KernelSelection.TryParse name
    Assert.True ok
    Assert.Equal(expected, path)

[<Theory>]
[<InlineData("")>]
[<InlineData("avx2")>]
[<InlineData("vector64")>]
[<InlineData("2")>]
let ``anything else is not a path name`` (name: string) =
    let ok, _ = KernelSelection.TryParse name
    Assert.False ok

[<Fact>]
let ``a scope holds for the code inside it and the threads it starts, not for a thread already running, and restores the path before it`` () =
    let before = KernelSelection.Resolve KernelPath.Auto
    use entered = new ManualResetEventSlim(false)
    use looked = new ManualResetEventSlim(false)
    let mutable running = KernelPath.Auto
    let already =
        Thread(fun () ->
            entered.Wait()
            running <- KernelSelection.Resolve KernelPath.Auto
            looked.Set())
    already.Start()
    do
        use _ = KernelScope.Enter KernelPath.Portable
        Assert.Equal(KernelPath.Portable, KernelSelection.Resolve KernelPath.Auto)
        entered.Set()
        looked.Wait()
        let mutable started = KernelPath.Auto
        let thread = Thread(fun () -> started <- KernelSelection.Resolve KernelPath.Auto)
        thread.Start()
        thread.Join()
        Assert.Equal(KernelPath.Portable, started)
    already.Join()
    Assert.Equal(KernelSelection.Default, running)
    Assert.Equal(before, KernelSelection.Resolve KernelPath.Auto)

[<Fact>]
let ``a scope holds across an await that moves the code to another thread, and the thread it left keeps its own path`` () =
    // Before scopes flowed with the execution context, the thread that entered the scope kept Portable after the
    // method awaited (for whatever it ran next), and the code after the await ran on the default path.
    let released = TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
    let flow () =
        task {
            use _ = KernelSelection.Enter KernelPath.Portable
            let before = KernelSelection.Resolve KernelPath.Auto
            do! released.Task
            return before, KernelSelection.Resolve KernelPath.Auto
        }
    let mutable pending = Unchecked.defaultof<Task<KernelPath * KernelPath>>
    let mutable leftOn = KernelPath.Auto
    let caller =
        Thread(fun () ->
            pending <- flow ()
            leftOn <- KernelSelection.Resolve KernelPath.Auto)
    caller.Start()
    caller.Join()
    Assert.Equal(KernelSelection.Default, leftOn)
    released.SetResult()
    Assert.Equal((KernelPath.Portable, KernelPath.Portable), pending.Result)

[<Fact>]
let ``a scope disposed while one entered after it is open is refused and changes nothing, and disposing twice does nothing`` () =
    let before = KernelSelection.Resolve KernelPath.Auto
    let outer = KernelSelection.Enter KernelPath.Portable
    let inner = KernelSelection.Enter KernelSelection.Best
    let e = Assert.Throws<InvalidOperationException>(fun () -> outer.Dispose())
    Assert.StartsWith("a kernel path scope (Portable) was disposed while a scope entered after it is still open", e.Message)
    Assert.Equal(KernelSelection.Best, KernelSelection.Resolve KernelPath.Auto)
    inner.Dispose()
    inner.Dispose()
    Assert.Equal(KernelPath.Portable, KernelSelection.Resolve KernelPath.Auto)
    outer.Dispose()
    outer.Dispose()
    Assert.Equal(before, KernelSelection.Resolve KernelPath.Auto)

/// Records the path each part runs on and the thread that ran it; part 0 waits until another thread has started part 1.
type private PathRecordingWork(parts: int) =
    let started1 = new ManualResetEventSlim(false)
    member val Paths = Array.create parts KernelPath.Auto
    member val Threads = Array.zeroCreate<int> parts
    interface IPartitionedWork with
        member this.Execute(part, _) =
            this.Paths[part] <- KernelSelection.Resolve KernelPath.Auto
            this.Threads[part] <- Environment.CurrentManagedThreadId
            if part = 1 then started1.Set()
            if part = 0 then started1.Wait(TimeSpan.FromSeconds 30.0) |> ignore

[<Fact>]
let ``a pool's workers run their parts on the path of the thread that hands them the work`` () =
    use pool = new WorkerPool(2, TimeSpan.FromSeconds 5.0)
    for path in KernelSelection.Supported() do
        use _ = KernelScope.Enter path
        let work = PathRecordingWork(2)
        pool.Run(work, 2)
        Assert.NotEqual(work.Threads[0], work.Threads[1])
        Assert.Equal<KernelPath[]>([| path; path |], work.Paths)

let private digits = lazy (Digits.Load<float32>().Train.Select(ReadOnlySpan [| 0..95 |]))

/// A few steps of each kind of layer and update the library has: dense and conv layers, max-pooling, batch
/// normalisation, dropout, softmax and sigmoid outputs, Adam and momentum.
let private runs (path: KernelPath) =
    let train = digits.Value
    let options = TrainingOptions(1, 32, 1UL, Kernels = path)
    let dense = Network.Create<float32>(Architecture.Input(64).Dense(16, Activation.Tanh).BatchNorm().Dropout(0.1).Dense(10, Activation.Softmax), Initializer.He, 1UL)
    let conv = Network.Create<float32>(Architecture.Input(1, 8, 8).Conv2D(4, 3, 3, Activation.Relu, padding = 1).MaxPool2D(2).Dense(10, Activation.Sigmoid), Initializer.He, 1UL)
    [ Trainer.Train(dense, Loss.SoftmaxCrossEntropy, Adam(0.01), train, options, train).Network.Parameters.ToArray()
      Trainer.Train(conv, Loss.Quadratic, Momentum(0.05, 0.9), train, options, train).Network.Parameters.ToArray() ]

[<Fact>]
let ``training forced onto Portable dispatches every kernel to scalar code, and a vector path only to its own width`` () =
    // The digits are made (and their values checked, on the default path) before counting starts: making data is
    // not part of the run, and which test forces the shared value first depends on the order xunit picks.
    digits.Force() |> ignore
    for path in KernelSelection.Supported() do
        use census = KernelCensus.Start()
        runs path |> ignore
        Assert.True(census.Of path > 100L, sprintf "%A: only %d kernel calls counted" path (census.Of path))
        for other in [ KernelPath.Portable; KernelPath.Vector128; KernelPath.Vector256; KernelPath.Vector512 ] do
            if other <> path then
                Assert.True((census.Of other = 0L), sprintf "a run on %A dispatched %d kernel calls to %A" path (census.Of other) other)

[<Fact>]
let ``a scope from KernelSelection.Enter puts evaluation on its path, and the path before it back when it ends`` () =
    let network = Network.Create<float32>(Architecture.Input(64).Dense(16, Activation.Relu).Dense(10, Activation.Softmax), Initializer.He, 1UL)
    let before = KernelSelection.Resolve KernelPath.Auto
    do
        use census = KernelCensus.Start()
        do
            use _ = KernelSelection.Enter KernelPath.Portable
            Evaluation.Evaluate(network, digits.Value) |> ignore
        Assert.True(census.Of KernelPath.Portable > 0L, "no kernel call counted")
        for other in [ KernelPath.Vector128; KernelPath.Vector256; KernelPath.Vector512 ] do
            Assert.Equal(0L, census.Of other)
    Assert.Equal(before, KernelSelection.Resolve KernelPath.Auto)

/// The repository's src/Nn folder, found from the test assembly's folder.
let private librarySources =
    lazy
        (let rec up (folder: DirectoryInfo | null) =
            match folder with
            | null -> failwith "no Functional.sln above the test assembly's folder"
            | folder when File.Exists(Path.Combine(folder.FullName, "Functional.sln")) -> Path.Combine(folder.FullName, "src", "Nn")
            | folder -> up folder.Parent
         up (DirectoryInfo AppContext.BaseDirectory))

/// A use of a vector type or of TensorPrimitives in code (comments aside).
let private vectorUse =
    Text.RegularExpressions.Regex(@"TensorPrimitives|System\.Runtime\.Intrinsics|Vector(128|256|512)|(?<![A-Za-z.])Vector(\.|<\w+>[. ])")

[<Fact>]
let ``vector code lives only in the kernels, behind the dispatch, in the library and in its distributed package`` () =
    let kernels = Path.Combine(librarySources.Value, "Kernels") + string Path.DirectorySeparatorChar
    let generated = string Path.DirectorySeparatorChar + "obj" + string Path.DirectorySeparatorChar
    // The distributed package computes on θ too (its sums of gradients), so it must take the same dispatch.
    let distributed = Path.Combine(Path.GetDirectoryName(librarySources.Value) |> nonNull, "Nn.Distributed")
    let offenders =
        [| librarySources.Value; distributed |]
        |> Array.collect (fun folder -> Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories))
        |> Array.filter (fun file -> not (file.StartsWith(kernels, StringComparison.Ordinal)) && not (file.Contains generated))
        |> Array.collect (fun file ->
            File.ReadAllLines file
            |> Array.mapi (fun i line -> i + 1, line)
            |> Array.filter (fun (_, line) -> not (line.TrimStart().StartsWith("//", StringComparison.Ordinal)) && vectorUse.IsMatch line)
            |> Array.map (fun (number, _) -> sprintf "%s:%d" (Path.GetFileName file) number))
    Assert.True(Array.isEmpty offenders, sprintf "vector code outside src/Nn/Kernels: %s" (String.Join(", ", offenders)))
