/// The lines nn train and nn eval print for a regression.
module Nn.Cli.Tests.TableReportTests

open System
open System.Collections.Immutable
open System.IO
open Xunit
open Nn
open Nn.Cli

let private preprocessing =
    Preprocessing.Fit(Table.Read(new StringReader("x,y\n1,0.5\n2,1.5\n"), "t.csv", Nullable()), PreprocessingOptions([ "y" ], Task = Nullable TableTask.Regression))

let private line (r2: float) = TableReport.Lines("train", RegressionReport(ImmutableArray.Create(TargetFit(2.0, 1.0, r2))), preprocessing, 40)

[<Fact>]
let ``R² prints with four decimals, as a dash when undefined, and in scientific notation from a size of 1e6`` () =
    Assert.Equal("train y: RMSE 2.0000  MAE 1.0000  R² 0.9876 (40 rows)", line 0.98761)
    Assert.Equal("train y: RMSE 2.0000  MAE 1.0000  R² -999999.0000 (40 rows)", line -999999.0)
    Assert.Equal("train y: RMSE 2.0000  MAE 1.0000  R² - (40 rows)", line nan)
    // A fit far worse than the mean: as four decimals this R² was 66 digits long.
    Assert.Equal("train y: RMSE 2.0000  MAE 1.0000  R² -1.1071E+65 (40 rows)", line -1.1070872855281716e65)
