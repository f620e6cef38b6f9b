/// The public records that hold numbers print them in the invariant culture, as every other number the library
/// writes: the compiler's ToString for a record uses the current culture, and read "1,5" under German settings.
module Nn.Tests.Validation.InvariantRecordTests

open System
open System.Collections.Immutable
open System.Globalization
open System.Reflection
open Nn
open Nn.Tests.Helpers
open Xunit

/// A confusion matrix of one class; its constructor is the library's own.
let private confusion () =
    Activator.CreateInstance(typeof<ConfusionMatrix>, BindingFlags.NonPublic ||| BindingFlags.Instance, null, [| box 1; box [| 0 |] |], null) |> nonNull :?> ConfusionMatrix

/// One record of each kind with a number, 1.5, that a German culture writes "1,5".
let private records () : obj list =
    [ AddNode<float>(1.5, 2.0)
      MultiplyNode<float>(1.5, 2.0)
      NodeGradients<float>(1.5, 2.0)
      BestEpoch<float32>(1, 1.5, Unchecked.defaultof<_>)
      EpochRecord(1, 1.5, 0.5, Nullable 1.5, Nullable())
      TrainingProgress(1, 2, 1, 2, 1.5, 2.5)
      BlockDifference(0, "weights", 4, 1.5, 1.5, 1.5, 1.5, 1.5)
      ClassificationReport(1.5, ImmutableArray.Empty, confusion ())
      FeatureColumn("x", 1.5, 2.5, ImmutableArray.Empty)
      Hyperparameter("rate", "η", 1.5)
      HyperparameterSpec("rate", "η", "--rate", 1.5)
      LossAndGradient<float32>(1.5f, Unchecked.defaultof<_>)
      MinimizationResult<float>(Unchecked.defaultof<_>, 1.5, 1, 1, MinimizationStop.Converged, ImmutableArray.Empty)
      PixelScaling(1.5)
      RandomDraw<float>(1.5, RandomState())
      TargetFit(1.5, 2.5, 0.5)
      TrainingOptions(1, L2 = 1.5) ]

[<Fact>]
let ``every public record with a number prints it with a decimal point under German settings, as under the invariant culture`` () =
    Assert.Equal("1,5", underCulture "de-DE" (fun () -> (1.5).ToString()))
    for record in records () do
        let german = underCulture "de-DE" (fun () -> string record)
        Assert.Contains("1.5", german)
        Assert.DoesNotContain("1,5", german)
        Assert.Equal(underCulture "en-US" (fun () -> string record), german)
        Assert.StartsWith(record.GetType().Name.Split('`')[0] + " { ", german)
    // The culture is the thread's again afterwards.
    Assert.Equal("1,5", underCulture "de-DE" (fun () -> (records () |> List.iter (string >> ignore); (1.5).ToString())))

[<Fact>]
let ``a record's text keeps the compiler's frame`` () =
    Assert.Equal("TargetFit { Rmse = 1.5, Mae = 2.5, R2 = 0.5 }", underCulture "de-DE" (fun () -> string (TargetFit(1.5, 2.5, 0.5))))
    Assert.Equal("Hyperparameter { Name = rate, Symbol = η, Value = 1E-05 }", underCulture "de-DE" (fun () -> string (Hyperparameter("rate", "η", 1e-5))))

[<Fact>]
let ``the thread's culture is put back when a member's text throws`` () =
    underCulture "de-DE" (fun () ->
        let printMembers = Func<Text.StringBuilder, bool>(fun _ -> raise (InvalidOperationException "a member failed"))
        let e = Assert.Throws<InvalidOperationException>(fun () -> InvariantRecord.Text("Broken", printMembers) |> ignore)
        Assert.Equal("a member failed", e.Message)
        Assert.Equal("de-DE", CultureInfo.CurrentCulture.Name)
        Assert.Equal("1,5", (1.5).ToString()))
