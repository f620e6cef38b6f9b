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

/// The search from x = 0 along +1 on (x − centre)² with its own evaluation budget, returning what it found (if
/// anything) and the steps tried.
let private searchCentred (centre: float) (alpha0: float) (c1: float) (c2: float) (budget: int) =
    let trials = Collections.Generic.List<float>()
    let evaluate =
        Func<float[], struct (float * float[])>(fun x ->
            trials.Add x[0]
            struct ((x[0] - centre) ** 2.0, [| 2.0 * (x[0] - centre) |]))
    let found = LineSearch.Search(evaluate, [| 0.0 |], centre * centre, -2.0 * centre, [| 1.0 |], alpha0, c1, c2, budget)
    found, List.ofSeq trials

[<Fact>]
let ``a first step that fails Armijo's condition with no evaluation left gives no point`` () =
    // 5 costs 4, above 9 − 0.25 × 5 × 6 = 1.5: it is not a decrease the search may return, and the zoom has no budget.
    let found, trials = searchCentred 3.0 5.0 0.25 0.9 1
    Assert.False(found.HasValue)
    Assert.Equal<float list>([ 5.0 ], trials)

[<Fact>]
let ``a search out of evaluations returns the lowest decreasing step it has seen`` () =
    // 1 and 2 fall too steeply for c2 = 0.1; 4 costs as much as 2, so the zoom would start, but the budget of 3 is spent.
    let found, trials = searchCentred 3.0 1.0 1e-4 0.1 3
    Assert.Equal<float list>([ 1.0; 2.0; 4.0 ], trials)
    Assert.Equal((2.0, 1.0), (found.Value.Alpha, found.Value.F))

[<Fact>]
let ``a step halved out of an infinite region that still falls steeply doubles again from there`` () =
    // Beyond 2.5 the cost is infinite: 4 halves to 2 (slope −2, too steep for c2 = 0.1), which doubles back to 4, halves
    // to 3 and then to 2.5; the budget of 5 ends there with 2.5 the lowest cost seen.
    let trials = Collections.Generic.List<float>()
    let found = LineSearch.Search(parabola 2.5 trials, [| 0.0 |], 9.0, -6.0, [| 1.0 |], 4.0, 1e-4, 0.1, 5)
    Assert.Equal<float list>([ 4.0; 2.0; 4.0; 3.0; 2.5 ], List.ofSeq trials)
    Assert.Equal((2.5, 0.25), (found.Value.Alpha, found.Value.F))

[<Fact>]
let ``a first step too short to change the cost in floating point is doubled, not zoomed back towards the start`` () =
    // At 2⁻⁶⁰ the cost rounds to 9 and the slope to −6, the start's own: only from the second step on may an equal cost
    // end the doubling. With a budget of 2 neither step lowered the cost, so no point is returned (the first, on
    // Armijo's line only by rounding, was).
    let tiny = Math.Pow(2.0, -60.0)
    let found, trials = searchCentred 3.0 tiny 1e-4 0.9 2
    Assert.Equal<float list>([ tiny; 2.0 * tiny ], trials)
    Assert.False(found.HasValue)
    // With a budget of 3 the doubling ends at the equal cost of 2⁻⁵⁹, and the zoom's step between the two ties as well.
    let more, _ = searchCentred 3.0 tiny 1e-4 0.9 3
    Assert.False(more.HasValue)

[<Fact>]
let ``a step whose cost is no lower than the last one's zooms between them even where its slope is flat`` () =
    // f(x) = −(x − 2)²(x − 1): f(0) = 4 with slope −8, f(1) = 0 with slope −1 (too steep for c2 = 0.1) and f(2) = 0 with
    // slope 0, a local maximum meeting the curvature condition. Its equal cost sends the search between 1 and 2, where
    // the cubic, f itself, has its minimiser 4/3.
    let trials = Collections.Generic.List<float>()
    let evaluate =
        Func<float[], struct (float * float[])>(fun x ->
            let a = x[0]
            trials.Add a
            struct (-((a - 2.0) ** 2.0) * (a - 1.0), [| -(a - 2.0) * (3.0 * a - 4.0) |]))
    let found = LineSearch.Search(evaluate, [| 0.0 |], 4.0, -8.0, [| 1.0 |], 1.0, 1e-4, 0.1)
    Assert.Equal<float list>([ 1.0; 2.0 ], List.ofSeq trials |> List.take 2)
    Assert.Equal(4.0 / 3.0, found.Value.Alpha, 12)

