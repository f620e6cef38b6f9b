/// Subnormal θ and moment entries are set to zero on a fixed step schedule, so that decaying weights do not slow
/// training down on CPUs that compute with subnormals through microcode assists.
module Nn.Tests.Training.SubnormalFlushTests

open System
open Nn
open Xunit

[<Fact>]
let ``flushing float32 values zeroes the subnormal ones and counts them`` () =
    let values = [| Single.Epsilon; -1e-40f; 1.17549435e-38f; -1.17549435e-38f; 0.0f; -0.0f; 1.0f; Single.NaN; Single.PositiveInfinity; 3e-39f |]
    let flushed = SubnormalFlush.Flush(Span values)
    Assert.Equal(3, flushed)
    Assert.Equal<float32>([| 0.0f; 0.0f; 1.17549435e-38f; -1.17549435e-38f; 0.0f; -0.0f; 1.0f |], values[0..6])
    Assert.True(Single.IsNaN values[7])
    Assert.Equal(Single.PositiveInfinity, values[8])
    Assert.Equal(0.0f, values[9])

[<Fact>]
let ``flushing double values zeroes the subnormal ones and keeps the smallest normal`` () =
    let values = [| Double.Epsilon; 2.2250738585072014e-308; -1e-310; 1e-300 |]
    Assert.Equal(2, SubnormalFlush.Flush(Span values))
    Assert.Equal<float>([| 0.0; 2.2250738585072014e-308; 0.0; 1e-300 |], values)

[<Fact>]
let ``flushing theta and the moments covers every vector`` () =
    let theta = [| 1e-40f; 1.0f |]
    let moments = [| [| 2.0f; 1e-41f |]; [| 1e-42f; 1e-43f |] |]
    Assert.Equal(4, SubnormalFlush.Flush(theta, moments))
    Assert.Equal<float32>([| 0.0f; 1.0f |], theta)
    Assert.Equal<float32>([| 2.0f; 0.0f |], moments[0])
    Assert.Equal<float32>([| 0.0f; 0.0f |], moments[1])

[<Fact>]
let ``flushing covers moments kept for a rank's block, shorter than theta, to their ends`` () =
    let theta = [| 1.0f; 1.0f; 1.0f; 1e-40f |]
    let moments = [| [| 1.0f; 1e-41f |]; [| 1e-42f; 2.0f |] |]
    Assert.Equal(3, SubnormalFlush.Flush(theta, moments))
    Assert.Equal<float32>([| 1.0f; 0.0f |], moments[0])
    Assert.Equal<float32>([| 0.0f; 2.0f |], moments[1])

[<Fact>]
let ``flushing refuses a null theta or a null set of moments, naming it`` () =
    let theta = Assert.Throws<ArgumentNullException>(fun () -> SubnormalFlush.Flush(Unchecked.defaultof<float32[]>, [||]) |> ignore)
    Assert.Equal("theta", theta.ParamName)
    let moments = Assert.Throws<ArgumentNullException>(fun () -> SubnormalFlush.Flush([| 1.0f |], Unchecked.defaultof<float32[][]>) |> ignore)
    Assert.Equal("moments", moments.ParamName)

/// A weight on an input that is zero in every sample gets a zero gradient, so SGD leaves it exactly as it is —
/// subnormal — until the flush at step 64 sets it to zero.
let private weightOnBlankInputAfter (epochs: int) =
    let rows (values: float32[][]) = Matrix<float32>.FromRows(values |> Array.map (fun r -> r :> Collections.Generic.IReadOnlyList<float32>))
    let data = Dataset.FromTargets(rows [| [| 0.0f; 1.0f |]; [| 0.0f; -1.0f |] |], rows [| [| 0.5f |]; [| -0.5f |] |])
    let architecture = Architecture.Input(2).Dense(1, Activation.Identity)
    let network = Network.FromParameters<float32>(architecture, ReadOnlySpan [| 1e-40f; 0.25f; 0.0f |])
    let result = Trainer.Train(network, Loss.Quadratic, Sgd 0.1, data, TrainingOptions(epochs, 2, 1UL))
    Assert.Equal(StopReason.Completed, result.Reason)
    result.Network.Parameters[0]

[<Fact>]
let ``a subnormal weight survives 63 mini-batch steps unchanged and is zero after the 64th`` () =
    Assert.Equal(1e-40f, weightOnBlankInputAfter 63)
    Assert.Equal(0.0f, weightOnBlankInputAfter 64)

[<Fact>]
let ``under Adam a weight decaying through the subnormal range is zero at the step it gets there, not at the next flush`` () =
    // The weight on the always-blank input has a zero gradient and a subnormal m: β₁m is subnormal at step 1.
    let rows (values: float32[][]) = Matrix<float32>.FromRows(values |> Array.map (fun r -> r :> Collections.Generic.IReadOnlyList<float32>))
    let data = Dataset.FromTargets(rows [| [| 0.0f; 1.0f |]; [| 0.0f; -1.0f |] |], rows [| [| 0.5f |]; [| -0.5f |] |])
    let architecture = Architecture.Input(2).Dense(1, Activation.Identity)
    let network = Network.FromParameters<float32>(architecture, ReadOnlySpan [| 1e-40f; 0.25f; 0.0f |])
    let rule = Adam 0.01
    let state = Trainer.Start(network, rule, 1UL)
    let moments = state.OptimizerState.Moments |> Seq.map (fun m -> let values = m.AsSpan().ToArray() in values[0] <- 1e-39f; ParameterVector<float32>.Create(ReadOnlySpan values))
    let seeded = TrainingState<float32>(state.Network, OptimizerState<float32>(0L, Collections.Immutable.ImmutableArray.CreateRange moments), state.Random, 0, state.History)
    let result = Trainer.Continue(seeded, Loss.Quadratic, rule, data, TrainingOptions(1, 2, 1UL))
    Assert.Equal(StopReason.Completed, result.Reason)
    Assert.Equal(0.0f, result.State.Network.Parameters[0])
    for moment in result.State.OptimizerState.Moments do
        Assert.Equal(0.0f, moment[0])
