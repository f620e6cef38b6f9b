/// The weight schemes by name, and each scheme's weights as the generator's draws scaled by the scheme's formula.
module Nn.Tests.Initialization.InitializerTests

open System
open Nn
open Xunit

[<Fact>]
let ``every scheme's name parses to that scheme, whatever its case, and the parsed scheme gives its name back`` () =
    let named =
        [ "normal-inputs", Initializer.NormalInverseSqrtInputs
          "normal-outputs", Initializer.NormalInverseSqrtOutputs
          "xavier", Initializer.Xavier
          "he", Initializer.He
          "normal:0.01", Initializer.NormalFixed 0.01
          "uniform:0.12", Initializer.Uniform 0.12 ]
    for name, scheme in named do
        Assert.Equal(scheme, Initializer.Parse name)
        Assert.Equal(scheme, Initializer.Parse(name.ToUpperInvariant()))
        Assert.Equal(name, (Initializer.Parse name).Name)
    Assert.Equal(Initializer.Xavier, Initializer.Parse "Glorot")
    for bad in [ "he:2"; "normal"; "normal:x"; "uniform:"; "kaiming" ] do
        let e = Assert.Throws<ArgumentException>(fun () -> Initializer.Parse bad |> ignore)
        Assert.Equal("text", e.ParamName)

[<Fact>]
let ``each scheme's weights are the generator's draws from the seed scaled by the scheme's formula, and its biases 0`` () =
    // A 5-3 layer: n_in = 5 and n_out = 3 differ, so a fan-out read for a fan-in, or a sum for either, changes every weight.
    let architecture = Architecture.Input(5).Dense(3, Activation.Relu)
    let draws gaussian =
        let mutable generator = RandomGenerator(RandomState.FromSeed 11UL)
        let drawn = Array.zeroCreate 15
        for i in 0 .. 14 do
            drawn[i] <- if gaussian then generator.NextGaussian() else generator.NextDouble()
        drawn
    let gaussian scale = draws true |> Array.map (fun g -> g * scale)
    let uniform bound = draws false |> Array.map (fun u -> ((2.0 * u) - 1.0) * bound)
    let cases =
        [ Initializer.NormalInverseSqrtInputs, draws true |> Array.map (fun g -> g / sqrt 5.0)
          Initializer.NormalInverseSqrtOutputs, draws true |> Array.map (fun g -> g / sqrt 3.0)
          Initializer.He, gaussian (sqrt (2.0 / 5.0))
          Initializer.Xavier, uniform (sqrt (6.0 / 8.0))
          Initializer.NormalFixed 0.01, gaussian 0.01
          Initializer.Uniform 0.12, uniform 0.12 ]
    for scheme, weights in cases do
        let network = Network.Create<float>(architecture, scheme, 11UL)
        Assert.Equal<float[]>(weights, network.Weights(0).AsSpan().ToArray())
        Assert.Equal<float[]>(Array.zeroCreate 3, network.Bias(0).ToArray())
