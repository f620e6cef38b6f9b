/// The numbers behind dropout masks are SplitMix64's (Steele, Lea and Flood 2014; Vigna's splitmix64.c): its
/// published outputs for seed 0 pin the mixing function, so a changed shift, constant or operator cannot hide
/// behind the statistical tests of the masks.
module Nn.Tests.Layers.DropoutMaskTests

open Nn
open Xunit

/// The first four outputs of splitmix64.c seeded with 0, as published with the generator.
let private splitMix64SeedZero = [| 0xE220A8397B1DCDAFUL; 0x6E789E6AA1B965F4UL; 0x06C45D188009454FUL; 0xF88BB8A8724C81ECUL |]

/// SplitMix64's finaliser written out from its definition, to compare the library's with on other inputs.
let private referenceMix (value: uint64) =
    let a = (value ^^^ (value >>> 30)) * 0xBF58476D1CE4E5B9UL
    let b = (a ^^^ (a >>> 27)) * 0x94D049BB133111EBUL
    b ^^^ (b >>> 31)

[<Fact>]
let ``the reference finaliser reproduces SplitMix64's published outputs for seed 0`` () =
    let outputs = Array.init 4 (fun i -> referenceMix (uint64 (i + 1) * 0x9E3779B97F4A7C15UL))
    Assert.Equal<uint64[]>(splitMix64SeedZero, outputs)

[<Fact>]
let ``the uniform number at index i under key 0 is the top 53 bits of SplitMix64's output i + 1`` () =
    for i in 0..3 do
        Assert.Equal(float (splitMix64SeedZero[i] >>> 11) / 9007199254740992.0, DropoutMask.Uniform(0UL, int64 i))

[<Fact>]
let ``the mixing function is SplitMix64's finaliser on every input tried`` () =
    for value in [ 0UL; 1UL; 0x9E3779B97F4A7C15UL; 0xFFFFFFFFFFFFFFFFUL; 0x0123456789ABCDEFUL; 1UL <<< 63 ] do
        Assert.Equal(referenceMix value, DropoutMask.Mix value)

[<Fact>]
let ``a step's key mixes the epoch's key with the mixed step number, and a generator's key chains its four words`` () =
    Assert.Equal(referenceMix (42UL ^^^ referenceMix 7UL), DropoutMask.StepKey(42UL, 7L))
    let state = RandomState(1UL, 2UL, 3UL, 4UL)
    Assert.Equal(referenceMix (1UL ^^^ referenceMix (2UL ^^^ referenceMix (3UL ^^^ referenceMix 4UL))), DropoutMask.Key state)
