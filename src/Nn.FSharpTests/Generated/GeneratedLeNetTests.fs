/// The declared LeNet-5 of Nn.Examples (float; 1x28x28-conv6k5-maxpool2-conv16k5-maxpool2-120-84-10) against the
/// runtime network of the same architecture: the same parameter layout, outputs, cost and gradient, and no
/// allocation per call once a thread has its buffers.
module Nn.Tests.Generated.GeneratedLeNetTests

open System
open Nn
open Nn.Examples
open Nn.Tests.Helpers
open Xunit

/// Float sums in a different order (per sample here below 8 rows, by GEMM in the runtime): relative to max(1, |runtime|).
/// From 8 rows the generated code runs the runtime's own whole-batch passes.
let private singleVersusRuntime = 1e-4

let private runtimeArchitecture =
    Architecture.Input(1, 28, 28)
        .Conv2D(6, 5, 5, Activation.Relu).MaxPool2D(2)
        .Conv2D(16, 5, 5, Activation.Relu).MaxPool2D(2)
        .Dense(120, Activation.Relu).Dense(84, Activation.Relu).Dense(10, Activation.Softmax)

/// He-initialised θ, random images in [0, 1] and one-hot targets.
let private case (rows: int) (seed: int) =
    let network = LeNetFloat.CreateNetwork(Initializer.He, uint64 seed)
    let random = Random(seed)
    let inputs = Array.init (rows * LeNetFloat.InputSize) (fun _ -> float32 (random.NextDouble()))
    let targets = Array.zeroCreate<float32> (rows * LeNetFloat.OutputSize)
    for i in 0 .. rows - 1 do
        targets[i * LeNetFloat.OutputSize + random.Next LeNetFloat.OutputSize] <- 1.0f
    network, inputs, targets

let private widen (values: float32[]) = Array.map float values

[<Fact>]
let ``the declared LeNet has the runtime's LeNet architecture and parameter layout`` () =
    Assert.Equal(runtimeArchitecture, LeNetFloat.Architecture)
    Assert.Equal("1x28x28-conv6k5(relu)-maxpool2-conv16k5(relu)-maxpool2-120(relu)-84(relu)-10(softmax)", string LeNetFloat.Architecture)
    Assert.Equal(runtimeArchitecture.ParameterCount, LeNetFloat.ParameterCount)
    Assert.Equal(runtimeArchitecture.WeightOffset 2, LeNetFloat.Kernels3Offset)
    Assert.Equal(runtimeArchitecture.BiasOffset 2, LeNetFloat.KernelBias3Offset)
    Assert.Equal(runtimeArchitecture.WeightOffset 4, LeNetFloat.Weights1Offset)
    Assert.Equal(256, LeNetFloat.Layer1Inputs)
    Assert.Equal((16, 4, 4), (LeNetFloat.Spatial4Channels, LeNetFloat.Spatial4Height, LeNetFloat.Spatial4Width))

[<Theory>]
[<InlineData(1, 3)>]
[<InlineData(5, 4)>]
[<InlineData(20, 5)>]
let ``the declared LeNet's cost and gradient equal the runtime's`` (rows: int, seed: int) =
    let network, inputs, targets = case rows seed
    let theta = network.Parameters.ToArray()
    let gradient = Array.zeroCreate<float32> LeNetFloat.ParameterCount
    let cost = LeNetFloat.CostAndGradientBatch(ReadOnlySpan theta, ReadOnlySpan inputs, ReadOnlySpan targets, rows, Span gradient)
    let expected =
        Backprop.Gradient(network, LeNetFloat.LossFunction, Matrix<float32>.Create(rows, LeNetFloat.InputSize, inputs), Matrix<float32>.Create(rows, LeNetFloat.OutputSize, targets))
    assertClose singleVersusRuntime (float expected.Loss) (float cost)
    assertClose singleVersusRuntime (float expected.Loss) (float (LeNetFloat.CostBatch(ReadOnlySpan theta, ReadOnlySpan inputs, ReadOnlySpan targets, rows)))
    assertAllClose singleVersusRuntime (widen (expected.Gradient.ToArray())) (widen gradient)
    // Every block of θ gets gradient: ReLU does not silence a whole layer at He initialisation.
    for l in 0 .. runtimeArchitecture.Stack.Length - 1 do
        let layer = runtimeArchitecture.Stack[l]
        if layer.WeightCount > 0 then
            Assert.True(gradient.AsSpan(runtimeArchitecture.WeightOffset l, layer.WeightCount).ToArray() |> Array.exists (fun g -> g <> 0.0f), sprintf "layer %d's gradient is all zero" l)

[<Theory>]
[<InlineData(3)>]
[<InlineData(12)>]
let ``the declared LeNet's forward pass equals the runtime's`` (rows: int) =
    let network, inputs, _ = case rows 6
    let theta = network.Parameters.ToArray()
    let outputs = Array.zeroCreate<float32> (rows * LeNetFloat.OutputSize)
    LeNetFloat.ForwardBatch(ReadOnlySpan theta, ReadOnlySpan inputs, Span outputs, rows)
    let expected = network.Forward(Matrix<float32>.Create(rows, LeNetFloat.InputSize, inputs)).AsSpan().ToArray()
    assertAllClose singleVersusRuntime (widen expected) (widen outputs)

[<Fact>]
let ``the declared LeNet allocates nothing per call after a thread's first`` () =
    let network, inputs, targets = case 16 7
    let theta = network.Parameters.ToArray()
    let gradient = Array.zeroCreate<float32> LeNetFloat.ParameterCount
    let outputs = Array.zeroCreate<float32> (16 * LeNetFloat.OutputSize)
    let call () =
        // 4 rows run per sample, 16 on the whole-batch path.
        LeNetFloat.CostAndGradientBatch(ReadOnlySpan theta, ReadOnlySpan(inputs, 0, 4 * LeNetFloat.InputSize), ReadOnlySpan(targets, 0, 4 * LeNetFloat.OutputSize), 4, Span gradient) |> ignore
        LeNetFloat.CostAndGradientBatch(ReadOnlySpan theta, ReadOnlySpan inputs, ReadOnlySpan targets, 16, Span gradient) |> ignore
        LeNetFloat.CostBatch(ReadOnlySpan theta, ReadOnlySpan inputs, ReadOnlySpan targets, 16) |> ignore
        LeNetFloat.ForwardBatch(ReadOnlySpan theta, ReadOnlySpan inputs, Span outputs, 16)
        LeNetFloat.CostAndGradient(ReadOnlySpan theta, ReadOnlySpan(inputs, 0, LeNetFloat.InputSize), ReadOnlySpan(targets, 0, LeNetFloat.OutputSize), Span gradient) |> ignore
    call ()
    // The tiered JIT may allocate once on this thread when it promotes a method; a per-call allocation shows every time.
    let bytes =
        [ for _ in 1 .. 5 ->
            let before = GC.GetAllocatedBytesForCurrentThread()
            call ()
            GC.GetAllocatedBytesForCurrentThread() - before ]
    Assert.Equal(0L, List.min bytes)
