/// Each loss's value and output error, the golden softmax-with-loss numbers, and the stable forms.
module Nn.Tests.Losses.LossTests

open System
open System.Numerics
open Nn
open Nn.Tests.Helpers
open Xunit

/// c(a, y) = ½(a − y)², ∂c/∂a = a − y: a user-defined loss, to see it chained through a non-identity output.
type HalfSquaredError =
    interface IElementwiseLoss with
        static member Name = "half-squared-error"
        static member Value<'T when 'T :> IFloatingPointIeee754<'T>>(a: 'T, y: 'T) =
            let d = 'T.op_Subtraction(a, y)
            'T.CreateChecked 0.5 * (d * d)
        static member Derivative<'T when 'T :> IFloatingPointIeee754<'T>>(a: 'T, y: 'T) = 'T.op_Subtraction(a, y)

let private delta (loss: Loss) (output: Activation) (z: float[]) (a: float[]) (y: float[]) =
    let d = Array.zeroCreate a.Length
    loss.OutputDeltaInto(ReadOnlySpan z, ReadOnlySpan a, ReadOnlySpan y, a.Length, output, Span d)
    d

let private cost (loss: Loss) (output: Activation) (z: float[]) (y: float[]) =
    let a = Array.zeroCreate z.Length
    output.ForwardInto(ReadOnlySpan z, Span a, z.Length)
    loss.SumOfCosts(ReadOnlySpan z, ReadOnlySpan a, ReadOnlySpan y, z.Length, output)

[<Fact>]
let ``softmax with loss sends back output minus target for the golden examples`` () =
    let t = [| 0.0; 1.0; 0.0 |]
    let signal a = delta Loss.SoftmaxCrossEntropy Activation.Softmax (a |> Array.map log) a t
    assertAllClose doubleRounding [| 0.3; -0.8; 0.5 |] (signal [| 0.3; 0.2; 0.5 |])
    assertAllClose doubleRounding [| 0.01; -0.01; 0.0 |] (signal [| 0.01; 0.99; 0.0 |])

[<Fact>]
let ``quadratic cost is half the squared distance and its error is a minus y times sigma prime`` () =
    assertClose doubleRounding (0.5 * (0.25 + 4.0)) (cost Loss.Quadratic Activation.Identity [| 1.5; -1.0 |] [| 1.0; 1.0 |])
    Assert.Equal<float[]>([| 0.5; -2.0 |], delta Loss.Quadratic Activation.Identity [| 1.5; -1.0 |] [| 1.5; -1.0 |] [| 1.0; 1.0 |])

[<Fact>]
let ``binary cross-entropy on a sigmoid has error a minus y and a finite cost for huge logits`` () =
    let z = [| 800.0; -800.0 |]
    let c = cost Loss.BinaryCrossEntropy Activation.Sigmoid z [| 0.0; 1.0 |]
    assertClose doubleRounding 1600.0 c
    let a = [| 0.7; 0.2 |]
    assertAllClose doubleRounding [| -0.3; 0.2 |] (delta Loss.BinaryCrossEntropy Activation.Sigmoid [| 0.0; 0.0 |] a [| 1.0; 0.0 |])

[<Fact>]
let ``binary cross-entropy from logits equals the textbook formula`` () =
    let z = [| 0.3; -1.2; 2.0 |]
    let y = [| 1.0; 0.0; 0.4 |]
    let a = z |> Array.map (fun v -> 1.0 / (1.0 + exp -v))
    let textbook = Array.map2 (fun a y -> -(y * log a + (1.0 - y) * log (1.0 - a))) a y |> Array.sum
    assertClose doubleRounding textbook (cost Loss.BinaryCrossEntropy Activation.Sigmoid z y)

[<Fact>]
let ``binary cross-entropy of a confidently right sigmoid output keeps its tiny cost instead of rounding it to zero`` () =
    // The cost of each is ln(1 + e^−|z|), which is e^−|z| to 17 digits; computed as ln(1 + x) in doubles, or as
    // softplus(z) − z for the positive one, it rounds to 0.
    let c = cost Loss.BinaryCrossEntropy Activation.Sigmoid [| -40.0; 45.0 |] [| 0.0; 1.0 |]
    let expected = exp -40.0 + exp -45.0
    Assert.True(abs (c - expected) <= 4e-16 * expected, $"cost {c}, expected {expected}")

