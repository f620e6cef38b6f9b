/// Regression measures: RMSE, MAE and R² per target, against values computed by hand.
module Nn.Tests.Training.RegressionReportTests

open Nn
open Nn.Tests.Helpers
open Xunit

[<Fact>]
let ``RMSE, MAE and R squared match the hand computation for each target`` () =
    // Target 1: y = 1, 2, 3 (mean 2, spread 2), ŷ = 1, 2, 5: squared errors 0, 0, 4; absolute 0, 0, 2.
    // Target 2: y = 0, 0, 3 (mean 1, spread 6), ŷ = 0, 1, 3: squared 0, 1, 0; absolute 0, 1, 0.
    let report = RegressionReport.Compare(matrix [| [| 1.0; 0.0 |]; [| 2.0; 1.0 |]; [| 5.0; 3.0 |] |], matrix [| [| 1.0; 0.0 |]; [| 2.0; 0.0 |]; [| 3.0; 3.0 |] |])
    assertClose 1e-15 (sqrt (4.0 / 3.0)) report.Targets[0].Rmse
    assertClose 1e-15 (2.0 / 3.0) report.Targets[0].Mae
    assertClose 1e-15 (1.0 - 4.0 / 2.0) report.Targets[0].R2
    assertClose 1e-15 (sqrt (1.0 / 3.0)) report.Targets[1].Rmse
    assertClose 1e-15 (1.0 / 3.0) report.Targets[1].Mae
    assertClose 1e-15 (1.0 - 1.0 / 6.0) report.Targets[1].R2

[<Fact>]
let ``a perfect fit has zero errors and R squared 1, and a constant target has no R squared`` () =
    let perfect = RegressionReport.Compare(matrix [| [| 1.0 |]; [| 2.0 |] |], matrix [| [| 1.0 |]; [| 2.0 |] |])
    Assert.Equal(TargetFit(0.0, 0.0, 1.0), perfect.Targets[0])
    let constant = RegressionReport.Compare(matrix [| [| 1.0 |]; [| 2.0 |] |], matrix [| [| 1.0 |]; [| 1.0 |] |])
    Assert.True(System.Double.IsNaN constant.Targets[0].R2)

[<Fact>]
let ``targets that are all the same value have no R squared even when their mean rounds away from it`` () =
    // Ten rows of 0.1f: the mean summed as Σ y/n is an ulp off 0.1f, so Σ(y − ȳ)² was about 1e-32 rather than 0, and
    // R² came out as 1 for exact predictions and about −1.5e31 for predictions a little off.
    let targets = Matrix<float32>.FromRows(Array.init 10 (fun _ -> [| 0.1f |]))
    let close = Matrix<float32>.FromRows(Array.init 10 (fun i -> [| 0.1f + float32 i * 0.01f |]))
    Assert.True(System.Double.IsNaN (RegressionReport.Compare(targets, targets).Targets[0].R2))
    Assert.True(System.Double.IsNaN (RegressionReport.Compare(close, targets).Targets[0].R2))

[<Fact>]
let ``targets and errors whose squares pass double's largest are measured in their own units`` () =
    // y = ±1e200 (Σ(y − ȳ)² = 2e400) and ŷ = 0: R² is 1 − 2e400 / 2e400 = 0, RMSE and MAE 1e200. The squares overflowed:
    // R² came out NaN here.
    let targets = matrix [| [| 1e200 |]; [| -1e200 |] |]
    let report = RegressionReport.Compare(matrix [| [| 0.0 |]; [| 0.0 |] |], targets)
    assertClose 1e-15 1e200 report.Targets[0].Rmse
    assertClose 1e-15 1e200 report.Targets[0].Mae
    assertClose 1e-15 0.0 report.Targets[0].R2
    // y = ±1e154: Σ(y − ȳ)² = 2e308 overflows, while errors of 8.66e153 give Σ(ŷ − y)² = 1.5e308, which does not, so
    // R² was 1 − 1.5e308 / ∞ = 1, a perfect fit, where it is 1 − 1.5 / 2 = 0.25.
    let error = sqrt 0.75 * 1e154
    let halfFit = RegressionReport.Compare(matrix [| [| 1e154 - error |]; [| -1e154 + error |] |], matrix [| [| 1e154 |]; [| -1e154 |] |])
    assertClose 1e-12 0.25 halfFit.Targets[0].R2
    assertClose 1e-12 error halfFit.Targets[0].Rmse

