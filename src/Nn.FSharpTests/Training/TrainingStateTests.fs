/// The training state as a value: a network, an optimiser state, a generator that can move, a count and a history.
module Nn.Tests.Training.TrainingStateTests

open System
open System.Collections.Immutable
open System.Reflection
open Nn
open Xunit

let private start =
    let network = Network.Create<float32>(Architecture.Input(3).Dense(2, Activation.Softmax), Initializer.Xavier, 1UL)
    Trainer.Start(network, Adam 0.01, 5UL)

let private make network optimizerState random epochs history =
    TrainingState<float32>(network, optimizerState, random, epochs, history) |> ignore

[<Fact>]
let ``a state refuses a null network or optimiser state, naming it`` () =
    let network = Assert.Throws<ArgumentNullException>(fun () -> make Unchecked.defaultof<Network<float32>> start.OptimizerState start.Random 0 start.History)
    Assert.Equal("Network", network.ParamName)
    let optimizer = Assert.Throws<ArgumentNullException>(fun () -> make start.Network Unchecked.defaultof<OptimizerState<float32>> start.Random 0 start.History)
    Assert.Equal("OptimizerState", optimizer.ParamName)

[<Fact>]
let ``a state refuses the all-zero random state, which would never shuffle, and takes any other`` () =
    let e = Assert.Throws<ArgumentException>(fun () -> make start.Network start.OptimizerState (RandomState()) 0 start.History)
    Assert.Equal("Random", e.ParamName)
    Assert.StartsWith("the random state is all zeros, which the generator never leaves; make one with RandomState.FromSeed.", e.Message)
    Assert.Equal(RandomState(0UL, 0UL, 0UL, 1UL), TrainingState<float32>(start.Network, start.OptimizerState, RandomState(0UL, 0UL, 0UL, 1UL), 0, start.History).Random)

[<Fact>]
let ``a state refuses a negative epoch count and a default or holed history, naming them`` () =
    let epochs = Assert.Throws<ArgumentOutOfRangeException>(fun () -> make start.Network start.OptimizerState start.Random -1 start.History)
    Assert.Equal("EpochsCompleted", epochs.ParamName)
    Assert.StartsWith("the epochs completed must be 0 or more, not -1.", epochs.Message)
    let unset = Assert.Throws<ArgumentException>(fun () -> make start.Network start.OptimizerState start.Random 0 (ImmutableArray<EpochRecord>()))
    Assert.Equal("History", unset.ParamName)
    let hole = Assert.Throws<ArgumentException>(fun () -> make start.Network start.OptimizerState start.Random 1 (ImmutableArray.Create(Unchecked.defaultof<EpochRecord>)))
    Assert.StartsWith("the history's record 0 is null.", hole.Message)

[<Fact>]
let ``a state's parts are checked when set after construction too, as C#'s with sets them`` () =
    let state = start
    let parts: (string * objnull) list =
        [ "Network", null; "OptimizerState", null; "Random", box (RandomState()); "EpochsCompleted", box -2; "History", box (ImmutableArray<EpochRecord>()) ]
    for name, value in parts do
        let e = Assert.Throws<TargetInvocationException>(fun () -> (nonNull (typeof<TrainingState<float32>>.GetProperty name)).SetValue(state, value))
        Assert.IsAssignableFrom<ArgumentException>(e.InnerException) |> ignore
    Assert.Equal(start, state)

[<Fact>]
let ``a training result refuses a null state or message, naming it, rather than failing when its network is read`` () =
    let state = Assert.Throws<ArgumentNullException>(fun () -> TrainingResult<float32>(Unchecked.defaultof<TrainingState<float32>>, StopReason.Completed, "done") |> ignore)
    Assert.Equal("State", state.ParamName)
    let message = Assert.Throws<ArgumentNullException>(fun () -> TrainingResult<float32>(start, StopReason.Completed, Unchecked.defaultof<string>) |> ignore)
    Assert.Equal("Message", message.ParamName)