[<Fact>]
let ``softmax cross-entropy from logits stays finite when a probability underflows`` () =
    let c = cost Loss.SoftmaxCrossEntropy Activation.Softmax [| 0.0; 900.0 |] [| 1.0; 0.0 |]
    assertClose doubleRounding 900.0 c

[<Fact>]
let ``softmax cross-entropy of a confidently right output keeps its tiny cost instead of rounding it to zero`` () =
    // The cost is ln(1 + 2e^−40 + e^−45), that sum to 17 digits; as max + ln Σ e^(z − max) − z_t it rounds to 0,
    // since Σ rounds to 1. The second row is right by 5 and costs ln(1 + e^−5) to the last digit or so.
    let z = [| 40.0; 0.0; -5.0; 0.0 |]
    let c = cost Loss.SoftmaxCrossEntropy Activation.Softmax z [| 1.0; 0.0; 0.0; 0.0 |]
    let expected = 2.0 * exp -40.0 + exp -45.0
    Assert.True(abs (c - expected) <= 4e-16 * expected, $"cost {c}, expected {expected}")
    let floatCost =
        let zf = [| 0.0f; 20.0f; 0.0f |]
        let a = Array.zeroCreate 3
        Activation.Softmax.ForwardInto(ReadOnlySpan zf, Span a, 3)
        Loss.SoftmaxCrossEntropy.SumOfCosts(ReadOnlySpan zf, ReadOnlySpan a, ReadOnlySpan [| 0.0f; 1.0f; 0.0f |], 3, Activation.Softmax)
    let expectedFloat = 2.0 * exp -20.0
    Assert.True(abs (float floatCost - expectedFloat) <= 2.4e-7 * expectedFloat, $"cost {floatCost}, expected {expectedFloat}")

[<Fact>]
let ``softmax cross-entropy counts every maximum but one in its tail`` () =
    // Two logits tie at the top: the cost of either is ln(2 + e^−2), so the tie's second 1 must stay in the sum.
    let z = [| 3.0; 1.0; 3.0 |]
    let reference = log (2.0 + exp -2.0)
    assertClose doubleRounding reference (cost Loss.SoftmaxCrossEntropy Activation.Softmax z [| 1.0; 0.0; 0.0 |])
    assertClose doubleRounding reference (cost Loss.SoftmaxCrossEntropy Activation.Softmax z [| 0.0; 0.0; 1.0 |])
    assertClose doubleRounding (2.0 + reference) (cost Loss.SoftmaxCrossEntropy Activation.Softmax z [| 0.0; 1.0; 0.0 |])
    assertClose doubleRounding (log 3.0) (cost Loss.SoftmaxCrossEntropy Activation.Softmax [| 7.0; 7.0; 7.0 |] [| 0.0; 1.0; 0.0 |])

[<Fact>]
let ``losses parse by name and refuse unknown names`` () =
    Assert.Equal(Loss.SoftmaxCrossEntropy, Loss.Parse "cross-entropy")
    Assert.Equal(Loss.Quadratic, Loss.Parse "MSE")
    Assert.Contains("'hinge'", messageOf<ArgumentException> (fun () -> Loss.Parse "hinge" |> ignore))

[<Fact>]
let ``cross-entropy losses are defined only for probability outputs`` () =
    Assert.True(Loss.SoftmaxCrossEntropy.Supports Activation.Softmax)
    Assert.False(Loss.SoftmaxCrossEntropy.Supports Activation.Relu)
    Assert.True(Loss.BinaryCrossEntropy.Supports Activation.Sigmoid)
    Assert.False(Loss.BinaryCrossEntropy.Supports Activation.Identity)
    Assert.True(Loss.Quadratic.Supports Activation.Tanh)

[<Theory>]
[<InlineData("quadratic", "quadratic")>]
[<InlineData("MSE", "quadratic")>]
[<InlineData("Binary-Cross-Entropy", "binary-cross-entropy")>]
[<InlineData("bce", "binary-cross-entropy")>]
[<InlineData("softmax-cross-entropy", "softmax-cross-entropy")>]
[<InlineData("Cross-Entropy", "softmax-cross-entropy")>]
[<InlineData("CE", "softmax-cross-entropy")>]
let ``every built-in name and alias parses case-insensitively to the loss of that name`` (text: string, name: string) =
    Assert.Equal(name, (Loss.Parse text).Name)
    Assert.Equal(name, string (Loss.TryParse text))

