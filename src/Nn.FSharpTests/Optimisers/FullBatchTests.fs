/// Conjugate gradient and L-BFGS on a convex problem: regularised logistic regression on the admissions data.
module Nn.Tests.Optimisers.FullBatchTests

open System
open System.IO
open Nn
open Nn.Tests.Helpers
open Xunit

/// The classic preprocessing: rank → four 0/1 columns, gre and gpa standardised with the sample std (n − 1).
let private admissions =
    lazy
        let rows = File.ReadAllLines(testData "binary.csv") |> Array.skip 1 |> Array.map (fun l -> l.Split(',') |> Array.map inv)
        let standardise (column: float[]) =
            let mean = Array.average column
            let std = sqrt ((column |> Array.sumBy (fun v -> (v - mean) ** 2.0)) / float (column.Length - 1))
            column |> Array.map (fun v -> (v - mean) / std)
        let gre = standardise (rows |> Array.map (fun r -> r[1]))
        let gpa = standardise (rows |> Array.map (fun r -> r[2]))
        let inputs = rows |> Array.mapi (fun i r -> Array.append [| gre[i]; gpa[i] |] (Array.init 4 (fun k -> if int r[3] = k + 1 then 1.0 else 0.0)))
        Dataset.FromTargets(matrix inputs, matrix (rows |> Array.map (fun r -> [| r[0] |])))

let private logisticRegression () = Network.Create<float>(Architecture.Input(6).Dense(1, Activation.Sigmoid), Initializer.NormalFixed 0.01, 2UL)

let private lambda = 1.0

let private minimise (minimizer: FullBatchOptimizer) =
    let data = admissions.Value
    let network = logisticRegression ()
    let result = Trainer.TrainFullBatch(network, Loss.BinaryCrossEntropy, minimizer, data, lambda)
    let trained = network.WithParameters result.Parameters
    let gradient = Backprop.Gradient(trained, Loss.BinaryCrossEntropy, data.Inputs, data.Targets, lambda).Gradient.ToArray()
    result, gradient, Backprop.Cost(network, Loss.BinaryCrossEntropy, data.Inputs, data.Targets, lambda)

let private nonIncreasing (history: float seq) = history |> Seq.pairwise |> Seq.forall (fun (a, b) -> b <= a)

[<Fact>]
let ``conjugate gradient lowers the cost at every iteration and reaches the minimum`` () =
    let result, gradient, initial = minimise (ConjugateGradient(MaxIterations = 200, GradientTolerance = 1e-7, FunctionTolerance = 0.0))
    Assert.True(result.Converged, sprintf "%d iterations, %d evaluations, history %A, gradient %A" result.Iterations result.Evaluations (Seq.toList result.LossHistory |> List.rev |> List.truncate 4) gradient)
    Assert.Equal("converged", result.Describe())
    Assert.True(result.Loss < initial)
    Assert.True(nonIncreasing result.LossHistory)
    Assert.True(gradient |> Array.forall (fun g -> abs g < 1e-7), sprintf "%A" gradient)

[<Fact>]
let ``L-BFGS lowers the cost at every iteration and reaches the same minimum as conjugate gradient`` () =
    let lbfgs, gradient, initial = minimise (Lbfgs(MaxIterations = 200, GradientTolerance = 1e-7, FunctionTolerance = 0.0))
    let cg, _, _ = minimise (ConjugateGradient(MaxIterations = 200, GradientTolerance = 1e-7, FunctionTolerance = 0.0))
    Assert.True(lbfgs.Converged)
    Assert.True(lbfgs.Loss < initial)
    Assert.True(nonIncreasing lbfgs.LossHistory)
    Assert.True(gradient |> Array.forall (fun g -> abs g < 1e-7), sprintf "%A" gradient)
    assertClose 1e-10 cg.Loss lbfgs.Loss
    // The four rank columns sum to the bias input, so one direction is held only by the weak L2 term; with the
    // gradient at 1e-7 the two minimisers can sit 1e-5 apart along it.
    assertAllClose 1e-4 (cg.Parameters.ToArray()) (lbfgs.Parameters.ToArray())

