/// Shared test helpers: building values from F# literals, reading test data, comparing with named tolerances.
module Nn.Tests.Helpers

open System
open System.Globalization
open System.IO
open Nn
open Xunit

/// The folder the test data files are copied to.
let testData name = Path.Combine(AppContext.BaseDirectory, "TestData", name)

/// binary.csv's preprocessing as the model files in TestData were written with: target admit, rank one-hot, standardised.
let admitPreprocessing () =
    Preprocessing.Fit(Table.Load(testData "binary.csv", Nullable true), PreprocessingOptions([ "admit" ], Categorical = [ "rank" ], Standardize = true))

/// The 6-4-2 tanh/softmax model over binary.csv's preprocessing (Xavier, seed 3) that TestData's model_v3.nnm holds.
let admitModel () =
    Model<float32>(Network.Create<float32>(Architecture.Input(6).Dense(4, Activation.Tanh).Dense(2, Activation.Softmax), Initializer.Xavier, 3UL), admitPreprocessing ())

let inv (text: string) = Double.Parse(text.Trim(), CultureInfo.InvariantCulture)

/// A matrix from F# rows.
let matrix (rows: float[][]) = Matrix<float>.FromRows(rows |> Array.map (fun r -> r :> Collections.Generic.IReadOnlyList<float>))

/// Reads a headerless CSV of numbers.
let readCsv (name: string) =
    File.ReadAllLines(testData name)
    |> Array.filter (fun l -> l.Trim() <> "")
    |> Array.map (fun l -> l.Split(',') |> Array.map inv)

/// Asserts |expected − actual| ≤ tolerance·max(1, |expected|).
let assertClose (tolerance: float) (expected: float) (actual: float) =
    let scale = max 1.0 (abs expected)
    if not (abs (expected - actual) <= tolerance * scale) then
        failwithf "expected %.17g but got %.17g (difference %.3g, tolerance %.3g)" expected actual (abs (expected - actual)) (tolerance * scale)

/// Asserts two arrays agree element-wise within tolerance.
let assertAllClose (tolerance: float) (expected: float[]) (actual: float[]) =
    Assert.Equal(expected.Length, actual.Length)
    Array.iter2 (assertClose tolerance) expected actual

