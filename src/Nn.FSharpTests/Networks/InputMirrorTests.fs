/// The second thread's copy of a gathered batch: given out only for the batch it holds, read by the parts after the
/// first in a dense step's first product and first weight gradient, and never a cause of different bits.
module Nn.Tests.Networks.InputMirrorTests

open System
open Nn
open Nn.Kernels
open Xunit

[<Fact>]
let ``a mirror gives its copy only for the start of the batch it was marked with, and nothing once unmarked`` () =
    let mirror = InputMirror<float32>(12)
    let original = Array.init 12 float32
    let other = Array.copy original
    Assert.True(mirror.For(ReadOnlySpan original).IsEmpty, "nothing is marked yet")
    mirror.Mark(original, 8)
    Assert.Equal(8, mirror.For(ReadOnlySpan(original, 0, 8)).Length)
    Assert.Equal(5, mirror.For(ReadOnlySpan(original, 0, 5)).Length)
    Assert.True(mirror.For(ReadOnlySpan(original, 0, 9)).IsEmpty, "longer than the marked batch")
    Assert.True(mirror.For(ReadOnlySpan(original, 1, 5)).IsEmpty, "not where the batch starts")
    Assert.True(mirror.For(ReadOnlySpan other).IsEmpty, "another array with the same values")
    mirror.Mark(null, 0)
    Assert.True(mirror.For(ReadOnlySpan(original, 0, 8)).IsEmpty, "unmarked")

/// Network B's shape at batch 128: its first layer is wider than the batch, so z¹ is computed by columns first.
let private networkB = Architecture.Input(784).Dense(256, Activation.Relu).Dense(128, Activation.Relu).Dense(10, Activation.Softmax)

/// z¹ and the gradient of a step in two regions on two threads, the mirror holding x plus `forProduct` while the
/// first product runs and x plus `forGradients` while the weight gradients do (unmarked for None).
let private step (forProduct: float32 option) (forGradients: float32 option) =
    let rows = 128
    let random = Random(9)
    let x = Array.init (rows * 784) (fun _ -> float32 (random.NextDouble()))
    let y = Array.init (rows * 10) (fun i -> if i % 10 = (i / 10) % 10 then 1.0f else 0.0f)
    let theta = Network.Create<float32>(networkB, Initializer.He, 4UL).Parameters.ToArray()
    use pool = new WorkerPool(2)
    let workspace = Workspace<float32>(networkB, rows, GemmTeam<float32>(pool))
    let mirror, regions =
        match workspace.Mirror, workspace.StepRegions with
        | null, _ | _, null -> failwith "a dense workspace on two threads has a mirror and step regions"
        | mirror, regions -> mirror, regions
    let mark offset =
        match offset with
        | Some d ->
            Array.iteri (fun i v -> mirror.Copy[i] <- v + d) x
            mirror.Mark(x, x.Length)
        | None -> mirror.Mark(null, 0)
    mark forProduct
    regions.ForwardAndDeltas(Loss.SoftmaxCrossEntropy, ReadOnlySpan theta, ReadOnlySpan x, ReadOnlySpan y, rows)
    let gradient = Array.zeroCreate<float32> theta.Length
    mark forGradients
    regions.Gradients(ReadOnlySpan x, rows, Span gradient, true)
    Array.copy workspace.Z[0], gradient

[<Fact>]
let ``a faithful mirror leaves a two-thread step's bits those of the step without one`` () =
    Assert.Equal(step None None, step (Some 0.0f) (Some 0.0f))

[<Fact>]
let ``the parts after the first read x from the mirror in the first product`` () =
    let z, _ = step None None
    let skewed, _ = step (Some 1.0f) None
    // Part 0 reads x itself: z¹'s first column does not move; the last, part 1's, does.
    Assert.Equal(z[0], skewed[0])
    Assert.NotEqual(z[255], skewed[255])

[<Fact>]
let ``the parts after the first read x from the mirror in the first layer's weight gradient`` () =
    let _, gradient = step None None
    let _, skewed = step None (Some 1.0f)
    // ∂W¹[0, 0] is part 0's, ∂W¹[0, 783] part 1's.
    Assert.Equal(gradient[0], skewed[0])
    Assert.NotEqual(gradient[783], skewed[783])
