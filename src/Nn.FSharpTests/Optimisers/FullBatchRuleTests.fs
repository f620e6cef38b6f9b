/// Conjugate gradient's restart and L-BFGS's pair test and restart, each on a cost made by hand so that a run sits
/// exactly on the rule's edge: the costs on a smooth problem never land there, so only such a cost shows which side of
/// the edge the minimiser takes.
module Nn.Tests.Optimisers.FullBatchRuleTests

open System
open Nn
open Nn.Tests.Helpers
open Xunit

/// A cost of three steps in the plane with gradients picked by hand: the origin costs 10 with gradient g₀, the rest
/// of the x axis (where the first search, along −g₀ = (−g₀ₓ, 0), looks) 9 with gradient g₁, and every point off the
/// axis 8 with gradient 0, so the second search's first trial ends the run. Records every point evaluated.
let private staircase (g0: float[]) (g1: float[]) (evaluated: ResizeArray<float[]>) (theta: ParameterVector<float>) =
    let p = theta.ToArray()
    evaluated.Add p
    let cost, gradient =
        if p[1] <> 0.0 then 8.0, [| 0.0; 0.0 |]
        elif p[0] = 0.0 then 10.0, g0
        else 9.0, g1
    LossAndGradient<float>(cost, ParameterVector<float>.Create(ReadOnlySpan gradient))

let private minimiseStaircase (minimizer: FullBatchOptimizer) (g0: float[]) (g1: float[]) =
    let evaluated = ResizeArray<float[]>()
    let result = minimizer.Minimize(Func<_, _>(staircase g0 g1 evaluated), ParameterVector<float>.Create(ReadOnlySpan [| 0.0; 0.0 |]))
    result, List.ofSeq evaluated

let private dot (a: float[]) (b: float[]) = Array.fold2 (fun sum u v -> sum + u * v) 0.0 a b

[<Fact>]
let ``conjugate gradient restarts along minus the gradient when Polak-Ribiere's direction has a slope of exactly zero`` () =
    // g₀ = (17, 0), g₁ = (−1, 1/4): β = (g₁·g₁ − g₁·g₀) / g₀·g₀ = (17/16 + 17) / 289 = 1/16 and d = −g₁ + β(−g₀) =
    // (−1/16, −1/4), whose slope g₁·d = 1/16 − 1/16 is 0 in exact binary arithmetic: no descent direction, so the
    // second search must go along −g₁ = (1, −1/4), with the expected decrease's guess capped at 1.
    let result, evaluated = minimiseStaircase (ConjugateGradient()) [| 17.0; 0.0 |] [| -1.0; 0.25 |]
    Assert.Equal(3, evaluated.Length)
    let x1 = evaluated[1]
    Assert.Equal(0.0, x1[1])
    assertAllClose 1e-15 [| x1[0] + 1.0; -0.25 |] evaluated[2]
    Assert.Equal((MinimizationStop.Converged, 2, 3), (result.Stop, result.Iterations, result.Evaluations))
    Assert.Equal<float[]>(evaluated[2], result.Parameters.ToArray())
    Assert.Equal<float seq>([ 9.0; 8.0 ], result.LossHistory)

/// The second search's first trial after a first step from the origin to x₁ along −g₀: with the pair (s, y) kept,
/// x₁ − H g₁ (a unit step, H the BFGS update of γI by that pair, as in FullBatchTests); without it, a step of length 1
/// along −g₁ (1 / max(1, |g₁|) of −g₁).
let private secondTrial (g0: float[]) (g1: float[]) (x1: float[]) (pairKept: bool) =
    if pairKept then
        let s = x1
        let y = Array.map2 (-) g1 g0
        let rho, gamma = 1.0 / dot y s, dot s y / dot y y
        let identity i j = if i = j then 1.0 else 0.0
        let left = Array2D.init 2 2 (fun i j -> identity i j - rho * s[i] * y[j])
        let h = Array2D.init 2 2 (fun i j -> gamma * (left[i, 0] * left[j, 0] + left[i, 1] * left[j, 1]) + rho * s[i] * s[j])
        Array.init 2 (fun i -> x1[i] - (h[i, 0] * g1[0] + h[i, 1] * g1[1]))
    else
        let alpha = 1.0 / max 1.0 (sqrt (dot g1 g1))
        Array.map2 (fun x g -> x - alpha * g) x1 g1