[<Fact>]
let ``full-batch minimisers print as their names`` () =
    Assert.Equal("lbfgs", string (Lbfgs()))
    Assert.Equal("cg", string (ConjugateGradient()))

[<Fact>]
let ``full-batch minimisers are validated when made`` () =
    Assert.Contains("MaxIterations", messageOf<ArgumentOutOfRangeException> (fun () -> ConjugateGradient(MaxIterations = 0) |> ignore))
    Assert.Contains("Memory", messageOf<ArgumentOutOfRangeException> (fun () -> Lbfgs(Memory = -1) |> ignore))

[<Fact>]
let ``L-BFGS minimises the Rosenbrock function`` () =
    let objective (theta: ParameterVector<float>) =
        let x, y = theta[0], theta[1]
        let f = (1.0 - x) ** 2.0 + 100.0 * (y - x * x) ** 2.0
        let g = [| -2.0 * (1.0 - x) - 400.0 * x * (y - x * x); 200.0 * (y - x * x) |]
        LossAndGradient<float>(f, ParameterVector<float>.Create(ReadOnlySpan g))
    let start = ParameterVector<float>.Create(ReadOnlySpan [| -1.2; 1.0 |])
    for minimizer in [ Lbfgs(MaxIterations = 500, GradientTolerance = 1e-8) :> FullBatchOptimizer; ConjugateGradient(MaxIterations = 2000, GradientTolerance = 1e-8) ] do
        let result = minimizer.Minimize(Func<_, _> objective, start)
        assertAllClose 1e-5 [| 1.0; 1.0 |] (result.Parameters.ToArray())

/// f(x) = Σ x², whose cost at the start is replaced by `startCost` and gradient element 0 by `startSlope`.
let private bowlStartingAt (startCost: float) (startSlope: float) =
    let mutable first = true
    fun (theta: ParameterVector<float>) ->
        let x = theta.ToArray()
        let gradient = x |> Array.map (fun v -> 2.0 * v)
        let cost = x |> Array.sumBy (fun v -> v * v)
        let atStart = first
        first <- false
        if atStart then gradient[0] <- startSlope
        LossAndGradient<float>((if atStart then startCost else cost), ParameterVector<float>.Create(ReadOnlySpan gradient))

[<Theory>]
[<InlineData("cg", "Infinity", "2.0")>]
[<InlineData("cg", "NaN", "2.0")>]
[<InlineData("lbfgs", "Infinity", "2.0")>]
[<InlineData("lbfgs", "1.0", "NaN")>]
[<InlineData("lbfgs", "1.0", "-Infinity")>]
let ``a full-batch minimiser whose starting cost or gradient is not finite diverges and returns the start`` (name: string, cost: string, slope: string) =
    let cost, slope = inv cost, inv slope
    let minimizer: FullBatchOptimizer = if name = "cg" then ConjugateGradient(MaxIterations = 50) else Lbfgs(MaxIterations = 50)
    let start = ParameterVector<float>.Create(ReadOnlySpan [| 1.0; -2.0 |])
    let result = minimizer.Minimize(Func<_, _>(bowlStartingAt cost slope), start)
    Assert.Equal(MinimizationStop.Diverged, result.Stop)
    Assert.False(result.Converged)
    Assert.Equal<float[]>([| 1.0; -2.0 |], result.Parameters.ToArray())
    Assert.Equal(1, result.Evaluations)
    Assert.StartsWith("diverged: ", result.Describe())

/// Σ x², with a gradient that points uphill: no step against it can lower the cost.
let private bowlWithUphillGradient (theta: ParameterVector<float>) =
    let x = theta.ToArray()
    LossAndGradient<float>(x |> Array.sumBy (fun v -> v * v), ParameterVector<float>.Create(ReadOnlySpan(x |> Array.map (fun v -> -2.0 * v))))

