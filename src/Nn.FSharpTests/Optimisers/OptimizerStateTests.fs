/// The optimiser's state as a value: it counts 0 to 2^53 steps and holds an array of vectors, whichever way it is made.
module Nn.Tests.Optimisers.OptimizerStateTests

open System
open System.Collections.Immutable
open System.Reflection
open Nn
open Xunit

let private two = ImmutableArray.Create(ParameterVector<float>.Zeros 3, ParameterVector<float>.Zeros 3)

[<Fact>]
let ``a state counts 0 to 2^53 steps and refuses any other count, naming Step`` () =
    Assert.Equal(0L, OptimizerState<float>(0L, two).Step)
    Assert.Equal(9007199254740992L, OptimizerState<float>.MaxStep)
    Assert.Equal(OptimizerState<float>.MaxStep, OptimizerState<float>(OptimizerState<float>.MaxStep, two).Step)
    for step in [ -1L; Int64.MinValue; OptimizerState<float>.MaxStep + 1L; Int64.MaxValue ] do
        let e = Assert.Throws<ArgumentOutOfRangeException>(fun () -> OptimizerState<float>(step, two) |> ignore)
        Assert.Equal("Step", e.ParamName)
        Assert.StartsWith(sprintf "an optimiser state counts 0 to 9007199254740992 steps, not %d." step, e.Message)

[<Fact>]
let ``a state refuses a default array of moments or a null moment, naming Moments; an empty array is plain SGD's`` () =
    Assert.Equal(0, OptimizerState<float32>(4L, ImmutableArray.Empty).Moments.Length)
    let unset = Assert.Throws<ArgumentException>(fun () -> OptimizerState<float>(1L, ImmutableArray<ParameterVector<float>>()) |> ignore)
    Assert.Equal("Moments", unset.ParamName)
    Assert.StartsWith("an optimiser state's moments must be an array (empty for plain SGD), not a default ImmutableArray.", unset.Message)
    let hole = Assert.Throws<ArgumentException>(fun () -> OptimizerState<float>(1L, ImmutableArray.Create(ParameterVector<float>.Zeros 3, Unchecked.defaultof<ParameterVector<float>>)) |> ignore)
    Assert.StartsWith("an optimiser state's moment 1 is null.", hole.Message)

[<Fact>]
let ``a state's step and moments are checked when set after construction too, as C#'s with sets them`` () =
    let state = OptimizerState<float>(2L, two)
    let set name (value: objnull) =
        let e = Assert.Throws<TargetInvocationException>(fun () -> (nonNull (typeof<OptimizerState<float>>.GetProperty name)).SetValue(state, value))
        Assert.IsAssignableFrom<ArgumentException>(e.InnerException) |> ignore
    set "Step" (box -5L)
    set "Moments" (box (ImmutableArray<ParameterVector<float>>()))
    Assert.Equal(2L, state.Step)
