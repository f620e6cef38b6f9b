/// One network used by several threads at once. A network is an immutable value, so a program may hand it to many
/// threads; each call must then give the bits it gives alone. Whatever a call writes — the thread's kept workspaces,
/// a team lent by the idle teams, the region objects and pinned pointers its workers read — must belong to that
/// call only, or a call in flight on another thread could overwrite it or run its parts.
module Nn.Tests.Networks.ConcurrentCallsTests

open System
open System.Threading
open System.Threading.Tasks
open Nn
open Nn.Tests.Helpers
open Xunit

/// Large enough that a two-thread call splits its work: a 64-row step has 606 k multiply–adds (its products and
/// passes go to regions), a deferred SGD block of 32 samples 262 k in its first layer, and a 400-row forward pass
/// is cut into two shares.
let private architecture = Architecture.Input(64).Dense(128, Activation.Tanh).Dense(10, Activation.Softmax)

let private network = Network.Create<float>(architecture, Initializer.Xavier, 5UL)

let private inputs =
    Matrix<float>.FromArray(Array2D.init 400 64 (fun i j -> sin (0.37 * float (i * 64 + j))))

let private targets =
    Matrix<float>.FromArray(Array2D.init 400 10 (fun i k -> if k = i % 10 then 1.0 else 0.0))

let private data = Dataset.FromTargets(inputs, targets).Select(ReadOnlySpan [| 0 .. 255 |])

let private trained (rule: Optimizer) batch =
    let result = Trainer.Train(network, Loss.SoftmaxCrossEntropy, rule, data, TrainingOptions(1, batch, 3UL, Threads = 2))
    Array.append (result.Network.Parameters.ToArray()) [| for record in result.History -> record.TrainCost |]

/// Every call of the test, each giving its result as one array of doubles: forward passes on one thread and on
/// two, a backpropagated gradient, a run of mini-batch Adam steps and one of per-sample SGD in deferred blocks,
/// both on two threads.
let private calls: (unit -> float[])[] =
    [| fun () -> Network.Forward(network, inputs).AsSpan().ToArray()
       fun () -> Network.Forward(network, inputs, 2).AsSpan().ToArray()
       fun () ->
           let result = Backprop.Gradient(network, Loss.SoftmaxCrossEntropy, inputs, targets)
           Array.append [| result.Loss |] (result.Gradient.ToArray())
       fun () -> trained (Adam 0.002) 64
       fun () -> trained (Sgd 0.05) 1 |]

[<Fact>]
let ``calls on one network from four threads at once give the bits each gives alone`` () =
    let alone = calls |> Array.map (fun call -> call ())
    let threads = 4
    let rounds = 2
    let results = Array.init threads (fun _ -> Array.zeroCreate<float[]> (rounds * calls.Length))
    use start = new Barrier(threads)
    let work thread () =
        start.SignalAndWait()
        // Each thread runs the calls in its own order, so different calls overlap in each round.
        for round in 0 .. rounds - 1 do
            for i in 0 .. calls.Length - 1 do
                let call = (i + thread) % calls.Length
                results[thread][(round * calls.Length) + call] <- calls[call] ()
    // Threads of their own (a pool thread might wait for the others to be scheduled), and a failure on any of
    // them comes back to the test through its task.
    let workers = Array.init threads (fun thread -> Task.Factory.StartNew(work thread, TaskCreationOptions.LongRunning))
    Task.WaitAll workers
    for thread in 0 .. threads - 1 do
        for round in 0 .. rounds - 1 do
            for call in 0 .. calls.Length - 1 do
                Assert.Equal<float[]>(alone[call], results[thread][(round * calls.Length) + call])