/// Runs the action with the thread's culture and UI culture set to the named one (e.g. "de-DE"), then restores them.
let underCulture (culture: string) (action: unit -> 'T) =
    let saved, savedUi = CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture
    CultureInfo.CurrentCulture <- CultureInfo.GetCultureInfo culture
    CultureInfo.CurrentUICulture <- CultureInfo.GetCultureInfo culture
    try
        action ()
    finally
        CultureInfo.CurrentCulture <- saved
        CultureInfo.CurrentUICulture <- savedUi

/// The exception message of an action that must throw 'E.
let messageOf<'E when 'E :> exn> (action: unit -> unit) : string =
    let e = Assert.ThrowsAny<'E>(fun () -> action ())
    e.Message

/// The first five damaged inputs (name, bytes) whose reading threw anything but 'E, with what escaped: a reader's
/// law in the sweep tests is "reads, or throws 'E".
let escapesOf<'E when 'E :> exn> (read: byte[] -> unit) (damaged: seq<string * byte[]>) =
    damaged
    |> Seq.choose (fun (damage, bytes) ->
        try
            read bytes
            None
        with
        | :? 'E -> None
        | e -> Some(damage, e))
    |> Seq.truncate 5
    |> List.ofSeq

/// The numbers of one "name = a, b, c" line of a golden file.
let goldenValues (lines: string[]) (name: string) =
    let line = lines |> Array.find (fun l -> l.TrimStart().StartsWith(name + " ", StringComparison.Ordinal) || l.TrimStart().StartsWith(name + "=", StringComparison.Ordinal))
    let values = line.Substring(line.IndexOf('=') + 1)
    values.Split(',') |> Array.map inv

/// The relative tolerance for double-precision results that went through a handful of operations.
let doubleRounding = 1e-12

/// Fewest bytes any of <c>windows</c> windows of <c>size</c> steps of <c>run</c> (batches of <c>batch</c> rows out of
/// <c>rows</c>) allocates on this thread, after <c>warmUp</c> steps. The runtime's tiered JIT promotes hot methods at a
/// moment of its choosing and may allocate once on the calling thread when it does (a CI run once saw 2 KB in a window
/// of tiny batch-1 steps); an allocation made by the step itself would show in every window, so the fewest is the
/// steady state. A window of 0 bytes is the least there can be, so the windows after it are not run.
let fewestStepBytes (run: TrainingRun<float32>) (rows: int) (batch: int) (warmUp: int) (windows: int) (size: int) =
    let steps (first: int) count =
        for s in first .. first + count - 1 do
            let struct (_, failure) = run.Step(int64 s, (s * batch) % (rows - batch), batch)
            Assert.Null failure
    steps 1 warmUp
    let window (index: int) =
        let before = GC.GetAllocatedBytesForCurrentThread()
        steps (warmUp + 1 + size * index) size
        GC.GetAllocatedBytesForCurrentThread() - before
    let rec fewest index least =
        if index = windows || least = 0L then least else fewest (index + 1) (min least (window index))
    fewest 0 Int64.MaxValue

/// L-BFGS with `memory` pairs for three iterations on x² + 4y² + 9z² from (1, 1, 1), recording every point it evaluates
/// with its cost: the result, the points and costs in order, and the gradient as a function of the point.
let lbfgsOnAxisBowl (memory: int) =
    let evaluated = ResizeArray<float[] * float>()
    let gradientAt (p: float[]) = [| 2.0 * p[0]; 8.0 * p[1]; 18.0 * p[2] |]
    let objective (theta: ParameterVector<float>) =
        let p = theta.ToArray()
        let cost = p[0] * p[0] + 4.0 * p[1] * p[1] + 9.0 * p[2] * p[2]
        evaluated.Add((p, cost))
        LossAndGradient<float>(cost, ParameterVector<float>.Create(ReadOnlySpan(gradientAt p)))
    let result =
        (Lbfgs(Memory = memory, MaxIterations = 3, GradientTolerance = 0.0, FunctionTolerance = 0.0))
            .Minimize(Func<_, _> objective, ParameterVector<float>.Create(ReadOnlySpan [| 1.0; 1.0; 1.0 |]))
    result, evaluated, gradientAt

/// `length` values drawn uniformly from [−1, 1) by a generator seeded with `seed`: operands for kernel tests, where only
/// bit-for-bit agreement between two ways of computing the same thing is checked.
let uniformValues (seed: int) length =
    let r = Random(seed)
    Array.init length (fun _ -> r.NextDouble() * 2.0 - 1.0)

/// Runs `check` with no team on one thread, or with a float and a double team sharing one pool of `threads` threads.
let withTeams (threads: int) (check: Nn.Kernels.GemmTeam<float32> option -> Nn.Kernels.GemmTeam<float> option -> unit) =
    if threads = 1 then
        check None None
    else
        use pool = new Nn.Kernels.WorkerPool(threads)
        check (Some(Nn.Kernels.GemmTeam<float32>(pool))) (Some(Nn.Kernels.GemmTeam<float>(pool)))

/// Waits up to ten seconds for a condition (a loaded CI machine may be slow to schedule a worker), then gives its value.
let eventually (condition: unit -> bool) =
    let clock = Diagnostics.Stopwatch.StartNew()
    while not (condition ()) && clock.Elapsed < TimeSpan.FromSeconds 10.0 do
        Threading.Thread.Sleep 1
    condition ()

/// Pushes a two-thread pool's balance to a 20/80 cut (the caller the slower side when `slowerCaller`), as a run on a
/// machine with one slow vCPU would, and keeps it there, so that the regions it cuts are cut far from even.
let skewBalance (pool: Nn.Kernels.WorkerPool) (slowerCaller: bool) =
    for _ in 1 .. 200 do
        if slowerCaller then pool.Balance.Learn(0.5, 1_000_000L, 1L) else pool.Balance.Learn(0.5, 1L, 1_000_000L)
    pool.Balance.Learning <- false

/// Two parts; a part on the calling thread waits until a worker has run a part of the same region, so every region
/// runs one part on each side, and a region whose hand-over to the worker was lost never finishes inside the time
/// limit and is counted as missed.
type Rendezvous() =
    let caller = Environment.CurrentManagedThreadId
    let mutable region = 0
    let mutable workerRegion = 0
    /// Regions whose worker part did not come within ten seconds.
    member val Missed = 0 with get, set
    /// Runs one region on the pool.
    member this.Run(pool: Nn.Kernels.WorkerPool) =
        region <- region + 1
        pool.Run(this, 2)
        if Threading.Volatile.Read(&workerRegion) <> region then this.Missed <- this.Missed + 1
    interface Nn.Kernels.IPartitionedWork with
        member _.Execute(_, _) =
            if Environment.CurrentManagedThreadId <> caller then
                Threading.Volatile.Write(&workerRegion, region)
            else
                let clock = Diagnostics.Stopwatch.StartNew()
                while Threading.Volatile.Read(&workerRegion) <> region && clock.Elapsed < TimeSpan.FromSeconds 10.0 do
                    Threading.Thread.SpinWait 1

/// The choices `chooser` makes over `count` units of work, unit i taking `time i split` ticks in the mode chosen for it.
let splitDecisions (chooser: ISplitDecision) count (time: int -> bool -> int64) =
    [ for i in 0 .. count - 1 do
          let split = chooser.Next()
          chooser.Record(time i split)
          split ]