[<Fact>]
let ``errors far smaller than the targets, or than 1e-154, keep their own size in the RMSE and R squared`` () =
    // y = −1e300, 1e300, 1 and ŷ = −1e300, 1e300, 0: Σ(y − ȳ)² overflows, and both sums were taken in units of 1e300,
    // where the one error of 1 squared to 0: RMSE 0 beside an MAE of 1/3. RMSE is √(1/3).
    let far = RegressionReport.Compare(matrix [| [| -1e300 |]; [| 1e300 |]; [| 0.0 |] |], matrix [| [| -1e300 |]; [| 1e300 |]; [| 1.0 |] |])
    assertClose 1e-15 (sqrt (1.0 / 3.0)) far.Targets[0].Rmse
    assertClose 1e-15 (1.0 / 3.0) far.Targets[0].Mae
    // y = ∓1e-300 and ŷ = ±1e-300: errors of 2e-300 squared to 0, so the RMSE was 0 and R², 1 − 8e-600 / 2e-600 = −3, NaN.
    let tiny = RegressionReport.Compare(matrix [| [| 1e-300 |]; [| -1e-300 |] |], matrix [| [| -1e-300 |]; [| 1e-300 |] |])
    Assert.Equal(2e-300, tiny.Targets[0].Rmse, 2e-312)
    Assert.Equal(2e-300, tiny.Targets[0].Mae, 2e-312)
    assertClose 1e-12 -3.0 tiny.Targets[0].R2

[<Fact>]
let ``errors whose squares are subnormal keep their own size in the RMSE and R squared`` () =
    // y = ∓3e-160 and ŷ = ±3e-160: errors of 6e-160 square to 3.6e-319, below double's smallest normal number, where
    // a square keeps only about 6 digits (summed as they are, the RMSE would be 6.0000078e-160 and R² −3.000055). In units of
    // the largest error the RMSE is 6e-160 and R² = 1 − Σ(ŷ − y)² / Σ(y − ȳ)² = 1 − 4 = −3.
    let report = RegressionReport.Compare(matrix [| [| 3e-160 |]; [| -3e-160 |] |], matrix [| [| -3e-160 |]; [| 3e-160 |] |])
    Assert.Equal(6e-160, report.Targets[0].Rmse, 6e-172)
    Assert.Equal(6e-160, report.Targets[0].Mae, 6e-172)
    assertClose 1e-12 -3.0 report.Targets[0].R2

[<Fact>]
let ``a network is measured on its own outputs`` () =
    let network = Network.FromParameters(Architecture.Input(1).Dense(1, Activation.Identity), System.ReadOnlySpan [| 2.0; 1.0 |])
    let data = Dataset.FromTargets(matrix [| [| 0.0 |]; [| 1.0 |] |], matrix [| [| 1.0 |]; [| 4.0 |] |])
    let report = RegressionReport.Evaluate(network, data)
    // ŷ = 2x + 1 = 1, 3 against 1, 4: errors 0 and 1.
    Assert.Equal(TargetFit(sqrt 0.5, 0.5, 1.0 - 1.0 / 4.5), report.Targets[0])

[<Fact>]
let ``predictions and targets of different shapes are refused`` () =
    Assert.Throws<System.ArgumentException>(fun () -> RegressionReport.Compare(matrix [| [| 1.0 |] |], matrix [| [| 1.0; 2.0 |] |]) |> ignore) |> ignore

[<Fact>]
let ``a report refuses a default array or a null fit, naming it, rather than failing when compared or hashed`` () =
    let unset = Assert.Throws<System.ArgumentException>(fun () -> RegressionReport(System.Collections.Immutable.ImmutableArray<TargetFit>()) |> ignore)
    Assert.Equal("a regression report's targets must be an array (empty for no outputs), not a default ImmutableArray. (Parameter 'Targets')", unset.Message)
    let hole = Assert.Throws<System.ArgumentException>(fun () -> RegressionReport(System.Collections.Immutable.ImmutableArray.Create(Unchecked.defaultof<TargetFit>)) |> ignore)
    Assert.Equal("target fit 0 is null. (Parameter 'Targets')", hole.Message)