[<Theory>]
// yᵀs = 1/2 against 10⁻¹² |y||s| ≈ 1.1 (|s| = 1, |y| ≈ 2⁴⁰): too little curvature for the gradient's size, dropped.
[<InlineData(1.0, 0.5, 1099511627776.0, false)>]
// yᵀs = 2⁻²¹ against 10⁻¹² |y||s| ≈ 6.4 × 10⁻¹¹ (|s| = 2⁻¹⁰, |y| ≈ 2¹⁶): kept, though it is below 10⁻¹² |y| / |s|.
[<InlineData(0.0009765625, 0.00048828125, 65536.0, true)>]
let ``L-BFGS keeps a pair exactly when its curvature y's exceeds 1e-12 times the lengths of y and s`` (g0x: float, g1x: float, g1y: float, kept: bool) =
    let g0, g1 = [| g0x; 0.0 |], [| g1x; g1y |]
    let result, evaluated = minimiseStaircase (Lbfgs(GradientTolerance = 0.0, FunctionTolerance = 0.0)) g0 g1
    let x1 = evaluated[1]
    // The first search's unit trial, 1 / max(1, |g₀|) of −g₀, meets both Wolfe conditions.
    Assert.Equal<float[]>([| -g0x / max 1.0 g0x; 0.0 |], x1)
    let y, s = Array.map2 (-) g1 g0, x1
    Assert.Equal(kept, dot y s > 1e-12 * sqrt (dot y y * dot s s))
    assertAllClose 1e-15 (secondTrial g0 g1 x1 kept) evaluated[2]
    Assert.Equal(MinimizationStop.Converged, result.Stop)

[<Fact>]
let ``L-BFGS keeps no pair from a step along which the gradient did not change, so on a linear cost every search is steepest descent's`` () =
    // C = −x has the gradient −1 everywhere: no step meets the curvature condition, so each search doubles its unit
    // first trial until its 30 evaluations are spent and takes the last, 2²⁹. Such a step has y = 0, whose curvature
    // 0 is no more than 10⁻¹² |y||s| = 0; a pair with 1 / yᵀs = ∞ would turn the next direction into NaN.
    let objective (theta: ParameterVector<float>) = LossAndGradient<float>(-theta[0], ParameterVector<float>.Create(ReadOnlySpan [| -1.0 |]))
    let result = (Lbfgs(MaxIterations = 2)).Minimize(Func<_, _> objective, ParameterVector<float>.Create(ReadOnlySpan [| 0.0 |]))
    Assert.Equal((MinimizationStop.IterationLimit, 2, 61), (result.Stop, result.Iterations, result.Evaluations))
    Assert.Equal<float[]>([| Math.ScaleB(1.0, 30) |], result.Parameters.ToArray())
    Assert.Equal<float seq>([ -Math.ScaleB(1.0, 29); -Math.ScaleB(1.0, 30) ], result.LossHistory)

[<Fact>]
let ``L-BFGS forgets its pairs and steps along minus the gradient when minus H g's slope rounds to zero`` () =
    // From x = −1 (cost 3, gradient −2) the first step of 1/2 of −g reaches 0 (cost 2, gradient 2⁻⁵⁶⁰) and keeps the
    // pair s = 1, y = 2. Then −H g = −2⁻⁵⁶¹, and g·(−H g) = −2⁻¹¹²¹ underflows to −0: no descent the arithmetic can
    // see. The restart drops the pair and tries a unit step along −g, to −2⁻⁵⁶⁰; kept, the pair would try −2⁻⁵⁶¹.
    let tiny = Math.ScaleB(1.0, -560)
    let evaluated = ResizeArray<float>()
    let objective (theta: ParameterVector<float>) =
        let x = theta[0]
        evaluated.Add x
        let cost, gradient = if x = -1.0 then 3.0, -2.0 elif x = 0.0 then 2.0, tiny else 1.0, 0.0
        LossAndGradient<float>(cost, ParameterVector<float>.Create(ReadOnlySpan [| gradient |]))
    let result =
        (Lbfgs(GradientTolerance = 0.0, FunctionTolerance = 0.0)).Minimize(Func<_, _> objective, ParameterVector<float>.Create(ReadOnlySpan [| -1.0 |]))
    Assert.Equal<float seq>([ -1.0; 0.0; -tiny ], evaluated)
    Assert.Equal((MinimizationStop.Converged, 2, 3), (result.Stop, result.Iterations, result.Evaluations))
    Assert.Equal<float[]>([| -tiny |], result.Parameters.ToArray())