[<Theory>]
[<InlineData("cg")>]
[<InlineData("lbfgs")>]
let ``a full-batch minimiser whose first line search finds no lower cost stops after no iterations at the start and says so`` (name: string) =
    let minimizer: FullBatchOptimizer = if name = "cg" then ConjugateGradient(MaxIterations = 50) else Lbfgs(MaxIterations = 50)
    let result = minimizer.Minimize(Func<_, _>(bowlWithUphillGradient), ParameterVector<float>.Create(ReadOnlySpan [| 1.0; -2.0 |]))
    Assert.Equal(MinimizationStop.NoDescent, result.Stop)
    Assert.Equal(0, result.Iterations)
    Assert.Equal<float[]>([| 1.0; -2.0 |], result.Parameters.ToArray())
    Assert.Equal(5.0, result.Loss)
    Assert.Equal("stopped: no step along the search direction lowered the cost", result.Describe())

/// 100 + Σ x⁴: its minimum lies above 1, so the function tolerance scales with the cost, and its gradient 4x³ does
/// not vanish on the way there, so the gradient tolerance 0 never stops a search.
let private quarticAbove100 (theta: ParameterVector<float>) =
    let x = theta.ToArray()
    LossAndGradient<float>(100.0 + (x |> Array.sumBy (fun v -> pown v 4)), ParameterVector<float>.Create(ReadOnlySpan(x |> Array.map (fun v -> 4.0 * pown v 3))))

[<Theory>]
[<InlineData("cg")>]
[<InlineData("lbfgs")>]
let ``a full-batch minimiser reports each iteration's cost as it goes and stops at the first decrease within the function tolerance times the cost`` (name: string) =
    let tolerance = 1e-6
    let minimizer: FullBatchOptimizer =
        if name = "cg" then ConjugateGradient(MaxIterations = 500, GradientTolerance = 0.0, FunctionTolerance = tolerance)
        else Lbfgs(MaxIterations = 500, GradientTolerance = 0.0, FunctionTolerance = tolerance)
    let reported = ResizeArray<int * float>()
    let result =
        minimizer.Minimize(Func<_, _>(quarticAbove100), ParameterVector<float>.Create(ReadOnlySpan [| 1.0; -2.0 |]), Action<int, float>(fun i f -> reported.Add((i, f))))
    Assert.Equal(MinimizationStop.Converged, result.Stop)
    let history = Seq.toArray result.LossHistory
    Assert.Equal(history.Length, result.Iterations)
    Assert.Equal<(int * float) list>(history |> Array.mapi (fun i f -> i + 1, f) |> List.ofArray, List.ofSeq reported)
    let within (previous, current) = previous - current <= tolerance * max 1.0 (abs current)
    let decreases = Array.append [| 117.0 |] history |> Array.pairwise
    Assert.True(within (Array.last decreases), sprintf "%A" (Array.last decreases))
    Assert.True(decreases |> Array.take (decreases.Length - 1) |> Array.forall (within >> not), sprintf "%A" decreases)

[<Fact>]
let ``a full-batch minimiser refuses a negative tolerance, a null objective or start, and a start that is not finite, naming each`` () =
    Assert.Contains("GradientTolerance", messageOf<ArgumentException> (fun () -> Lbfgs(GradientTolerance = -1e-9) |> ignore))
    Assert.Contains("FunctionTolerance", messageOf<ArgumentException> (fun () -> ConjugateGradient(FunctionTolerance = -1e-9) |> ignore))
    let minimizer = Lbfgs()
    let start = ParameterVector<float>.Create(ReadOnlySpan [| 1.0 |])
    let noObjective = Unchecked.defaultof<Func<ParameterVector<float>, LossAndGradient<float>>>
    Assert.Equal("objective", (Assert.Throws<ArgumentNullException>(fun () -> minimizer.Minimize(noObjective, start) |> ignore)).ParamName)
    Assert.Equal("start", (Assert.Throws<ArgumentNullException>(fun () -> minimizer.Minimize(Func<_, _>(quarticAbove100), Unchecked.defaultof<ParameterVector<float>>) |> ignore)).ParamName)
    let notFinite = ParameterVector<float>.Create(ReadOnlySpan [| nan |])
    Assert.Equal("start", (Assert.ThrowsAny<ArgumentException>(fun () -> minimizer.Minimize(Func<_, _>(quarticAbove100), notFinite) |> ignore)).ParamName)

