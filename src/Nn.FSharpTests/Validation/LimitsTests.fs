/// The library's size limits: every size past one is refused up front with an ArgumentException naming the value
/// and the limit, and every size within them is computed exactly, never wrapped around in 32 bits.
module Nn.Tests.Validation.LimitsTests

open System
open Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Nn
open Nn.Tests.Helpers

/// Asserts that the action throws an ArgumentException (or a subclass) whose message holds every fragment.
let private refused (fragments: string list) (action: unit -> unit) =
    let message = messageOf<ArgumentException> action
    for fragment in fragments do
        Assert.Contains(fragment, message)

[<Fact>]
let ``the element limit is the largest .NET array`` () =
    Assert.Equal(Array.MaxLength, Limits.MaxElements)
    Assert.Equal(Limits.MaxElements, Limits.MaxParameterCount)
    Assert.Equal(ModelFile.MaxLayers, Limits.MaxLayers)
    // The confusion matrix of evaluation is classes × classes and must fit one array.
    Assert.True(int64 Limits.MaxClasses * int64 Limits.MaxClasses <= int64 Limits.MaxElements)

[<Fact>]
let ``a layer of int.MaxValue outputs is refused naming the value and the width limit`` () =
    refused [ "outputs"; "2147483647"; "16777216"; "Limits.MaxWidth" ] (fun () ->
        Architecture.Input(64).Dense(Int32.MaxValue, Activation.Relu) |> ignore)
    refused [ "Inputs"; "2147483647"; "Limits.MaxWidth" ] (fun () -> DenseLayer(Int32.MaxValue, 1, Activation.Relu) |> ignore)
    refused [ "size"; "16777217"; "Limits.MaxWidth" ] (fun () -> Architecture.Input(Limits.MaxWidth + 1) |> ignore)

[<Fact>]
let ``64-65536-65536-10, whose parameter count overflowed int, is refused before anything is allocated`` () =
    refused [ "4295032832 parameters"; "Limits.MaxParameterCount = 2147483591" ] (fun () ->
        Architecture.FromSizes([| 64; 65536; 65536; 10 |], Activation.Relu, Activation.Softmax) |> ignore)
    refused [ "10000100000 parameters" ] (fun () ->
        Architecture.FromSizes([| 64; 100000; 100000; 10 |], Activation.Relu, Activation.Softmax) |> ignore)
    refused [ "2000000000"; "Limits.MaxWidth" ] (fun () ->
        Architecture.FromSizes([| 64; 2000000000; 10 |], Activation.Relu, Activation.Softmax) |> ignore)

[<Fact>]
let ``layers each within the limit are refused when together they pass the parameter limit`` () =
    // 46000 × 46000 ≈ 2.1e9 is within the limit alone; two such blocks are not.
    let one = Architecture.Input(46000).Dense(46000, Activation.Relu, false)
    Assert.Equal(46000 * 46000, one.ParameterCount)
    refused [ "the architecture 46000-46000-46000 has 4232000000 parameters"; "Limits.MaxParameterCount" ] (fun () ->
        one.Dense(46000, Activation.Relu, false) |> ignore)

[<Fact>]
let ``more layers than the layer limit are refused`` () =
    let deep = Seq.fold (fun (a: Architecture) _ -> a.Dense(1, Activation.Identity, false)) (Architecture.Input 1) (seq { 1 .. Limits.MaxLayers })
    Assert.Equal(Limits.MaxLayers, deep.Layers.Length)
    refused [ "Limits.MaxLayers = 4096"; "4097" ] (fun () -> deep.Dense(1, Activation.Identity) |> ignore)

/// Widths drawn across the whole int range, biased towards the limits where wrapping used to happen.
let private widthGen =
    Gen.oneof [ Gen.choose (1, 100)
                Gen.choose (1, Limits.MaxWidth)
                Gen.choose (Limits.MaxWidth - 2, Limits.MaxWidth + 2)
                Gen.choose (40000, 70000)
                Gen.choose (1, Int32.MaxValue) ]