[<Fact>]
let ``a cubic minimiser within a tenth of the bracket's length from either end is replaced by the bracket's midpoint`` () =
    // From 32 (cost 841, no decrease) the minimiser 3 lies within 3.2 of the start: the midpoint 16 is tried, then
    // between 0 and 16 the minimiser is 1.6 clear of both ends and is taken.
    let found, trials = searchCentred 3.0 32.0 1e-4 0.1 30
    Assert.Equal<float list>([ 32.0; 16.0; 3.0 ], trials)
    Assert.Equal(3.0, found.Value.Alpha)
    // Back from 3.25 (slope 0.5, too steep for c2 = 0.05) the minimiser is within 0.325 of 3.25: the midpoint 1.625, a
    // higher cost, becomes the far end, and between 1.625 and 3.25 the minimiser is 0.0875 clear of the near end.
    let backFound, backTrials = searchCentred 3.0 3.25 1e-4 0.05 30
    Assert.Equal<float list>([ 3.25; 1.625; 3.0 ], backTrials)
    Assert.Equal(3.0, backFound.Value.Alpha)

[<Fact>]
let ``a cubic minimiser exactly a tenth of the bracket's length from an end is taken`` () =
    // On (x − 9)² the step 10 overshoots with slope 2 (too steep for c2 = 0.1); 9 is exactly 10 − 0.1 × 10.
    let nearHigh, nearHighTrials = searchCentred 9.0 10.0 1e-4 0.1 30
    Assert.Equal<float list>([ 10.0; 9.0 ], nearHighTrials)
    Assert.Equal(9.0, nearHigh.Value.Alpha)
    // On (x − 1)² the step 10 costs 81, no decrease from 1; 1 is exactly 0 + 0.1 × 10.
    let nearLow, nearLowTrials = searchCentred 1.0 10.0 1e-4 0.1 30
    Assert.Equal<float list>([ 10.0; 1.0 ], nearLowTrials)
    Assert.Equal(1.0, nearLow.Value.Alpha)

[<Fact>]
let ``where the cubic's slope only touches zero, the zoom steps to that flat point`` () =
    // f(x) = −3x³ + 6x² − 4x has f' = −(3x − 2)²: from 0 (slope −4) the step 1 costs −1, above 0.5 × 1 × −4 = −2, and
    // the cubic through both ends is f itself, whose only stationary point is 2/3; a tangent cubic has a zero radicand.
    let trials = Collections.Generic.List<float>()
    let evaluate =
        Func<float[], struct (float * float[])>(fun x ->
            let a = x[0]
            trials.Add a
            struct (-3.0 * a ** 3.0 + 6.0 * a * a - 4.0 * a, [| -((3.0 * a - 2.0) ** 2.0) |]))
    LineSearch.Search(evaluate, [| 0.0 |], 0.0, -4.0, [| 1.0 |], 1.0, 0.5, 0.9, 2) |> ignore
    Assert.Equal(2, trials.Count)
    Assert.Equal(1.0, trials[0])
    Assert.Equal(2.0 / 3.0, trials[1], 12)

[<Fact>]
let ``a zoom step below the low end's cost but above Armijo's line becomes the bracket's far end`` () =
    // With c1 = 0.75 the line is 9 − 4.5α: from 4 (cost 1, above −9) the zoom's 3 costs 0, less than the start's 9 yet
    // above −4.5, so 3 closes the bracket and its midpoint 1.5 costs 2.25, exactly on the line, with slope −3 within
    // 0.5 × 6.
    let found, trials = searchCentred 3.0 4.0 0.75 0.5 30
    Assert.Equal<float list>([ 4.0; 3.0; 1.5 ], trials)
    Assert.Equal((1.5, 2.25), (found.Value.Alpha, found.Value.F))

