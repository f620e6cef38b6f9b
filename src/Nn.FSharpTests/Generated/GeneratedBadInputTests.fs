/// The generated entry points on NaN and ±∞: x and y are rejected up front, a non-finite θ is named by index and by
/// weight or bias once a result comes out non-finite, and a step whose θ' overflows from finite arguments is
/// reported as divergence (docs/generator.md, "Bad input").
module Nn.Tests.Generated.GeneratedBadInputTests

open System
open Nn
open Nn.Examples
open Nn.Tests.Helpers
open Xunit

let private ro (a: float[]) = ReadOnlySpan<float>(a)
let private rw (a: float[]) = Span<float>(a)

/// Rows of the batch calls: 2 takes the per-sample code, 20 the GEMM path.
let private batchRows = [ 2; 20 ]

let private inputsFor rows = Array.init (rows * DigitsDouble.InputSize) (fun i -> float (i % 17) / 16.0)
let private targetsFor rows = Array.init (rows * DigitsDouble.OutputSize) (fun i -> if i % DigitsDouble.OutputSize = 3 then 1.0 else 0.0)
let private thetaOf seed = DigitsDouble.CreateNetwork(Initializer.He, seed).Parameters.ToArray()
let private gradientBuffer () = Array.zeroCreate<float> DigitsDouble.ParameterCount

/// Every span entry point of DigitsDouble with one sample (rows = 1) or a batch, as θ → X → Y → rows → unit.
let private spanCalls : (string * (float[] -> float[] -> float[] -> int -> unit)) list =
    [ "Forward", (fun p x _ _ -> DigitsDouble.Forward(ro p, ro x, rw (Array.zeroCreate DigitsDouble.OutputSize)))
      "ForwardBatch", (fun p xs _ rows -> DigitsDouble.ForwardBatch(ro p, ro xs, rw (Array.zeroCreate (rows * DigitsDouble.OutputSize)), rows))
      "Cost", (fun p x y _ -> DigitsDouble.Cost(ro p, ro x, ro y) |> ignore)
      "CostBatch", (fun p xs ys rows -> DigitsDouble.CostBatch(ro p, ro xs, ro ys, rows) |> ignore)
      "CostAndGradient", (fun p x y _ -> DigitsDouble.CostAndGradient(ro p, ro x, ro y, rw (gradientBuffer ())) |> ignore)
      "CostAndGradientBatch", (fun p xs ys rows -> DigitsDouble.CostAndGradientBatch(ro p, ro xs, ro ys, rows, rw (gradientBuffer ())) |> ignore)
      "SgdStepInPlace", (fun p x y _ -> DigitsDouble.SgdStepInPlace(rw p, ro x, ro y, 0.1, rw (gradientBuffer ())) |> ignore)
      "MiniBatchStepInPlace", (fun p xs ys rows -> DigitsDouble.MiniBatchStepInPlace(rw p, ro xs, ro ys, rows, 0.1, rw (gradientBuffer ())) |> ignore) ]

/// The pure steps, whose θ comes from a network and so is always finite.
let private networkCalls : (string * (Network<float> -> float[] -> float[] -> int -> unit)) list =
    [ "SgdStep", (fun n x y _ -> DigitsDouble.SgdStep(n, ro x, ro y, 0.1) |> ignore)
      "MiniBatchStep", (fun n xs ys rows -> DigitsDouble.MiniBatchStep(n, ro xs, ro ys, rows, 0.1) |> ignore) ]

let private isBatch (name: string) = name.Contains("Batch")

/// The row counts a call is tried with.
let private rowsOf name = if isBatch name then batchRows else [ 1 ]

let private expectMessage (expected: string) (action: unit -> unit) =
    let message = messageOf<ArgumentException> action
    Assert.Contains(expected, message)

