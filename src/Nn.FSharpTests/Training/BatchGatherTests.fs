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
