/// Architecture.FromSizes: the same architecture as adding its dense layers one at a time, made in one step.
module Nn.Tests.Networks.ArchitectureTests

open System
open Nn
open Xunit
open FsCheck.Xunit

let private oneAtATime (sizes: int list) (hidden: Activation) (output: Activation) (hasBias: bool) =
    let last = List.length sizes - 1
    sizes |> List.indexed |> List.tail
    |> List.fold (fun (a: Architecture) (i, size) -> a.Dense(size, (if i = last then output else hidden), hasBias)) (Architecture.Input sizes.Head)

[<Property>]
let ``an architecture from sizes is the one their dense layers make added one at a time`` (first: byte) (rest: byte list) (hasBias: bool) =
    let sizes = [ for size in first :: (if rest.IsEmpty then [ 1uy ] else rest) -> 1 + int size % 9 ]
    let made = Architecture.FromSizes(sizes, Activation.Tanh, Activation.Softmax, hasBias)
    let expected = oneAtATime sizes Activation.Tanh Activation.Softmax hasBias
    Assert.Equal(expected, made)
    Assert.Equal<int>([ for l in 0 .. sizes.Length - 2 -> expected.WeightOffset l ], [ for l in 0 .. sizes.Length - 2 -> made.WeightOffset l ])
    Assert.Equal<int>([ for l in 0 .. sizes.Length - 2 -> expected.BiasOffset l ], [ for l in 0 .. sizes.Length - 2 -> made.BiasOffset l ])
    Assert.Equal(expected.ParameterCount, made.ParameterCount)

[<Fact>]
let ``an architecture of Limits.MaxLayers layers from sizes allocates what its layers hold, not a copy of them per layer`` () =
    let sizes = Array.create (Limits.MaxLayers + 1) 2
    Architecture.FromSizes(sizes, Activation.Tanh, Activation.Sigmoid) |> ignore
    let before = GC.GetAllocatedBytesForCurrentThread()
    let made = Architecture.FromSizes(sizes, Activation.Tanh, Activation.Sigmoid)
    let allocated = GC.GetAllocatedBytesForCurrentThread() - before
    Assert.Equal(Limits.MaxLayers, made.Stack.Length)
    // A layer and its place in the stack and offset tables are well under 1 KB; an architecture per layer copied
    // those of every layer below it, about 4096² / 2 of them.
    Assert.True(allocated < int64 Limits.MaxLayers * 1024L, $"{allocated} bytes")

[<Fact>]
let ``sizes beyond Limits.MaxLayers layers are refused naming the limit and the count, before any layer is made`` () =
    let e = Assert.Throws<ArgumentException>(fun () -> Architecture.FromSizes(Array.create (Limits.MaxLayers + 2) 1, Activation.Tanh, Activation.Sigmoid) |> ignore)
    Assert.StartsWith("an architecture has at most Limits.MaxLayers = 4096 layers, but this one would have 4097.", e.Message)
    let sizes = Array.create 1_000_001 1
    let before = GC.GetAllocatedBytesForCurrentThread()
    let huge = Assert.Throws<ArgumentException>(fun () -> Architecture.FromSizes(sizes, Activation.Tanh, Activation.Sigmoid) |> ignore)
    let allocated = GC.GetAllocatedBytesForCurrentThread() - before
    Assert.Contains("would have 1000000.", huge.Message)
    // A million layers would take hundreds of megabytes to make before the count was looked at.
    Assert.True(allocated < 100_000L, $"{allocated} bytes")

[<Fact>]
let ``a null activation and a width beyond the limit are refused as when the layers are added one at a time`` () =
    Assert.Equal("activation", Assert.Throws<ArgumentNullException>(fun () -> Architecture.FromSizes([| 2; 3 |], Activation.Tanh, Unchecked.defaultof<Activation>) |> ignore).ParamName)
    Assert.Equal("outputs", Assert.Throws<ArgumentOutOfRangeException>(fun () -> Architecture.FromSizes([| 2; Limits.MaxWidth + 1 |], Activation.Tanh, Activation.Tanh) |> ignore).ParamName)