[<Fact>]
let ``NaN in x is rejected by every generated entry point with the element's index`` () =
    for name, call in spanCalls do
        for rows in rowsOf name do
            let xs = inputsFor rows
            let element = (rows - 1) * DigitsDouble.InputSize + 3
            xs[element] <- nan
            let expected =
                if rows = 1 then "input must hold finite numbers, but element 3 is NaN."
                else sprintf "inputs must hold finite numbers, but element %d (row %d, column 3) is NaN." element (rows - 1)
            expectMessage expected (fun () -> call (thetaOf 1UL) xs (targetsFor rows) rows)
    for name, call in networkCalls do
        for rows in (if name = "MiniBatchStep" then batchRows else [ 1 ]) do
            let xs = inputsFor rows
            xs[3] <- nan
            expectMessage "element 3" (fun () -> call (DigitsDouble.CreateNetwork(Initializer.He, 1UL)) xs (targetsFor rows) rows)

[<Fact>]
let ``an infinite y is rejected by every generated entry point that takes targets with the element's index`` () =
    for name, call in spanCalls |> List.filter (fun (name, _) -> not (name.StartsWith("Forward"))) do
        for rows in rowsOf name do
            let ys = targetsFor rows
            ys[2] <- infinity
            let expected = if rows = 1 then "target must hold finite numbers, but element 2 is Infinity." else "targets must hold finite numbers, but element 2 (row 0, column 2) is Infinity."
            expectMessage expected (fun () -> call (thetaOf 1UL) (inputsFor rows) ys rows)
    for name, call in networkCalls do
        for rows in (if name = "MiniBatchStep" then batchRows else [ 1 ]) do
            let ys = targetsFor rows
            ys[2] <- -infinity
            expectMessage "element 2" (fun () -> call (DigitsDouble.CreateNetwork(Initializer.He, 1UL)) (inputsFor rows) ys rows)

[<Fact>]
let ``NaN in θ is named by index and weight by every span entry point and leaves an in-place step's θ unchanged`` () =
    // W^2 is 10 × 32: element 37 of its block is output 1, input 5.
    let index = DigitsDouble.Weights2Offset + 37
    for name, call in spanCalls do
        for rows in rowsOf name do
            let theta = thetaOf 2UL
            theta[index] <- nan
            let before = Array.copy theta
            expectMessage (sprintf "parameters must hold finite numbers, but element %d (W^2[1, 5]) is NaN." index) (fun () ->
                call theta (inputsFor rows) (targetsFor rows) rows)
            // The NaN shows in the cost before any update, so nothing is written.
            Assert.Equal(BitConverter.DoubleToInt64Bits before[index], BitConverter.DoubleToInt64Bits theta[index])
            Assert.Equal<float>(before |> Array.filter (Double.IsNaN >> not), theta |> Array.filter (Double.IsNaN >> not))

[<Fact>]
let ``an infinite bias is named as a bias`` () =
    let theta = thetaOf 3UL
    theta[DigitsDouble.Bias1Offset + 4] <- infinity
    expectMessage (sprintf "element %d (b^1[4]) is Infinity." (DigitsDouble.Bias1Offset + 4)) (fun () ->
        DigitsDouble.Cost(ro theta, ro (inputsFor 1), ro (targetsFor 1)) |> ignore)

[<Fact>]
let ``an infinite weight hidden by a saturated sigmoid is caught by the in-place step's check of θ'`` () =
    // W^1[0, 0] = +∞ with x_0 > 0 makes z = +∞ and σ(z) = 1: the output and the cost stay finite, but θ' does not.
    let theta = [| infinity; -0.6; 0.1; -0.2; 0.1; 0.7; 0.1; -0.3 |]
    let x = [| 0.5; 0.1; -0.2 |]
    let y = [| 0.6 |]
    let output = Array.zeroCreate 1
    TinyDouble.Forward(ro theta, ro x, rw output)
    Assert.True(Double.IsFinite output[0])
    expectMessage "parameters must hold finite numbers, but element 0 (W^1[0, 0]) is Infinity." (fun () ->
        TinyDouble.SgdStepInPlace(rw theta, ro x, ro y, 0.5, rw (Array.zeroCreate TinyDouble.ParameterCount)) |> ignore)

/// All weights and biases 1 and inputs of half the largest double: z^1 overflows although every argument is finite.
let private overflowing rows =
    Array.create DigitsDouble.ParameterCount 1.0, Array.create (rows * DigitsDouble.InputSize) (Double.MaxValue / 2.0), targetsFor rows