[<Property(MaxTest = 300)>]
let ``an architecture's parameter count is the exact sum of its layers or it is refused, never wrapped`` () =
    Prop.forAll (Arb.fromGen (Gen.listOfLength 4 widthGen)) (fun sizes ->
        // In arbitrary precision: three layers of widths near 2³¹ have more parameters than an int64 holds, and the
        // checked sum threw OverflowException here (about one run in ten) before the library was even asked.
        let exact = sizes |> List.pairwise |> List.sumBy (fun (k, j) -> bigint k * bigint j + bigint j)
        let within = sizes |> List.forall (fun s -> s <= Limits.MaxWidth) && exact <= bigint Limits.MaxParameterCount
        try
            let architecture = Architecture.FromSizes(Array.ofList sizes, Activation.Relu, Activation.Identity)
            within && bigint architecture.ParameterCount = exact
            && (architecture.Layers |> Seq.mapi (fun l layer -> int64 (architecture.BiasOffset l) = int64 (architecture.WeightOffset l) + int64 layer.WeightCount) |> Seq.forall id)
        with :? ArgumentException -> not within)

[<Fact>]
let ``a matrix whose rows times columns wraps around to the value count is refused`` () =
    // 65536 × 65537 = 2^32 + 65536, which in 32 bits is 65536: the old check accepted 65536 values for it.
    refused [ "65536 × 65537 = 4295032832 elements"; "Limits.MaxElements" ] (fun () ->
        Matrix<float32>.Create(65536, 65537, ReadOnlySpan(Array.zeroCreate<float32> 65536)) |> ignore)

[<Fact>]
let ``FromLabels with 100000000 classes is refused naming the class limit`` () =
    let inputs = matrix [| [| 0.0 |]; [| 1.0 |] |]
    refused [ "classCount"; "100000000"; "16384"; "Limits.MaxClasses" ] (fun () -> Dataset.FromLabels(inputs, [| 0; 1 |], 100000000) |> ignore)
    Assert.Equal(Limits.MaxClasses, (Dataset.FromLabels(inputs, [| 0; 1 |], Limits.MaxClasses)).ClassCount)

[<Fact>]
let ``FromTargets with more target columns than classes allowed is refused`` () =
    let inputs = matrix [| [| 0.0 |] |]
    let targets = Matrix<float>.Create(1, Limits.MaxClasses + 1, ReadOnlySpan(Array.zeroCreate<float> (Limits.MaxClasses + 1)))
    refused [ "targets.Columns"; "16385"; "Limits.MaxClasses" ] (fun () -> Dataset.FromTargets(inputs, targets) |> ignore)

[<Fact>]
let ``a forward pass whose batch buffers would pass the element limit is refused before allocating them`` () =
    // 128 rows through 2^24 outputs is 2^31 elements per buffer.
    let network = Network.FromParameters(Architecture.Input(1).Dense(Limits.MaxWidth, Activation.Relu, false), ReadOnlySpan(Array.zeroCreate<float32> Limits.MaxWidth))
    let inputs = Matrix<float32>.Create(128, 1, ReadOnlySpan(Array.zeroCreate<float32> 128))
    refused [ "a batch of 128 rows through layer 0's 16777216 outputs"; "2147483648 elements"; "Limits.MaxElements" ] (fun () ->
        Network.Forward(network, inputs) |> ignore)
    refused [ "a batch of 128 rows through layer 0's 16777216 outputs"; "2147483648 elements"; "Limits.MaxElements" ] (fun () ->
        Network.Forward(network, inputs, 2) |> ignore)

[<Fact>]
let ``a layer refused while stacking names the layer it follows and its parameter once`` () =
    let e = Assert.Throws<ArgumentException>(fun () -> Architecture.Input(64).Dense(65536, Activation.Relu).Dense(65536, Activation.Relu) |> ignore)
    Assert.StartsWith("layer 1 cannot follow layer 0, which gives 65536: a dense layer 65536→65536 has 4295032832 parameters", e.Message)
    Assert.EndsWith("2147483591. (Parameter 'Outputs')", e.Message)

[<Fact>]
let ``a product of exactly the element limit is allowed and one more element is refused`` () =
    // No test can allocate 2,147,483,591 values, so the bound is asked of the check itself.
    Assert.Equal(Limits.MaxElements, Limits.Elements("values", int64 Limits.MaxElements, 1L, "a test"))
    Assert.Equal(Limits.MaxElements, Limits.Elements("values", 1L, int64 Limits.MaxElements, "a test"))
    refused [ "a test: 1 × 2147483592 = 2147483592 elements, more than Limits.MaxElements = 2147483591." ] (fun () ->
        Limits.Elements("values", 1L, int64 Limits.MaxElements + 1L, "a test") |> ignore)