[<Fact>]
let ``TryParse answers null for an unknown or missing name and Parse refuses a null name as null`` () =
    Assert.Null(Loss.TryParse "hinge")
    Assert.Null(Loss.TryParse(Unchecked.defaultof<string>))
    Assert.Throws<ArgumentNullException>(fun () -> Loss.Parse(Unchecked.defaultof<string>) |> ignore) |> ignore

[<Fact>]
let ``EnsureSupports names the loss and the activation it refuses and accepts a supported pairing`` () =
    let message = messageOf<ArgumentException> (fun () -> Loss.SoftmaxCrossEntropy.EnsureSupports Activation.Tanh)
    Assert.Contains("'softmax-cross-entropy'", message)
    Assert.Contains("'tanh'", message)
    Loss.BinaryCrossEntropy.EnsureSupports Activation.Softmax
    Loss.SoftmaxCrossEntropy.EnsureSupports Activation.Sigmoid
    Assert.Throws<ArgumentNullException>(fun () -> Loss.Quadratic.EnsureSupports(Unchecked.defaultof<Activation>)) |> ignore

[<Fact>]
let ``softmax cross-entropy at equal logits is ln K for a one-hot target`` () =
    // a = 1/K everywhere, so C = −ln(1/K) = ln K; δ = a − t.
    let z = [| 0.0; 0.0; 0.0; 0.0 |]
    let t = [| 0.0; 0.0; 1.0; 0.0 |]
    assertClose doubleRounding (log 4.0) (cost Loss.SoftmaxCrossEntropy Activation.Softmax z t)
    assertAllClose doubleRounding [| 0.25; 0.25; -0.75; 0.25 |] (delta Loss.SoftmaxCrossEntropy Activation.Softmax z [| 0.25; 0.25; 0.25; 0.25 |] t)

[<Fact>]
let ``softmax cross-entropy scales the log-sum-exp by the target's mass, row by row`` () =
    // Row one: t = (0.3, 0.3) has mass 0.6, so C = 0.6·logsumexp(1, 2) − (0.3 + 0.6) and δ = 0.6·a − t.
    // Row two: z = (0, 0), t = (1, 0): C = ln 2.
    let z = [| 1.0; 2.0; 0.0; 0.0 |]
    let t = [| 0.3; 0.3; 1.0; 0.0 |]
    let a = Array.zeroCreate 4
    Activation.Softmax.ForwardInto(ReadOnlySpan z, Span a, 2)
    let logSumExp = log (exp 1.0 + exp 2.0)
    let c = Loss.SoftmaxCrossEntropy.SumOfCosts(ReadOnlySpan z, ReadOnlySpan a, ReadOnlySpan t, 2, Activation.Softmax)
    assertClose doubleRounding (0.6 * logSumExp - 0.9 + log 2.0) c
    let d = Array.zeroCreate 4
    Loss.SoftmaxCrossEntropy.OutputDeltaInto(ReadOnlySpan z, ReadOnlySpan a, ReadOnlySpan t, 2, Activation.Softmax, Span d)
    assertAllClose doubleRounding [| 0.6 * a[0] - 0.3; 0.6 * a[1] - 0.3; 0.5 - 1.0; 0.5 |] d

[<Fact>]
let ``softmax cross-entropy on sigmoid outputs is minus t ln a with the log floored at 1e-15 in double`` () =
    // a = σ(z); the second output underflows far below the floor, so its log is ln 1e-15.
    let z = [| 0.0; -60.0 |]
    let t = [| 0.5; 1.0 |]
    assertClose doubleRounding (-(0.5 * log 0.5) - log 1e-15) (cost Loss.SoftmaxCrossEntropy Activation.Sigmoid z t)
    // δ = (−t / max(a, floor)) ⊙ a(1 − a).
    let a = [| 0.5; 0.25 |]
    assertAllClose doubleRounding [| -1.0 * 0.25; -4.0 * 0.1875 |] (delta Loss.SoftmaxCrossEntropy Activation.Sigmoid z a t)

