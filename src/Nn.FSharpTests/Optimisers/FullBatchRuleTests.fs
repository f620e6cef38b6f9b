/// The full-batch minimisers' bookkeeping: conjugate gradient's restart and first-step guess, L-BFGS's pair test, γ and
/// restart, and both stopping tests. Most cases use a cost made by hand so that a run sits exactly on a rule's edge (a
/// slope of exactly 0, a curvature equal to its bound, a tolerance met exactly, a product that underflows): a smooth
/// problem never lands there, so only such a cost shows which side of the edge the minimiser takes.
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

[<Fact>]
let ``conjugate gradient's second search starts with a unit step when the expected decrease's guess underflows to zero`` () =
    // From the origin (cost 0, g₀ = (2⁻²², 2⁻⁶⁰⁰)) the unit first step reaches x₁ = −g₀ (cost −2⁻⁵⁶, g₁ = (−2⁻³⁰, −2⁵¹¹)),
    // meeting both Wolfe conditions. Then β = g₁·(g₁ − g₀) / g₀·g₀ overflows to ∞, Polak-Ribière's direction has the
    // slope +∞ and the search restarts along −g₁, whose slope is −2¹⁰²²; the guess 2.02 (f₁ − f₀) / g₁·d = 2.02 × 2⁻¹⁰⁷⁸
    // rounds to 0, which is no step, so the search must try 1 (where the cost, −2¹⁰¹⁰, is low enough for Armijo's
    // condition on that slope). A first trial of 0 would evaluate x₁ again. The gradient tolerance is 0 because g₀ is
    // already within the default one, which ends a run at its start.
    let g0, x1, g1 = [| Math.ScaleB(1.0, -22); Math.ScaleB(1.0, -600) |], [| -Math.ScaleB(1.0, -22); -Math.ScaleB(1.0, -600) |], [| -Math.ScaleB(1.0, -30); -Math.ScaleB(1.0, 511) |]
    let evaluated = ResizeArray<float[]>()
    let objective (theta: ParameterVector<float>) =
        let p = theta.ToArray()
        evaluated.Add p
        let cost, gradient = if p = [| 0.0; 0.0 |] then 0.0, g0 elif p = x1 then -Math.ScaleB(1.0, -56), g1 else -Math.ScaleB(1.0, 1010), [| 0.0; 0.0 |]
        LossAndGradient<float>(cost, ParameterVector<float>.Create(ReadOnlySpan gradient))
    let result = (ConjugateGradient(GradientTolerance = 0.0, FunctionTolerance = 0.0)).Minimize(Func<_, _> objective, ParameterVector<float>.Create(ReadOnlySpan [| 0.0; 0.0 |]))
    Assert.Equal<float[] list>([ [| 0.0; 0.0 |]; x1; Array.map2 (-) x1 g1 ], List.ofSeq evaluated)
    Assert.Equal((MinimizationStop.Converged, 2, 3), (result.Stop, result.Iterations, result.Evaluations))

/// The L-BFGS inverse-Hessian approximation of the pairs (s, y), oldest first: H ← Vᵀ H V + ρ s sᵀ for each pair from
/// H = γI, with V = I − ρ y sᵀ, ρ = 1 / yᵀs and γ = sᵀy / yᵀy of the newest pair (Nocedal and Wright, (7.19), (7.20)).
let private inverseHessian (pairs: (float[] * float[]) list) =
    let n = (fst pairs.Head).Length
    let newestS, newestY = List.last pairs
    let gamma = dot newestS newestY / dot newestY newestY
    let update (h: float[,]) (s: float[], y: float[]) =
        let rho = 1.0 / dot y s
        let v = Array2D.init n n (fun i j -> (if i = j then 1.0 else 0.0) - rho * y[i] * s[j])
        Array2D.init n n (fun i j -> Seq.sum (seq { for k in 0 .. n - 1 do for l in 0 .. n - 1 -> v[k, i] * h[k, l] * v[l, j] }) + rho * s[i] * s[j])
    pairs |> List.fold update (Array2D.init n n (fun i j -> if i = j then gamma else 0.0))

