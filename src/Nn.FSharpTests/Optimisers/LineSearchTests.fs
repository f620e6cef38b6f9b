/// The strong-Wolfe line search that conjugate gradient and L-BFGS share, on f(x) = (x − 3)² from x = 0 along +1
/// (f = 9, slope −6): every trial step and its cost are dyadic, so each comparison of the conditions is exact, and
/// the cubic through two points and their slopes is the parabola itself, so every zoom lands on the minimiser 3.
module Nn.Tests.Optimisers.LineSearchTests

open System
open Nn
open Xunit

/// (x − 3)² and its derivative, +∞ (with a finite slope) beyond `edge`; records each trial step.
let private parabola (edge: float) (trials: Collections.Generic.List<float>) =
    Func<float[], struct (float * float[])>(fun x ->
        trials.Add x[0]
        let cost = if x[0] > edge then infinity else (x[0] - 3.0) ** 2.0
        struct (cost, [| 2.0 * (x[0] - 3.0) |]))

/// The search from x = 0 along +1 with first step `alpha0`, returning the point found and the steps tried.
let private search (edge: float) (alpha0: float) (c1: float) (c2: float) =
    let trials = Collections.Generic.List<float>()
    let found = LineSearch.Search(parabola edge trials, [| 0.0 |], 9.0, -6.0, [| 1.0 |], alpha0, c1, c2)
    Assert.True(found.HasValue, "the search found no point")
    found.Value, List.ofSeq trials

[<Fact>]
let ``a first step that meets both Wolfe conditions is taken as it is`` () =
    let point, trials = search infinity 1.0 1e-4 0.9
    Assert.Equal<float list>([ 1.0 ], trials)
    Assert.Equal((1.0, 4.0, -4.0), (point.Alpha, point.F, point.Slope))
    Assert.Equal<float[]>([| -4.0 |], point.G)

[<Fact>]
let ``a step still going downhill too steeply doubles until the cost stops falling, then zooms to the minimiser`` () =
    // Slopes −4 and −2 at 1 and 2 fail |f'| ≤ 0.1 × 6; at 4 the cost equals the one at 2, so the minimum lies between.
    let point, trials = search infinity 1.0 1e-4 0.1
    Assert.Equal<float list>([ 1.0; 2.0; 4.0; 3.0 ], trials)
    Assert.Equal((3.0, 0.0, 0.0), (point.Alpha, point.F, point.Slope))

[<Fact>]
let ``a step past the minimiser going uphill zooms back between it and the start`` () =
    let point, trials = search infinity 4.0 1e-4 0.1
    Assert.Equal<float list>([ 4.0; 3.0 ], trials)
    Assert.Equal(3.0, point.Alpha)

[<Fact>]
let ``a step that decreases the cost too little for Armijo's condition zooms between the start and it`` () =
    // At 5 the cost 4 is above 9 − 0.25 × 5 × 6 = 1.5; with the sign of that decrease turned, or a product turned into
    // a quotient, 5 would pass and be returned.
    let point, trials = search infinity 5.0 0.25 0.9
    Assert.Equal<float list>([ 5.0; 3.0 ], trials)
    Assert.Equal(3.0, point.Alpha)

[<Fact>]
let ``a step exactly on the Armijo line or exactly on the curvature bound meets the condition`` () =
    // At 4.5 the cost 2.25 is exactly 9 − 0.25 × 4.5 × 6; at 1.5 the slope's size 3 is exactly 0.5 × 6.
    let onArmijo, armijoTrials = search infinity 4.5 0.25 0.9
    Assert.Equal<float list>([ 4.5 ], armijoTrials)
    Assert.Equal(4.5, onArmijo.Alpha)
    let onCurvature, curvatureTrials = search infinity 1.5 1e-4 0.5
    Assert.Equal<float list>([ 1.5 ], curvatureTrials)
    Assert.Equal(1.5, onCurvature.Alpha)

[<Fact>]
let ``a step into a region of infinite cost is halved towards the last finite step`` () =
    let point, trials = search 5.0 8.0 1e-4 0.9
    Assert.Equal<float list>([ 8.0; 4.0 ], trials)
    Assert.Equal((4.0, 1.0, 2.0), (point.Alpha, point.F, point.Slope))

[<Fact>]
let ``a search that never finds a finite cost gives up after its evaluation budget with no point`` () =
    let trials = Collections.Generic.List<float>()
    let found = LineSearch.Search(parabola -1.0 trials, [| 0.0 |], 9.0, -6.0, [| 1.0 |], 1.0, 1e-4, 0.9, 5)
    Assert.False(found.HasValue)
    Assert.Equal<float list>([ 1.0; 0.5; 0.25; 0.125; 0.0625 ], List.ofSeq trials)

[<Fact>]
let ``the trial point is the start plus the step times the direction, in every coordinate`` () =
    // f(x, y) = (x − 3)² + (y + 6)² from (0, 0) along (1, −2): along the line it is 5(α − 3)² with slope −30 at 0.
    let trials = Collections.Generic.List<float[]>()
    let evaluate =
        Func<float[], struct (float * float[])>(fun p ->
            trials.Add(Array.copy p)
            struct ((p[0] - 3.0) ** 2.0 + (p[1] + 6.0) ** 2.0, [| 2.0 * (p[0] - 3.0); 2.0 * (p[1] + 6.0) |]))
    let found = LineSearch.Search(evaluate, [| 0.0; 0.0 |], 45.0, -30.0, [| 1.0; -2.0 |], 1.0, 1e-4, 0.9)
    Assert.Equal<float[]>([| 1.0; -2.0 |], trials[0])
    Assert.Equal((1.0, 20.0, -20.0), (found.Value.Alpha, found.Value.F, found.Value.Slope))
    Assert.Equal(32.0, LineSearch.Dot([| 1.0; -2.0; 3.0 |], [| 4.0; -5.0; 6.0 |]))
