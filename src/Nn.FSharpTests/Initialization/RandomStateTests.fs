/// The xoshiro256** generator behind every seed: a state hands on the state after its draw, a Gaussian never takes
/// the logarithm of 0, a bounded draw rejects the products that would bias it, and a shuffle can give every order.
module Nn.Tests.Initialization.RandomStateTests

open System
open Nn
open Xunit

/// The generator's next raw words from a state, as RandomGenerator draws them.
let private words (state: RandomState) count =
    let mutable generator = RandomGenerator(state)
    let drawn = Array.zeroCreate count
    for i in 0 .. count - 1 do
        drawn[i] <- generator.NextUInt64()
    drawn

/// A state whose next word is 0: xoshiro256**'s output is rotl(s1 · 5, 7) · 9, which is 0 when s1 is.
let private zeroNext = RandomState(1UL, 0UL, 2UL, 3UL)

[<Fact>]
let ``a state's draw hands on the state after it, so successive draws follow the generator's stream`` () =
    let start = RandomState.FromSeed 42UL
    let expected = words start 4
    let first = start.NextUInt64()
    let second = first.Next.NextUInt64()
    Assert.Equal<uint64[]>(expected[0..1], [| first.Value; second.Value |])
    Assert.NotEqual(start, first.Next)
    let mutable generator = RandomGenerator(start)
    let u1, u2 = generator.NextDouble(), generator.NextDouble()
    let d1 = start.NextDouble()
    let d2 = d1.Next.NextDouble()
    Assert.Equal<float[]>([| u1; u2 |], [| d1.Value; d2.Value |])
    Assert.Equal(float (expected[1] >>> 11) / 9007199254740992.0, d2.Value)
    Assert.Equal(generator.State, d2.Next)

[<Fact>]
let ``a Gaussian draw skips a uniform of exactly 0 instead of taking its logarithm`` () =
    Assert.Equal(0UL, (words zeroNext 1)[0])
    let mutable fromZero = RandomGenerator(zeroNext)
    let mutable afterZero = RandomGenerator(zeroNext.NextUInt64().Next)
    let gaussian = fromZero.NextGaussian()
    Assert.True(Double.IsFinite gaussian, string gaussian)
    Assert.Equal(afterZero.NextGaussian(), gaussian)
    Assert.Equal(afterZero.State, fromZero.State)

[<Fact>]
let ``a bounded draw rejects the product below 2^64 mod bound and draws again`` () =
    // bound 3: the word 0 gives the product 0, whose low half is below 2^64 mod 3 = 1; taking it would favour 0.
    let mutable fromZero = RandomGenerator(zeroNext)
    let mutable afterZero = RandomGenerator(zeroNext.NextUInt64().Next)
    let value = fromZero.NextInt 3
    Assert.Equal(afterZero.NextInt 3, value)
    Assert.Equal(afterZero.State, fromZero.State)
    // A bound of 4 divides 2^64, so nothing is rejected and the word 0 gives 0.
    let mutable power = RandomGenerator(zeroNext)
    Assert.Equal(0, power.NextInt 4)
    Assert.Equal(zeroNext.NextUInt64().Next, power.State)

[<Fact>]
let ``a shuffle of three items gives each of the six orders about equally often over many seeds`` () =
    // Fisher–Yates draws j in 0..i for i = n−1 down to 1; drawing in 0..i−1 (Sattolo) gives only the two cycles,
    // and stopping before i = 1 never exchanges the first two items' places, leaving three orders.
    let counts = Collections.Generic.Dictionary<string, int>()
    for seed in 0UL .. 5999UL do
        let mutable generator = RandomGenerator(RandomState.FromSeed seed)
        let items = [| 0; 1; 2 |]
        generator.Shuffle(Span items)
        let key = String.Join(",", items)
        counts[key] <- (match counts.TryGetValue key with | true, n -> n | _ -> 0) + 1
    Assert.Equal(6, counts.Count)
    for KeyValue(order, count) in counts do
        Assert.True(count > 850 && count < 1150, sprintf "%s came %d times of 6000" order count)

[<Fact>]
let ``a default state of all zeros still draws numbers`` () =
    let drawn = words (RandomState()) 4
    Assert.True(drawn |> Array.exists ((<>) 0UL), sprintf "%A" drawn)
    Assert.Equal<uint64[]>(words (RandomState(0x9E3779B97F4A7C15UL, 0UL, 0UL, 0UL)) 4, drawn)