[<Fact>]
let ``a full-batch minimiser reports the iteration limit only when it reached it`` () =
    let result, _, _ = minimise (Lbfgs(MaxIterations = 2, GradientTolerance = 0.0, FunctionTolerance = 0.0))
    Assert.Equal(MinimizationStop.IterationLimit, result.Stop)
    Assert.Equal(2, result.Iterations)
    Assert.Equal("stopped at the iteration limit", result.Describe())

[<Fact>]
let ``training a network whose cost overflows at the start with L-BFGS diverges instead of stopping at the iteration limit`` () =
    let network = Network.Create<float32>(Architecture.Input(64).Dense(10, Activation.Identity), Initializer.NormalFixed 1e30, 1UL)
    let result = Trainer.TrainFullBatch(network, Loss.Quadratic, Lbfgs(MaxIterations = 5), Digits.Load<float32>().Train)
    Assert.Equal(MinimizationStop.Diverged, result.Stop)
    Assert.Equal(network.Parameters, result.Parameters)

/// (x − 3)² from x = 0, recording every point the minimiser evaluates.
let private parabolaFromZero (minimizer: FullBatchOptimizer) =
    let points = ResizeArray<float>()
    let objective (theta: ParameterVector<float>) =
        let x = theta[0]
        points.Add x
        LossAndGradient<float>((x - 3.0) ** 2.0, ParameterVector<float>.Create(ReadOnlySpan [| 2.0 * (x - 3.0) |]))
    let result = minimizer.Minimize(Func<_, _> objective, ParameterVector<float>.Create(ReadOnlySpan [| 0.0 |]))
    result, List.ofSeq points

[<Fact>]
let ``L-BFGS on a parabola takes a first step of one over the gradient's size, then the secant step lands on the minimiser`` () =
    // g = −6 at 0: the first step is 1/6 of −g, to 1, where both Wolfe conditions hold (|f'| = 24 ≤ 0.9 × 36). The pair
    // s = 1, y = 2 makes the next direction −g/2 = 2 and its unit step reaches 3, where the gradient is 0.
    let result, points = parabolaFromZero (Lbfgs())
    assertAllClose 1e-15 [| 0.0; 1.0; 3.0 |] (Array.ofList points)
    Assert.Equal((MinimizationStop.Converged, 2, 3), (result.Stop, result.Iterations, result.Evaluations))
    assertAllClose 1e-15 [| 4.0; 0.0 |] (Seq.toArray result.LossHistory)
    assertClose 1e-15 3.0 result.Parameters[0]

[<Fact>]
let ``conjugate gradient on a parabola searches with the strict curvature bound and reaches the minimiser in one iteration`` () =
    // The same first step to 1, but |f'| = 24 > 0.1 × 36: the step doubles to 2 and 4, where the cost equals the one at
    // 2, and the cubic zoom between them lands on 3.
    let result, points = parabolaFromZero (ConjugateGradient())
    assertAllClose 1e-14 [| 0.0; 1.0; 2.0; 4.0; 3.0 |] (Array.ofList points)
    Assert.Equal((MinimizationStop.Converged, 1, 5), (result.Stop, result.Iterations, result.Evaluations))
    assertClose 1e-14 3.0 result.Parameters[0]