[<Fact>]
let ``a zoom step that lowers the cost replaces the best point and the bracket's low end, keeping the far end where the minimiser lies`` () =
    // With c1 = 0.5 every step past 3 fails Armijo's condition. 1.5625 (cost 2.06640625) doubles to 3.125, which fails;
    // the minimiser 3 is within 0.15625 of 3.125, so the midpoint 2.34375 (cost 0.4306640625, slope −1.3125) is tried.
    // With a budget of 3 it is the best point; with more, it is the new low end and the far end 3.125 stays, so the
    // cubic between them gives 3.
    let cut, cutTrials = searchCentred 3.0 1.5625 0.5 0.1 3
    Assert.Equal<float list>([ 1.5625; 3.125; 2.34375 ], cutTrials)
    Assert.Equal((2.34375, 0.4306640625), (cut.Value.Alpha, cut.Value.F))
    let found, trials = searchCentred 3.0 1.5625 0.5 0.1 30
    Assert.Equal<float list>([ 1.5625; 3.125; 2.34375; 3.0 ], trials)
    Assert.Equal(3.0, found.Value.Alpha)

[<Fact>]
let ``a zoom step that lowers the cost but overshoots the minimiser turns the bracket round to keep the minimiser inside`` () =
    // f(x) = (x − 1)² + (x − 1)⁴/4 from 0 (cost 5/4, slope −3), where the cubic is not exact. The step 3 costs 12; the
    // cubic on [0, 3] lands past 1 with a lower cost and a rising slope, so the old low end 0 becomes the far end. The
    // next step, short of 1, still falls too steeply for c2 = 0.01, and the bracket must now run from it to the
    // overshoot: the step after lies between them, where the slope is within 0.03.
    let trials = Collections.Generic.List<float>()
    let evaluate =
        Func<float[], struct (float * float[])>(fun x ->
            let e = x[0] - 1.0
            trials.Add x[0]
            struct (e * e + (e ** 4.0) / 4.0, [| 2.0 * e + e ** 3.0 |]))
    let found = LineSearch.Search(evaluate, [| 0.0 |], 1.25, -3.0, [| 1.0 |], 3.0, 1e-4, 0.01)
    let steps = List.ofSeq trials
    Assert.Equal(4, steps.Length)
    let overshoot, shortOf, last = steps[1], steps[2], steps[3]
    Assert.True(1.0 < overshoot && overshoot < 3.0, $"the first zoom step %g{overshoot} is not between 1 and 3")
    Assert.True(0.0 < shortOf && shortOf < 1.0, $"the second zoom step %g{shortOf} is not between 0 and 1")
    Assert.True(shortOf < last && last < overshoot, $"the last step %g{last} is not between %g{shortOf} and %g{overshoot}")
    Assert.Equal(last, found.Value.Alpha)
    Assert.True(abs found.Value.Slope <= 0.03, $"the slope %g{found.Value.Slope} is steeper than 0.03")

[<Fact>]
let ``a zoom step whose cost rounds to the low end's is no improvement, even where its slope meets the curvature condition`` () =
    // f(x) = 2⁴⁶ + (x − 3)², whose values are multiples of 1/64: at 2.9375 the cost rounds to 2⁴⁶ (slope −0.125, too
    // steep for c2 = 0.01); 5.875 costs more, and the sixth step, near 2.995 with slope −0.0104, rounds to 2⁴⁶ too. Equal is not
    // lower, so that step only narrows the bracket, every later step ties the same way, and when the 30 evaluations are
    // spent the first step is the one returned.
    let trials = Collections.Generic.List<float>()
    let lift = 2.0 ** 46.0
    let evaluate =
        Func<float[], struct (float * float[])>(fun x ->
            trials.Add x[0]
            struct (lift + (x[0] - 3.0) ** 2.0, [| 2.0 * (x[0] - 3.0) |]))
    let found = LineSearch.Search(evaluate, [| 0.0 |], lift + 9.0, -6.0, [| 1.0 |], 2.9375, 1e-4, 0.01)
    Assert.Equal<float list>([ 2.9375; 5.875; 4.40625; 3.671875; 3.3046875 ], List.ofSeq trials |> List.take 5)
    Assert.True(abs (trials[5] - 3.0) < 0.01, $"the sixth step %g{trials[5]} is not within 0.01 of 3")
    Assert.Equal(30, trials.Count)
    Assert.Equal((2.9375, lift), (found.Value.Alpha, found.Value.F))