[<Fact>]
let ``the probability floor is 1e-7 in single precision`` () =
    let z = [| -60.0f |]
    let a = Array.zeroCreate<float32> 1
    Activation.Sigmoid.ForwardInto(ReadOnlySpan z, Span a, 1)
    let c = Loss.SoftmaxCrossEntropy.SumOfCosts(ReadOnlySpan z, ReadOnlySpan a, ReadOnlySpan [| 1.0f |], 1, Activation.Sigmoid)
    assertClose 1e-6 (-(log 1e-7)) (float c)

[<Fact>]
let ``binary cross-entropy on softmax outputs is the textbook formula with probabilities clamped into the floor`` () =
    // p = (0.25, 0.75) from z = (0, ln 3); y = (1, 0.5).
    let z = [| 0.0; log 3.0 |]
    let y = [| 1.0; 0.5 |]
    let textbook = -(log 0.25) - (0.5 * log 0.75 + 0.5 * log 0.25)
    assertClose doubleRounding textbook (cost Loss.BinaryCrossEntropy Activation.Softmax z y)
    // ∂C/∂a = (p − y) / (p(1 − p)) = (−4, 4/3), then the softmax's vector-Jacobian product a ⊙ (g − g·a).
    let a = [| 0.25; 0.75 |]
    let g = [| -4.0; 4.0 / 3.0 |]
    let projection = g[0] * a[0] + g[1] * a[1]
    assertAllClose doubleRounding [| a[0] * (g[0] - projection); a[1] * (g[1] - projection) |] (delta Loss.BinaryCrossEntropy Activation.Softmax z a y)
    // A probability of exactly 0 or 1 is clamped to 1e-15 or 1 − 1e-15 before the logs.
    let clamped = Loss.BinaryCrossEntropy.SumOfCosts(ReadOnlySpan [| 0.0; 0.0 |], ReadOnlySpan [| 0.0; 1.0 |], ReadOnlySpan [| 1.0; 0.0 |], 2, Activation.Softmax)
    assertClose doubleRounding (-(log 1e-15) - log (1.0 - (1.0 - 1e-15))) clamped

[<Fact>]
let ``quadratic cost and error sum over every row of a batch and chain through the output activation`` () =
    // Two rows of one output: C = ½(0.5² + 2²); with a tanh output δ = (a − y)(1 − a²).
    let a = [| 0.5; -1.0 |]
    let y = [| 0.0; 1.0 |]
    let c = Loss.Quadratic.SumOfCosts(ReadOnlySpan [| 0.0; 0.0 |], ReadOnlySpan a, ReadOnlySpan y, 1, Activation.Identity)
    assertClose doubleRounding 2.125 c
    let d = Array.zeroCreate 2
    Loss.Quadratic.OutputDeltaInto(ReadOnlySpan [| 0.0; 0.0 |], ReadOnlySpan [| 0.5; 0.8 |], ReadOnlySpan y, 1, Activation.Tanh, Span d)
    assertAllClose doubleRounding [| 0.5 * 0.75; -0.2 * 0.36 |] d

[<Fact>]
let ``quadratic cost of outputs far from zero is half the squared distance, with no cancellation`` () =
    // a − y = 0.5 exactly, so C = ½ · 0.25 = 0.125 per row. Expanded as a² − 2ay + y², the three terms round to
    // multiples of 2 (double, near 1e16) or of 4 (float, near 3.4e7) and cancel to 0.
    let y = [| 1e8; -1e8 |]
    let a = [| 1e8 + 0.5; -1e8 - 0.5 |]
    Assert.Equal(0.25, Loss.Quadratic.SumOfCosts(ReadOnlySpan [| 0.0; 0.0 |], ReadOnlySpan a, ReadOnlySpan y, 1, Activation.Identity))
    let yFloat = [| 4096.0f |]
    let aFloat = [| 4096.5f |]
    Assert.Equal(0.125f, Loss.Quadratic.SumOfCosts(ReadOnlySpan [| 0.0f |], ReadOnlySpan aFloat, ReadOnlySpan yFloat, 1, Activation.Identity))