[<Fact>]
let ``L-BFGS's second direction is minus the once-updated BFGS inverse Hessian times the gradient`` () =
    // f = x² + 4y² from (1, 1). The first step, 1/|g| of −g, meets both Wolfe conditions; after it the two-loop
    // recursion must give d = −H g with H = (I − ρ s yᵀ) γI (I − ρ y sᵀ) + ρ s sᵀ, γ = sᵀy / yᵀy, ρ = 1 / yᵀs (Nocedal
    // and Wright, (6.17) and (7.20)), written out here as matrices; its unit step is the next point evaluated.
    let points = ResizeArray<float[]>()
    let gradientAt (p: float[]) = [| 2.0 * p[0]; 8.0 * p[1] |]
    let objective (theta: ParameterVector<float>) =
        let p = theta.ToArray()
        points.Add p
        LossAndGradient<float>(p[0] * p[0] + 4.0 * p[1] * p[1], ParameterVector<float>.Create(ReadOnlySpan(gradientAt p)))
    (Lbfgs(MaxIterations = 2)).Minimize(Func<_, _> objective, ParameterVector<float>.Create(ReadOnlySpan [| 1.0; 1.0 |])) |> ignore
    let x0, x1 = points[0], points[1]
    assertAllClose 1e-15 [| 1.0 - 2.0 / sqrt 68.0; 1.0 - 8.0 / sqrt 68.0 |] x1
    let g0, g1 = gradientAt x0, gradientAt x1
    let s = Array.map2 (-) x1 x0
    let y = Array.map2 (-) g1 g0
    let dot (a: float[]) (b: float[]) = Array.fold2 (fun sum u v -> sum + u * v) 0.0 a b
    let rho, gamma = 1.0 / dot y s, dot s y / dot y y
    let identity i j = if i = j then 1.0 else 0.0
    let left = Array2D.init 2 2 (fun i j -> identity i j - rho * s[i] * y[j])
    let h = Array2D.init 2 2 (fun i j -> gamma * (Seq.sum (seq { for k in 0..1 -> left[i, k] * left[j, k] })) + rho * s[i] * s[j])
    let expected = Array.init 2 (fun i -> x1[i] - (h[i, 0] * g1[0] + h[i, 1] * g1[1]))
    assertAllClose 1e-13 expected points[2]

[<Fact>]
let ``L-BFGS with a memory of one pair builds its third direction from the newest pair alone`` () =
    // f = x² + 4y² + 9z² from (1, 1, 1). Each iterate is the last point evaluated at the cost reported for it; the
    // first trial of the third search must be x₂ − H g₂ with H the BFGS update of γI by the pair (s₂, y₂) only, written
    // out as matrices as above. Dropping no pair, or dropping the only one, gives other points.
    let result, evaluated, gradientAt = lbfgsOnAxisBowl 1
    let iterateAt k = Seq.findIndexBack (fun (_, cost) -> cost = result.LossHistory[k]) evaluated
    let x1, x2 = fst evaluated[iterateAt 0], fst evaluated[iterateAt 1]
    let s = Array.map2 (-) x2 x1
    let y = Array.map2 (-) (gradientAt x2) (gradientAt x1)
    let dot (a: float[]) (b: float[]) = Array.fold2 (fun sum u v -> sum + u * v) 0.0 a b
    let rho, gamma = 1.0 / dot y s, dot s y / dot y y
    let identity i j = if i = j then 1.0 else 0.0
    let left = Array2D.init 3 3 (fun i j -> identity i j - rho * s[i] * y[j])
    let h = Array2D.init 3 3 (fun i j -> gamma * (Seq.sum (seq { for k in 0..2 -> left[i, k] * left[j, k] })) + rho * s[i] * s[j])
    let g2 = gradientAt x2
    let expected = Array.init 3 (fun i -> x2[i] - Seq.sum (seq { for k in 0..2 -> h[i, k] * g2[k] }))
    assertAllClose 1e-13 expected (fst evaluated[iterateAt 1 + 1])