/// x − H g, the unit step along L-BFGS's direction.
let private quasiNewtonStep (h: float[,]) (x: float[]) (g: float[]) =
    Array.init x.Length (fun i -> x[i] - Seq.sum (seq { for k in 0 .. x.Length - 1 -> h[i, k] * g[k] }))

/// The second search's first trial after a first step from the origin to x₁ along −g₀: with the pair (s, y) kept,
/// x₁ − H g₁ (a unit step); without it, a step of length 1 along −g₁ (1 / max(1, |g₁|) of −g₁).
let private secondTrial (g0: float[]) (g1: float[]) (x1: float[]) (pairKept: bool) =
    if pairKept then
        quasiNewtonStep (inverseHessian [ x1, Array.map2 (-) g1 g0 ]) x1 g1
    else
        let alpha = 1.0 / max 1.0 (sqrt (dot g1 g1))
        Array.map2 (fun x g -> x - alpha * g) x1 g1

[<Theory>]
// yᵀs = 1/2 against 10⁻¹² |y||s| ≈ 1.1 (|s| = 1, |y| ≈ 2⁴⁰): too little curvature for the gradient's size, dropped.
[<InlineData(1.0, 0.5, 1099511627776.0, false)>]
// yᵀs = 2⁻²¹ against 10⁻¹² |y||s| ≈ 6.4 × 10⁻¹¹ (|s| = 2⁻¹⁰, |y| ≈ 2¹⁶): kept, though it is below 10⁻¹² |y| / |s|.
[<InlineData(0.0009765625, 0.00048828125, 65536.0, true)>]
// yᵀs = 1/2 against 10⁻¹² |y||s| ≈ 0.069 (|s| = 1, |y| ≈ 2³⁶): kept, so the bound lies between 7.3 × 10⁻¹² and 4.5 × 10⁻¹³ times |y||s|.
[<InlineData(1.0, 0.5, 68719476736.0, true)>]
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
let ``L-BFGS with two pairs scales its first guess of the inverse Hessian by the newest pair's curvature`` () =
    // f = x² + 4y² + 9z² from (1, 1, 1) with a memory of two pairs: the third search's first trial must be x₂ − H g₂
    // with H built from both pairs, oldest first, over γI with the newest pair's γ (the oldest one's differs here).
    let result, evaluated, gradientAt = lbfgsOnAxisBowl 2
    let iterateAt k = Seq.findIndexBack (fun (_, cost) -> cost = result.LossHistory[k]) evaluated
    let x0, x1, x2 = fst evaluated[0], fst evaluated[iterateAt 0], fst evaluated[iterateAt 1]
    let pair (a: float[]) (b: float[]) = Array.map2 (-) b a, Array.map2 (-) (gradientAt b) (gradientAt a)
    let (s1, y1), (s2, y2) = pair x0 x1, pair x1 x2
    Assert.True(abs (dot s1 y1 / dot y1 y1 - dot s2 y2 / dot y2 y2) > 1e-3, "the test needs pairs of different curvature")
    assertAllClose 1e-13 (quasiNewtonStep (inverseHessian [ s1, y1; s2, y2 ]) x2 (gradientAt x2)) (fst evaluated[iterateAt 1 + 1])

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