[<Fact>]
let ``finite arguments that overflow give a non-finite forward output and cost rather than an exception`` () =
    for rows in [ 1; 20 ] do
        let theta, xs, ys = overflowing rows
        let outputs = Array.zeroCreate (rows * DigitsDouble.OutputSize)
        DigitsDouble.ForwardBatch(ro theta, ro xs, rw outputs, rows)
        Assert.False(outputs |> Array.forall Double.IsFinite)
        Assert.False(Double.IsFinite(DigitsDouble.CostBatch(ro theta, ro xs, ro ys, rows)))

[<Fact>]
let ``a step whose θ' overflows from finite arguments is reported as divergence naming the element`` () =
    for rows in [ 1; 20 ] do
        let theta, xs, ys = overflowing rows
        let e =
            Assert.Throws<ArgumentException>(fun () ->
                DigitsDouble.MiniBatchStepInPlace(rw theta, ro xs, ro ys, rows, 0.1, rw (gradientBuffer ())) |> ignore)
        Assert.Equal("learningRate", e.ParamName)
        Assert.Contains("the step diverged: element 0 (W^1[0, 0]) of θ' = θ − η ∇θ C is NaN", e.Message)

[<Fact>]
let ``a pure step that diverges leaves its network unchanged`` () =
    let network = DigitsDouble.CreateNetwork(Initializer.He, 4UL)
    let before = network.Parameters.ToArray()
    let x = Array.create DigitsDouble.InputSize 1e3
    let e = Assert.Throws<ArgumentException>(fun () -> DigitsDouble.SgdStep(network, ro x, ro (targetsFor 1), 1e308) |> ignore)
    Assert.Contains("the step diverged", e.Message)
    Assert.Equal<float[]>(before, network.Parameters.ToArray())

[<Fact>]
let ``a learning rate that is not positive and finite is rejected by the steps`` () =
    for rate in [ nan; infinity; 0.0; -0.1 ] do
        let e =
            Assert.Throws<ArgumentOutOfRangeException>(fun () ->
                DigitsDouble.SgdStepInPlace(rw (thetaOf 1UL), ro (inputsFor 1), ro (targetsFor 1), rate, rw (gradientBuffer ())) |> ignore)
        Assert.Equal("learningRate", e.ParamName)

[<Fact>]
let ``a row count too large for the batch buffers is refused by every batch entry point before the lengths are compared`` () =
    // DigitsDouble's batch buffers hold rows × 94 values in one array, so at most 2147483591 / 94 rows.
    let most = 22845570
    let theta = thetaOf 1UL
    let small = Array.zeroCreate<float> 10
    let calls : (unit -> unit) list =
        [ fun () -> DigitsDouble.ForwardBatch(ro theta, ro small, rw small, most + 1)
          fun () -> DigitsDouble.CostBatch(ro theta, ro small, ro small, most + 1) |> ignore
          fun () -> DigitsDouble.CostAndGradientBatch(ro theta, ro small, ro small, Int32.MaxValue, rw (gradientBuffer ())) |> ignore
          fun () -> DigitsDouble.MiniBatchStepInPlace(rw theta, ro small, ro small, most + 1, 0.1, rw (gradientBuffer ())) |> ignore ]
    for call in calls do
        let e = Assert.Throws<ArgumentOutOfRangeException>(fun () -> call ())
        Assert.Equal("rows", e.ParamName)
        Assert.Contains(sprintf "rows must be at most %d (the batch buffers hold rows × 94 values in one array)" most, e.Message)

[<Fact>]
let ``a row count whose input length wraps around in 32 bits is compared in 64 bits`` () =
    // 5478275 rows of 784 inputs is 4294967600 values, which in 32 bits is 304: the old check accepted 304 inputs.
    let theta = Array.zeroCreate<float> MnistSigmoidDouble.ParameterCount
    let message =
        messageOf<ArgumentException> (fun () ->
            MnistSigmoidDouble.ForwardBatch(ro theta, ro (Array.zeroCreate 304), rw (Array.zeroCreate 10), 5478275))
    Assert.Contains("inputs must have length 4294967600, but has 304.", message)