[<Fact>]
let ``an epoch record refuses an epoch number below 1, when made and in C#'s with`` () =
    let e = Assert.Throws<ArgumentOutOfRangeException>(fun () -> EpochRecord(-5, 0.5, 0.5, Nullable(), Nullable()) |> ignore)
    Assert.Equal("the epoch number counts from 1, but is -5. (Parameter 'Epoch')", e.Message)
    let record = EpochRecord(1, 0.5, 0.5, Nullable(), Nullable())
    let set = Assert.Throws<TargetInvocationException>(fun () -> (nonNull (typeof<EpochRecord>.GetProperty "Epoch")).SetValue(record, box 0))
    Assert.Equal("Epoch", (Assert.IsType<ArgumentOutOfRangeException>(set.InnerException)).ParamName)
    Assert.Equal(1, record.Epoch)

let private xor =
    let inputs = Matrix<float>.FromArray(array2D [ [ 0.0; 0.0 ]; [ 0.0; 1.0 ]; [ 1.0; 0.0 ]; [ 1.0; 1.0 ] ])
    Dataset.FromTargets(inputs, Matrix<float>.FromArray(array2D [ [ 0.0 ]; [ 1.0 ]; [ 1.0 ]; [ 0.0 ] ]))

let private xorNetwork = Network.Create<float>(Architecture.Input(2).Dense(4, Activation.Tanh).Dense(1, Activation.Sigmoid), Initializer.Xavier, 1UL)

[<Fact>]
let ``a state's last epoch is its history's last record, and null before the first epoch`` () =
    Assert.Null(start.LastEpoch)
    let seen = ResizeArray<TrainingState<float>>()
    let result = Trainer.Train(xorNetwork, Loss.BinaryCrossEntropy, Sgd 0.5, xor, TrainingOptions(5, 4, 1UL), onEpoch = Action<_> seen.Add)
    for state in seen do
        Assert.Equal(state.EpochsCompleted, state.History.Length)
        Assert.Same(state.History[state.History.Length - 1], state.LastEpoch)
        Assert.Equal(state.EpochsCompleted, (nonNull state.LastEpoch).Epoch)
    Assert.Equal<int list>([ 1..5 ], [ for r in result.History -> r.Epoch ])
    let made = TrainingState<float>(xorNetwork, (Trainer.Start(xorNetwork, Sgd 0.5, 5UL)).OptimizerState, start.Random, 2, ImmutableArray.Create(EpochRecord(1, 1.0, 0.5, Nullable(), Nullable()), EpochRecord(2, 0.5, 1.0, Nullable(), Nullable())))
    Assert.Equal(2, (nonNull made.LastEpoch).Epoch)
    // As C#'s with sets it.
    (nonNull (typeof<TrainingState<float>>.GetProperty "History")).SetValue(made, ImmutableArray.Create(EpochRecord(1, 1.0, 0.5, Nullable(), Nullable())))
    Assert.Equal(1, (nonNull made.LastEpoch).Epoch)

[<Fact>]
let ``what a run allocates per epoch does not grow with the epochs behind it`` () =
    // An epoch of XOR allocates its snapshot and a few small records; copying the history each epoch, as it once was,
    // adds 8 bytes per earlier epoch: 12 KB more an epoch at the end of the window than at its start.
    let bytes = ResizeArray<int64>()
    let options = TrainingOptions(3_000, 4, 1UL, Threads = 1)
    let result = Trainer.Train(xorNetwork, Loss.BinaryCrossEntropy, Sgd 0.5, xor, options, onEpoch = fun _ -> bytes.Add(GC.GetAllocatedBytesForCurrentThread()))
    Assert.Equal(StopReason.Completed, result.Reason)
    let perEpoch first last = float (bytes[last] - bytes[first]) / float (last - first)
    let early, late = perEpoch 999 1_499, perEpoch 2_499 2_999
    Assert.True(late - early < 256.0, $"{early:F0} bytes an epoch at epochs 1,000-1,500, {late:F0} at 2,500-3,000")
