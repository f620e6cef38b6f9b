/// The generated code of the tiny 3-2-1 network reproduces every number of golden_tiny.txt.
module Nn.Tests.Generated.GeneratedGoldenTinyTests

open System
open System.IO
open Nn.Examples
open Nn.Tests.Helpers
open Xunit

let private golden = File.ReadAllLines(testData "golden_tiny.txt")
let private value name = goldenValues golden name

/// θ in the shared layout: W^1 with output rows (the golden file lists input rows, so it is transposed), then W^2.
let private theta () = [| 0.5; 0.1; 0.1; -0.6; -0.2; 0.7; 0.1; -0.3 |]
let private x = [| 0.5; 0.1; -0.2 |]
let private target = [| 0.6 |]

[<Fact>]
let ``the generated forward pass gives the golden output`` () =
    let output = Array.zeroCreate 1
    TinyDouble.Forward(ReadOnlySpan(theta ()), ReadOnlySpan x, Span output)
    assertAllClose doubleRounding (value "output") output

[<Fact>]
let ``one generated SGD step changes the weights by the golden deltas`` () =
    let parameters = theta ()
    let cost = TinyDouble.SgdStepInPlace(Span parameters, ReadOnlySpan x, ReadOnlySpan target, 0.5, Span(Array.zeroCreate TinyDouble.ParameterCount))
    let change = Array.map2 (-) parameters (theta ())
    let golden1 = value "delta_w_i_h (3x2, row-major)"
    let expected1 = Array.init 6 (fun i -> golden1[(i % 3) * 2 + i / 3])
    assertAllClose 1e-11 expected1 change[0..5]
    assertAllClose 1e-11 (value "delta_w_h_o") change[6..7]
    let error = (value "error (target - output)")[0]
    assertClose doubleRounding (0.5 * error * error) cost

[<Fact>]
let ``the single-precision tiny network agrees with the golden output to float accuracy`` () =
    let output = Array.zeroCreate 1
    TinyFloat.Forward(ReadOnlySpan(theta () |> Array.map float32), ReadOnlySpan(x |> Array.map float32), Span output)
    let expected = value "output"
    assertClose 1e-6 expected[0] (float output[0])