/// Conjugate gradient's first two iterations on x² + k·y² from `start`: β, the second search's first trial step α, the
/// point x₁ + α d that trial must evaluate, and the point it did evaluate. After the first line search ends at x₁ (the
/// last point evaluated at the first recorded cost), d = −g₁ + β d₀ with β = max(0, g₁·(g₁ − g₀) / g₀·g₀) and
/// α = min(1, 1.01 × 2 (f₁ − f₀) / g₁·d) (Nocedal and Wright, (5.44), (3.60)).
let private conjugateGradientSecondTrial (k: float) (start: float[]) =
    let evaluated = ResizeArray<float[] * float>()
    let gradientAt (p: float[]) = [| 2.0 * p[0]; 2.0 * k * p[1] |]
    let objective (theta: ParameterVector<float>) =
        let p = theta.ToArray()
        let cost = p[0] * p[0] + k * p[1] * p[1]
        evaluated.Add((p, cost))
        LossAndGradient<float>(cost, ParameterVector<float>.Create(ReadOnlySpan(gradientAt p)))
    let result = (ConjugateGradient(MaxIterations = 2)).Minimize(Func<_, _> objective, ParameterVector<float>.Create(ReadOnlySpan start))
    let dot (a: float[]) (b: float[]) = Array.fold2 (fun sum u v -> sum + u * v) 0.0 a b
    let x0, f0 = evaluated[0]
    let f1 = result.LossHistory[0]
    let last = Seq.findIndexBack (fun (_, cost) -> cost = f1) evaluated
    let x1 = fst evaluated[last]
    let g0, g1 = gradientAt x0, gradientAt x1
    let beta = max 0.0 ((dot g1 g1 - dot g1 g0) / dot g0 g0)
    let d = Array.map2 (fun g d0 -> -g + beta * d0) g1 (Array.map (fun v -> -v) g0)
    let alpha = min 1.0 (1.01 * 2.0 * (f1 - f0) / dot g1 d)
    beta, alpha, Array.map2 (fun x di -> x + alpha * di) x1 d, fst evaluated[last + 1]

[<Fact>]
let ``conjugate gradient's second direction is Polak-Ribiere's and its first trial expects the last step's decrease`` () =
    // On x² + 1.5y² from (1, 0.3) the first trial step meets both Wolfe conditions without being the line's minimiser
    // (so g₁·g₀ ≠ 0 and β > 0).
    let beta, _, expected, actual = conjugateGradientSecondTrial 1.5 [| 1.0; 0.3 |]
    Assert.True(beta > 0.0, $"β = {beta}: the test needs a direction that is not a restart")
    assertAllClose 1e-13 expected actual

[<Fact>]
let ``conjugate gradient's second search starts shorter than 1 where the last decrease predicts a shorter step`` () =
    // On x² + 4y² from (1, 0.3) the expected decrease gives α = 1.01 × 2 (f₁ − f₀) / g₁·d ≈ 0.64, below the cap of 1
    // that the x² + 1.5y² case meets.
    let _, alpha, expected, actual = conjugateGradientSecondTrial 4.0 [| 1.0; 0.3 |]
    Assert.True(0.5 < alpha && alpha < 0.75, $"α = {alpha}: the test needs a first trial step well below 1")
    assertAllClose 1e-13 expected actual

[<Theory>]
[<InlineData("cg")>]
[<InlineData("lbfgs")>]
let ``a full-batch minimiser whose steps leave a float cost unchanged says no step lowered it, not that it converged`` (name: string) =
    // (b − 1e18)²/2 in float from b = 0: the first step moves b by 1, which float's cost of 5e35 cannot see, and Armijo's
    // bound 5e35 − 1e14 rounds to 5e35 as well. That step was returned as a decrease of 0, within the function
    // tolerance, and the search reported Converged at b = 1, with the minimum 1e18 away.
    let objective (theta: ParameterVector<float32>) =
        let e = theta[0] - 1e18f
        LossAndGradient<float32>(e * e / 2.0f, ParameterVector<float32>.Create(ReadOnlySpan [| e |]))
    let minimizer: FullBatchOptimizer = if name = "cg" then ConjugateGradient() else Lbfgs()
    let result = minimizer.Minimize(Func<_, _>(objective), ParameterVector<float32>.Create(ReadOnlySpan [| 0.0f |]))
    Assert.Equal((MinimizationStop.NoDescent, 0), (result.Stop, result.Iterations))
    Assert.Equal<float32[]>([| 0.0f |], result.Parameters.ToArray())
    // 1e30 + (x − 3)² in double: the step to 1 leaves the cost at 1e30, and its slope, −24 against −36, meets L-BFGS's
    // curvature condition (c2 = 0.9), so that step was returned at once and L-BFGS reported Converged at 1.
    let lifted (theta: ParameterVector<float>) =
        let x = theta[0]
        LossAndGradient<float>(1e30 + (x - 3.0) ** 2.0, ParameterVector<float>.Create(ReadOnlySpan [| 2.0 * (x - 3.0) |]))
    let onLifted = minimizer.Minimize(Func<_, _>(lifted), ParameterVector<float>.Create(ReadOnlySpan [| 0.0 |]))
    Assert.Equal((MinimizationStop.NoDescent, 0), (onLifted.Stop, onLifted.Iterations))