[<Theory>]
// max |g| = 1/16 equals the gradient tolerance 1/16 (and the decrease 1 is above the function tolerance 0).
[<InlineData(0.0625, 0.0)>]
// The decrease 3 − 2 = 1 equals the function tolerance 1/2 times max(1, |2|) (and max |g| is above the gradient tolerance 0).
[<InlineData(0.0, 0.5)>]
let ``a full-batch minimiser stops when the gradient or the decrease equals its tolerance exactly`` (gradientTolerance: float, functionTolerance: float) =
    // From 0 (cost 3, gradient −1) the unit first step meets both minimisers' Wolfe conditions; every other point costs
    // 2 with gradient −1/16, so a second search would find nothing lower and end with no descent.
    let objective (theta: ParameterVector<float>) =
        let cost, gradient = if theta[0] = 0.0 then 3.0, -1.0 else 2.0, -0.0625
        LossAndGradient<float>(cost, ParameterVector<float>.Create(ReadOnlySpan [| gradient |]))
    for minimizer in [ Lbfgs(GradientTolerance = gradientTolerance, FunctionTolerance = functionTolerance) :> FullBatchOptimizer
                       ConjugateGradient(GradientTolerance = gradientTolerance, FunctionTolerance = functionTolerance) ] do
        let result = minimizer.Minimize(Func<_, _> objective, ParameterVector<float>.Create(ReadOnlySpan [| 0.0 |]))
        Assert.Equal((MinimizationStop.Converged, 1, 2), (result.Stop, result.Iterations, result.Evaluations))
        Assert.Equal<float[]>([| 1.0 |], result.Parameters.ToArray())

[<Fact>]
let ``a start whose gradient already meets the tolerance has converged with no iteration, not found no descent`` () =
    let start = ParameterVector<float>.Create(ReadOnlySpan [| 1.0; 2.0 |])
    for minimizer in [ ConjugateGradient() :> FullBatchOptimizer; Lbfgs() ] do
        let flat = minimizer.Minimize((fun _ -> LossAndGradient<float>(3.0, ParameterVector<float>.Create(ReadOnlySpan [| 1e-7; 0.0 |]))), start)
        Assert.Equal(MinimizationStop.Converged, flat.Stop)
        Assert.Equal((0, 1, 3.0), (flat.Iterations, flat.Evaluations, flat.Loss))
        Assert.Equal(start, flat.Parameters)

[<Fact>]
let ``an objective whose gradient is not theta's length is refused naming the objective and both lengths`` () =
    let start = ParameterVector<float>.Create(ReadOnlySpan [| 1.0; 2.0 |])
    for minimizer in [ ConjugateGradient() :> FullBatchOptimizer; Lbfgs() ] do
        let error = Assert.Throws<ArgumentException>(fun () ->
            minimizer.Minimize((fun theta -> LossAndGradient<float>(theta.Dot theta, ParameterVector<float>.Zeros 5)), start) |> ignore)
        Assert.Equal("objective", error.ParamName)
        Assert.Contains("length 2, but returned one of length 5", error.Message)

[<Fact>]
let ``an objective that returns a null gradient is refused naming the objective, not a NullReferenceException`` () =
    let start = ParameterVector<float>.Create(ReadOnlySpan [| 1.0; 2.0 |])
    for minimizer in [ ConjugateGradient() :> FullBatchOptimizer; Lbfgs() ] do
        let error = Assert.Throws<ArgumentException>(fun () ->
            minimizer.Minimize((fun theta -> LossAndGradient<float>(theta.Dot theta, Unchecked.defaultof<ParameterVector<float>>)), start) |> ignore)
        Assert.Equal("objective must return a cost and a gradient, but returned a null gradient. (Parameter 'objective')", error.Message)

[<Fact>]
let ``conjugate gradient takes a negative Polak-Ribiere beta as zero and searches along minus the gradient`` () =
    // g₀ = (16, 0), g₁ = (1, 1): the first step, 1/16 of −g₀, reaches x₁ = (−1, 0) and meets both Wolfe conditions
    // (|g₁·d₀| = 16 ≤ 0.1 × 256). β = (g₁·g₁ − g₁·g₀) / g₀·g₀ = (2 − 16) / 256 is negative, so β = max(0, β) = 0 and
    // d = −g₁ = (−1, −1) with slope −2; the guess 1.01 × 2 (9 − 10) / −2 is capped at 1, and the second search's first
    // trial is (−2, −1). Kept, β = −7/128 would give d = (−1/8, −1) and the trial (−1.125, −1).
    let result, evaluated = minimiseStaircase (ConjugateGradient()) [| 16.0; 0.0 |] [| 1.0; 1.0 |]
    Assert.Equal<float[] list>([ [| 0.0; 0.0 |]; [| -1.0; 0.0 |]; [| -2.0; -1.0 |] ], evaluated)
    Assert.Equal((MinimizationStop.Converged, 2, 3), (result.Stop, result.Iterations, result.Evaluations))