[<Fact>]
let ``binary cross-entropy on a saturated sigmoid sends back exactly a minus y`` () =
    // At a = 1 and a = 0 the general form (p − y)/(p(1 − p)) · σ' would see σ' = 0 and send back nothing.
    Assert.Equal<float[]>([| 1.0; -1.0 |], delta Loss.BinaryCrossEntropy Activation.Sigmoid [| 40.0; -40.0 |] [| 1.0; 0.0 |] [| 0.0; 1.0 |])

[<Fact>]
let ``a user-defined loss sums its costs and chains its derivative through the output activation`` () =
    let loss = Loss.Elementwise<HalfSquaredError>()
    Assert.True(loss.Supports Activation.Softmax)
    assertClose doubleRounding 2.125 (loss.SumOfCosts(ReadOnlySpan [| 0.0; 0.0 |], ReadOnlySpan [| 0.5; -1.0 |], ReadOnlySpan [| 0.0; 1.0 |], 1, Activation.Identity))
    // With a tanh output δ = (a − y)(1 − a²).
    assertAllClose doubleRounding [| 0.5 * 0.75; -0.2 * 0.36 |] (delta loss Activation.Tanh [| 0.0; 0.0 |] [| 0.5; 0.8 |] [| 0.0; 1.0 |])


[<Fact>]
let ``softmax cross-entropy sends back a minus t exactly when the target's probability underflows`` () =
    // e^−900 underflows to 0, below the probability floor: the direct form a − t still gives −1 for the target's class,
    // where −t/max(a, floor) chained through the softmax's Jacobian would give 0·(…) = 0 and lose the whole gradient.
    let z = [| 0.0; 900.0 |]
    let a = Array.zeroCreate 2
    Activation.Softmax.ForwardInto(ReadOnlySpan z, Span a, 2)
    Assert.Equal<float[]>([| 0.0; 1.0 |], a)
    Assert.Equal<float[]>([| -1.0; 1.0 |], delta Loss.SoftmaxCrossEntropy Activation.Softmax z a [| 1.0; 0.0 |])

[<Fact>]
let ``the span passes refuse a width that is not positive, spans that are not the batch's length and an unsupported output`` () =
    let refused (name: string) (pass: unit -> unit) =
        let error = Assert.ThrowsAny<ArgumentException>(pass)
        Assert.Equal(name, error.ParamName)
    let cases = [ Loss.Quadratic, Activation.Identity; Loss.Elementwise<HalfSquaredError>(), Activation.Identity; Loss.BinaryCrossEntropy, Activation.Sigmoid; Loss.SoftmaxCrossEntropy, Activation.Softmax ]
    for loss, output in cases do
        let sum (y: float[]) width (output: Activation) () =
            loss.SumOfCosts(ReadOnlySpan [| 1.0; 2.0 |], ReadOnlySpan [| 0.25; 0.75 |], ReadOnlySpan y, width, output) |> ignore
        let deltaWith (y: float[]) (d: float[]) width () =
            loss.OutputDeltaInto(ReadOnlySpan [| 1.0; 2.0 |], ReadOnlySpan [| 0.25; 0.75 |], ReadOnlySpan y, width, output, Span d)
        refused "target" (sum [| 1.0 |] 2 output)
        refused "delta" (deltaWith [| 0.0; 1.0 |] [| 0.0 |] 2)
        refused "target" (deltaWith [| 1.0 |] [| 0.0; 0.0 |] 2)
        // A width of 3 over two values summed a cost of nothing, and a zero width looped forever over softmax rows.
        refused "z" (sum [| 0.0; 1.0 |] 3 output)
        refused "width" (sum [| 0.0; 1.0 |] 0 output)
        refused "width" (deltaWith [| 0.0; 1.0 |] [| 0.0; 0.0 |] 0)
        refused "output" (sum [| 0.0; 1.0 |] 2 (Unchecked.defaultof<Activation>))
    // Cross-entropy is not defined for a ReLU output; its cost was computed from it regardless.
    refused "output" (fun () ->
        Loss.SoftmaxCrossEntropy.SumOfCosts(ReadOnlySpan [| 1.0; 2.0 |], ReadOnlySpan [| 1.0; 2.0 |], ReadOnlySpan [| 0.0; 1.0 |], 2, Activation.Relu) |> ignore)