[<Theory>]
[<InlineData("cg")>]
[<InlineData("lbfgs")>]
let ``a full-batch minimiser in float64 descends although its gradients are too large to square`` (name: string) =
    // 1e200 ((x − 3)² + 10 (y − 3)²) from 0: the gradient's elements are −6e200 and −6e201, so g·g and g·d overflow to
    // ∞. The first slope was −∞, the first trial step 0, and the run stopped with NoDescent at the start, although −g is
    // a descent direction. The bowl is not round, so later directions need β (g·g) and the pairs' y·y and y·q too.
    let weights = [| 1.0; 10.0 |]
    let objective (theta: ParameterVector<float>) =
        let x = theta.ToArray()
        LossAndGradient<float>(
            1e200 * (Array.map2 (fun w v -> w * (v - 3.0) ** 2.0) weights x |> Array.sum),
            ParameterVector<float>.Create(ReadOnlySpan(Array.map2 (fun w v -> 2e200 * w * (v - 3.0)) weights x)))
    let minimizer: FullBatchOptimizer = if name = "cg" then ConjugateGradient() else Lbfgs()
    let result = minimizer.Minimize(Func<_, _>(objective), ParameterVector<float>.Create(ReadOnlySpan [| 0.0; 0.0 |]))
    Assert.Equal(MinimizationStop.Converged, result.Stop)
    Assert.True(result.Iterations >= 1)
    assertAllClose 1e-6 [| 3.0; 3.0 |] (result.Parameters.ToArray())
    Assert.True(result.Loss < 1e190, string result.Loss)
    Assert.True(nonIncreasing result.LossHistory)

[<Fact>]
let ``a minimisation result refuses a default loss history, when made and in C#'s with`` () =
    let unset = Collections.Immutable.ImmutableArray<float>()
    let theta = ParameterVector<float>.Zeros 2
    let e = Assert.Throws<ArgumentException>(fun () -> MinimizationResult<float>(theta, 1.0, 0, 1, MinimizationStop.Converged, unset) |> ignore)
    Assert.Equal("the loss history must be an array (one loss per iteration), not a default ImmutableArray. (Parameter 'LossHistory')", e.Message)
    let result = MinimizationResult<float>(theta, 1.0, 1, 1, MinimizationStop.Converged, Collections.Immutable.ImmutableArray.Create 1.0)
    let set = Assert.Throws<Reflection.TargetInvocationException>(fun () -> (nonNull (typeof<MinimizationResult<float>>.GetProperty "LossHistory")).SetValue(result, box unset))
    Assert.Equal("LossHistory", (Assert.IsType<ArgumentException>(set.InnerException)).ParamName)
    Assert.Equal<float seq>([ 1.0 ], result.LossHistory)

[<Fact>]
let ``L-BFGS refuses a memory of no pairs naming it, and keeps a memory of one`` () =
    // With no pairs kept every direction is steepest descent's: a memory of 0 is a mistake, not a choice.
    let e = Assert.Throws<ArgumentOutOfRangeException>(fun () -> Lbfgs(Memory = 0) |> ignore)
    Assert.Equal("Memory", e.ParamName)
    Assert.StartsWith("Memory must be positive, but is 0.", e.Message)
    Assert.Equal(1, Lbfgs(Memory = 1).Memory)