[<Fact>]
let ``a decrease above the function tolerance times the new cost goes on, though it is within that tolerance times the old one`` () =
    // From 0 (cost 3, gradient −1) the unit first step reaches 1 at cost 2: a decrease of 1, above 0.375 × max(1, |2|) =
    // 0.75 though not above 0.375 × 3. The run goes on; every other point costs 2, so the second search finds nothing
    // lower and the run ends with no descent after one iteration, at 1.
    let objective (theta: ParameterVector<float>) =
        let cost, gradient = if theta[0] = 0.0 then 3.0, -1.0 else 2.0, -0.0625
        LossAndGradient<float>(cost, ParameterVector<float>.Create(ReadOnlySpan [| gradient |]))
    for minimizer in [ Lbfgs(GradientTolerance = 0.0, FunctionTolerance = 0.375) :> FullBatchOptimizer
                       ConjugateGradient(GradientTolerance = 0.0, FunctionTolerance = 0.375) ] do
        let result = minimizer.Minimize(Func<_, _> objective, ParameterVector<float>.Create(ReadOnlySpan [| 0.0 |]))
        Assert.Equal((MinimizationStop.NoDescent, 1, 2.0), (result.Stop, result.Iterations, result.Loss))
        Assert.Equal<float[]>([| 1.0 |], result.Parameters.ToArray())

[<Fact>]
let ``a start whose largest gradient element equals the gradient tolerance exactly has converged with no iteration`` () =
    let start = ParameterVector<float>.Create(ReadOnlySpan [| 1.0; 2.0 |])
    for minimizer in [ ConjugateGradient(GradientTolerance = 0.0625) :> FullBatchOptimizer; Lbfgs(GradientTolerance = 0.0625) ] do
        let flat = minimizer.Minimize((fun _ -> LossAndGradient<float>(3.0, ParameterVector<float>.Create(ReadOnlySpan [| -0.0625; 0.0 |]))), start)
        Assert.Equal((MinimizationStop.Converged, 0, 1), (flat.Stop, flat.Iterations, flat.Evaluations))

[<Theory>]
[<InlineData(true)>]
[<InlineData(false)>]
let ``both minimisers take a first step exactly on Armijo's line for c1 = 1e-4 and refuse one a rounding above it`` (onLine: bool) =
    // From 0 (cost 1, gradient −1) the first trial is the unit step to 1, where the slope is 0. Armijo's line there is
    // 1 + 10⁻⁴ × 1 × (−1): a cost exactly on it is a step taken, after which the gradient 0 ends the run at 1. A cost one
    // rounding above it fails the condition; every other point costs 2, so nothing lowers the cost.
    let line = 1.0 + 1e-4 * 1.0 * -1.0
    let atOne = if onLine then line else Math.BitIncrement line
    let objective (theta: ParameterVector<float>) =
        let cost, gradient = if theta[0] = 0.0 then 1.0, -1.0 elif theta[0] = 1.0 then atOne, 0.0 else 2.0, 0.0
        LossAndGradient<float>(cost, ParameterVector<float>.Create(ReadOnlySpan [| gradient |]))
    for minimizer in [ Lbfgs() :> FullBatchOptimizer; ConjugateGradient() ] do
        let result = minimizer.Minimize(Func<_, _> objective, ParameterVector<float>.Create(ReadOnlySpan [| 0.0 |]))
        if onLine then
            Assert.Equal((MinimizationStop.Converged, 1, atOne), (result.Stop, result.Iterations, result.Loss))
            Assert.Equal<float[]>([| 1.0 |], result.Parameters.ToArray())
        else
            Assert.Equal((MinimizationStop.NoDescent, 0), (result.Stop, result.Iterations))
            Assert.Equal<float[]>([| 0.0 |], result.Parameters.ToArray())

