/// Copying θ and the moments on a run's threads: every element lands where it belongs, whatever the length and the
/// thread count, and a vector long enough is split into a region of the pool.
module Nn.Tests.Kernels.ParallelCopyTests

open System
open Nn.Kernels
open Xunit

let private lengths = [ 0; 1; 63; 64; 65; ParallelCopy.MinimumParallelLength - 1; ParallelCopy.MinimumParallelLength; ParallelCopy.MinimumParallelLength + 1; 235_146 ]

let private values length = Array.init length (fun i -> float i * 0.5 - 7.25)

[<Fact>]
let ``a copy holds every element of the source on one, two and three threads`` () =
    for threads in [ 1; 2; 3 ] do
        use pool = new WorkerPool(threads)
        for length in lengths do
            let source = values length
            let copied = Array.create length nan
            ParallelCopy.Copy(ReadOnlySpan source, Span copied, pool)
            Assert.Equal<float>(source, copied)
            Assert.Equal<float32>(Array.map float32 source, ParallelCopy.Clone(ReadOnlySpan(Array.map float32 source), pool))

[<Fact>]
let ``without a pool the copy runs on the calling thread and is the same`` () =
    let source = values 100_000
    Assert.Equal<float>(source, ParallelCopy.Clone(ReadOnlySpan source, null))

[<Fact>]
let ``a long vector is copied as one region of the pool and a short one on the caller alone`` () =
    use pool = new WorkerPool(2)
    let before = pool.Counters
    ParallelCopy.Clone(ReadOnlySpan(values (ParallelCopy.MinimumParallelLength - 1)), pool) |> ignore
    Assert.Equal(0L, (pool.Counters.Since before).Regions)
    ParallelCopy.Clone(ReadOnlySpan(values ParallelCopy.MinimumParallelLength), pool) |> ignore
    Assert.Equal(1L, (pool.Counters.Since before).Regions)

[<Fact>]
let ``a destination of another length is refused with both lengths named`` () =
    let error = Assert.Throws<ArgumentException>(fun () -> ParallelCopy.Copy(ReadOnlySpan(values 10), Span(Array.zeroCreate<float> 9), null))
    Assert.Contains("9", error.Message)
    Assert.Contains("10", error.Message)

[<Fact>]
let ``a copy into fresh memory, its pages backed first, holds every element of the source`` () =
    for threads in [ 1; 2 ] do
        use pool = new WorkerPool(threads)
        for length in lengths do
            let source = values length
            let copied = Array.create length nan
            ParallelCopy.Copy(ReadOnlySpan source, Span copied, pool, true)
            Assert.Equal<float>(source, copied)

[<Fact>]
let ``a destination longer than the source is refused too, not filled in part`` () =
    let destination = Array.create 11 nan
    let error = Assert.Throws<ArgumentException>(fun () -> ParallelCopy.Copy(ReadOnlySpan(values 10), Span destination, null))
    Assert.Contains("11", error.Message)
    Assert.All(destination, fun x -> Assert.True(Double.IsNaN x))
