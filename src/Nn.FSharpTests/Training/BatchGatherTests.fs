/// Gathering a batch's samples on several threads copies exactly what one thread copies.
module Nn.Tests.Training.BatchGatherTests

open System
open Nn
open Nn.Kernels
open Xunit

[<Theory>]
[<InlineData(2, 300)>]
[<InlineData(3, 257)>]
[<InlineData(2, 7)>]
let ``a batch gathered on several threads equals the batch gathered on one`` (threads: int, rows: int) =
    let samples, inputs, classes = 500, 80, 4
    let random = Random(3)
    let x = Matrix<float32>.Own(samples, inputs, Array.init (samples * inputs) (fun _ -> float32 (random.NextDouble())))
    let data = Dataset.FromLabels(x, Array.init samples (fun i -> i % classes), classes)
    let order = Array.init samples id
    random.Shuffle order
    let gathered (pool: WorkerPool option) =
        let batchInputs = Array.zeroCreate<float32> (rows * inputs)
        let batchTargets = Array.zeroCreate<float32> (rows * classes)
        let gather = BatchGather<float32>(data, order, batchInputs, batchTargets, Option.toObj pool)
        gather.Gather(100, rows)
        batchInputs, batchTargets
    let oneInputs, oneTargets = gathered None
    use pool = new WorkerPool(threads)
    let manyInputs, manyTargets = gathered (Some pool)
    Assert.Equal<float32[]>(oneInputs, manyInputs)
    Assert.Equal<float32[]>(oneTargets, manyTargets)
    // And both are the samples in the epoch's order.
    Assert.Equal<float32[]>(x.RowArray(order[100 + rows - 1]), oneInputs[(rows - 1) * inputs ..])

[<Fact>]
let ``on two threads with a mirror the batch's x is gathered twice, and a batch gathered alone leaves the mirror unmarked`` () =
    let samples, inputs, rows = 400, 256, 64
    let random = Random(4)
    let x = Matrix<float32>.Own(samples, inputs, Array.init (samples * inputs) (fun _ -> float32 (random.NextDouble())))
    let data = Dataset.FromLabels(x, Array.init samples (fun i -> i % 3), 3)
    let order = Array.init samples id
    random.Shuffle order
    let batchInputs = Array.zeroCreate<float32> (rows * inputs)
    let mirror = InputMirror<float32>(rows * inputs)
    use pool = new WorkerPool(2)
    let gather = BatchGather<float32>(data, order, batchInputs, Array.zeroCreate (rows * 3), pool, mirror)
    gather.Gather(17, rows)
    Assert.Equal<float32[]>(x.RowArray(order[17 + rows - 1]), batchInputs[(rows - 1) * inputs ..])
    Assert.Equal<float32[]>(batchInputs, mirror.For(ReadOnlySpan batchInputs).ToArray())
    gather.Gather(18, rows, false)
    Assert.True(mirror.For(ReadOnlySpan batchInputs).IsEmpty, "the copy is of the last batch, not this one")