[<Fact>]
let ``conjugate gradient with gradients too large to square takes Polak-Ribiere's direction and the expected decrease's first step`` () =
    // g₀ = (2⁶⁰⁰, 0) at the origin (cost 0): g₀·g₀ overflows, so the first search runs along −g₀ scaled by 2⁻⁶⁰³ and its
    // first trial, of length 1, reaches x₁ = (−1, 0), which costs −2⁵⁹⁸ with g₁ = 2⁵⁹⁶ (1, 8) and meets both Wolfe
    // conditions. β = (g₁·g₁ − g₁·g₀) / g₀·g₀ = (65 × 2¹¹⁹² − 2¹¹⁹⁶) / 2¹²⁰⁰ = 49/256, every product summed in scaled
    // units, so d = −g₁ + β d₀ = −2⁵⁹² (65, 128), g₁·d = −1089 × 2¹¹⁸⁸, and the first trial steps α = 2.02 (f₁ − f₀) / g₁·d
    // along d: x₁ − (8.08 / 1089) (65, 128). Every other point costs −2⁵⁹⁹ with gradient 0, which ends the run there.
    let big e = Math.ScaleB(1.0, e)
    let g0, g1 = [| big 600; 0.0 |], [| big 596; big 599 |]
    let evaluated = ResizeArray<float[]>()
    let objective (theta: ParameterVector<float>) =
        let p = theta.ToArray()
        evaluated.Add p
        let cost, gradient =
            if p[1] <> 0.0 then -(big 599), [| 0.0; 0.0 |]
            elif p[0] = 0.0 then 0.0, g0
            else -(big 598), g1
        LossAndGradient<float>(cost, ParameterVector<float>.Create(ReadOnlySpan gradient))
    let result = (ConjugateGradient()).Minimize(Func<_, _> objective, ParameterVector<float>.Create(ReadOnlySpan [| 0.0; 0.0 |]))
    Assert.Equal(3, evaluated.Count)
    Assert.Equal<float[]>([| -1.0; 0.0 |], evaluated[1])
    assertAllClose 1e-14 [| -1.0 - 8.08 / 1089.0 * 65.0; -8.08 / 1089.0 * 128.0 |] evaluated[2]
    Assert.Equal((MinimizationStop.Converged, 2), (result.Stop, result.Iterations))

[<Fact>]
let ``L-BFGS's two-loop recursion takes s·q over y·s in scaled units when s·q overflows`` () =
    // One dimension, a cost made by hand, from 0 with gradient −2¹⁰⁰⁰: the first search runs along −g scaled by 2⁻¹⁰⁰²
    // and doubles its first trial, 1, while the gradient stays −2¹⁰⁰⁰ (the cost −2⁹⁸⁸ x is lower each time and below
    // Armijo's line), until 2²⁵, where the gradient −0.75 × 2¹⁰⁰⁰ meets the curvature condition. The pair s = 2²⁵,
    // y = 2⁹⁹⁸ has y·s = 2¹⁰²³, but s·g₁ = −1.5 × 2¹⁰²⁴ overflows: the recursion's α = s·q / y·s = −3 comes from scaled
    // sums, and the direction is the secant's −(s / y) g₁ = 3 × 2²⁵, whose unit step makes the next trial 2²⁷.
    let big e = Math.ScaleB(1.0, e)
    let evaluated = ResizeArray<float>()
    let objective (theta: ParameterVector<float>) =
        let x = theta[0]
        evaluated.Add x
        let cost, gradient =
            if x < big 25 then -(big 988) * x, -(big 1000)
            elif x = big 25 then -(big 1013), -0.75 * big 1000
            else -(big 1014), 0.0
        LossAndGradient<float>(cost, ParameterVector<float>.Create(ReadOnlySpan [| gradient |]))
    let result = (Lbfgs()).Minimize(Func<_, _> objective, ParameterVector<float>.Create(ReadOnlySpan [| 0.0 |]))
    Assert.Equal<float list>(0.0 :: [ for k in 0 .. 25 -> big k ] @ [ big 27 ], List.ofSeq evaluated)
    Assert.Equal((MinimizationStop.Converged, 2), (result.Stop, result.Iterations))