[<Fact>]
let ``a zoom step still going downhill keeps the far end even where its slope times the bracket's width underflows`` () =
    // Steps of size 2⁻⁶⁰⁰ from a slope of −2⁻⁶⁰⁰: the first, 2⁻⁶⁰⁰, costs 2 (no decrease), so the zoom tries the midpoint
    // 2⁻⁶⁰¹ (the cubic overflows), which costs 1/2 with the slope −2⁻⁵⁰⁰, too steep to stop. The minimiser lies beyond it,
    // towards 2⁻⁶⁰⁰, though −2⁻⁵⁰⁰ × 2⁻⁶⁰⁰ rounds to −0: the next trial is the midpoint 1.5 × 2⁻⁶⁰¹ of that side, not 2⁻⁶⁰².
    let unit = Math.ScaleB(1.0, -600)
    let trials = Collections.Generic.List<float>()
    let evaluate =
        Func<float[], struct (float * float[])>(fun x ->
            trials.Add x[0]
            if x[0] >= unit then struct (2.0, [| 0.0 |])
            elif x[0] = unit / 2.0 then struct (0.5, [| -Math.ScaleB(1.0, -500) |])
            else struct (0.25, [| 0.0 |]))
    let found = LineSearch.Search(evaluate, [| 0.0 |], 1.0, -unit, [| 1.0 |], unit, 1e-4, 0.9)
    Assert.Equal<float list>([ unit; unit / 2.0; 1.5 * unit / 2.0 ], List.ofSeq trials)
    Assert.Equal((1.5 * unit / 2.0, 0.25), (found.Value.Alpha, found.Value.F))

[<Fact>]
let ``a step to a flat point whose cost rounds to the start's zooms back towards the start rather than doubling past it`` () =
    // f(x) = 2⁶⁰ + (x − 3)²: every cost from 0 to 6 rounds to 2⁶⁰ (the spacing there is 256), so the step 3 meets
    // Armijo's condition only by rounding, lowers nothing, and has a slope of exactly 0. A slope of 0 or more says the
    // minimiser is not further on: the search zooms between 3 and 0, where the cubic's first trial is 1, and does not
    // double to 6. No trial lowers the cost, so there is no point.
    let lift = 2.0 ** 60.0
    let trials = Collections.Generic.List<float>()
    let evaluate =
        Func<float[], struct (float * float[])>(fun x ->
            trials.Add x[0]
            struct (lift + (x[0] - 3.0) ** 2.0, [| 2.0 * (x[0] - 3.0) |]))
    let found = LineSearch.Search(evaluate, [| 0.0 |], lift, -6.0, [| 1.0 |], 3.0, 1e-4, 0.9)
    Assert.Equal<float list>([ 3.0; 1.0 ], List.ofSeq trials |> List.take 2)
    Assert.False(found.HasValue)

[<Theory>]
[<InlineData("5")>]
[<InlineData("-Infinity")>]
let ``after a step past the minimiser, a zoom step costing more than that step, or minus infinity, closes the bracket however flat its slope`` (costAtThree: string) =
    // (x − 3)² except at 3, whose slope is 0 and whose cost is 5 or −∞. The step 4 (cost 1, slope 2, too steep for
    // c2 = 0.1) lies past the minimiser: the bracket runs from 4, its low end, back to 0. The cubic's 3 becomes the far
    // end although its slope meets the curvature condition: a cost of 5 is below the start's 9 but above 4's 1
    // (returning it would return a worse point than one already found), and −∞ is no cost at all. Between 4 and 3 the
    // cubic's 3.93 lies within a tenth of the bracket of 4 (or there is no cubic through −∞), so the midpoint 3.5 is
    // tried (slope 1, too steep), then between 3.5 and 3 the midpoint 3.25, which is taken.
    let cost = Double.Parse(costAtThree, Globalization.CultureInfo.InvariantCulture)
    let trials = Collections.Generic.List<float>()
    let evaluate =
        Func<float[], struct (float * float[])>(fun x ->
            trials.Add x[0]
            if x[0] = 3.0 then struct (cost, [| 0.0 |]) else struct ((x[0] - 3.0) ** 2.0, [| 2.0 * (x[0] - 3.0) |]))
    let found = LineSearch.Search(evaluate, [| 0.0 |], 9.0, -6.0, [| 1.0 |], 4.0, 1e-4, 0.1)
    Assert.Equal<float list>([ 4.0; 3.0; 3.5; 3.25 ], List.ofSeq trials)
    Assert.Equal((3.25, 0.0625), (found.Value.Alpha, found.Value.F))
