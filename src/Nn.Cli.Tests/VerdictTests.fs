/// Verdicts the program must not fake: a gradient check that can fail, and training runs that blow up reported as
/// diverged (exit code 1) with the last finite network saved where --save asked.
module Nn.Cli.Tests.VerdictTests

open System.IO
open System.Text.RegularExpressions
open Xunit
open Nn.Cli.Tests.Process

/// Neither stream shows a .NET exception or stack trace.
let private assertNoStackTrace (run: Run) =
    Assert.DoesNotContain("Unhandled exception", run.Output + run.Error)
    Assert.False(Regex.IsMatch(run.Output + run.Error, @"^\s+at \S+\(", RegexOptions.Multiline), string run)

/// No number is printed as a long run of digits (a blown-up cost must be in scientific notation).
let private assertNoLongNumbers (run: Run) =
    Assert.False(Regex.IsMatch(run.Output + run.Error, @"\d{12}"), string run)

[<Fact>]
let ``gradcheck with a tolerance tighter than the achieved difference fails with exit code 1`` () =
    use dir = new TempDirectory()
    let run = dir.Run [ "gradcheck"; "--tolerance"; "1e-15" ]
    Assert.True((run.ExitCode = 1), string run)
    Assert.Contains("gradient check FAILED: 4 of 4 blocks not within 1E-15;", run.Output)
    Assert.DoesNotContain("passed", run.Output)

[<Fact>]
let ``gradcheck passes at the default tolerance and prints the single number over all parameters`` () =
    use dir = new TempDirectory()
    let run = dir.Run [ "gradcheck" ]
    Assert.True((run.ExitCode = 0), string run)
    Assert.Matches(@"all parameters: ‖a − n‖ / \(‖a‖ \+ ‖n‖\) = \d\.\d{3}E-\d{3}, below the classic check's 1E-009", run.Output)
    Assert.Contains("gradient check passed: every block's norm-relative difference within 1E-06; largest ", run.Output)

[<Fact>]
let ``gradcheck of a fresh ReLU convolution over the digits, the help's own example, passes and compares every bias`` () =
    // With the zero biases training starts from, the digits' blank border puts convolution units exactly at ReLU's
    // kink: the bias block failed (central differences across the kink), then compared nothing. Drawn biases avoid it.
    use dir = new TempDirectory()
    let run = dir.Run [ "gradcheck"; "--layers"; "1x8x8-conv8k3p1-maxpool2-10" ]
    Assert.True((run.ExitCode = 0), string run)
    Assert.Contains("gradient check passed", run.Output)
    Assert.DoesNotContain("kink", run.Output)
    Assert.DoesNotContain("compared nothing", run.Output)

[<Fact>]
let ``gradcheck applies an absolute floor only when asked for one, and prints it`` () =
    use dir = new TempDirectory()
    let run = dir.Run [ "gradcheck"; "--tolerance"; "1e-15"; "--absolute-tolerance"; "1e-9" ]
    Assert.True((run.ExitCode = 0), string run)
    Assert.Contains("within 1E-15 or every |a − n| within the absolute floor 1E-09", run.Output)
    // Passed by the floor, not by the comparison: the verdict says which blocks.
    Assert.Contains("; 4 of 4 blocks within the floor only: layer 0 weights, layer 0 bias, layer 1 weights, layer 1 bias", run.Output)

[<Fact>]
let ``gradcheck refuses an absolute floor at or above the largest derivative the central differences measured, which would pass a backpropagation of zeros, exit code 2`` () =
    use dir = new TempDirectory()
    let run = dir.Run [ "gradcheck"; "--absolute-tolerance"; "1e300"; "--samples"; "1" ]
    Assert.True((run.ExitCode = 2), string run)
    Assert.Matches(
        @"^nn: --absolute-tolerance must be below the largest derivative the central differences measured on these samples, \d\.\d{3}E[+-]\d{3}, but is 1E\+300: a floor that size passes a backpropagation that returns all zeros, so no gradient could fail the check\.\n",
        run.Error)
    Assert.Equal("", run.Output)
    assertNoStackTrace run

[<Fact>]
let ``gradcheck prints the tolerance in its verdict as given, never rounded to a value the option refuses`` () =
    use dir = new TempDirectory()
    let run = dir.Run [ "gradcheck"; "--tolerance"; "0.9999999"; "--samples"; "1" ]
    Assert.True((run.ExitCode = 0), string run)
    Assert.Contains("gradient check passed: every block's norm-relative difference within 0.9999999; largest ", run.Output)
    Assert.DoesNotContain("1.0E+000", run.Output)

[<Fact>]
let ``gradcheck uses and reports the step given with --epsilon`` () =
    use dir = new TempDirectory()
    let run = dir.Run [ "gradcheck"; "--epsilon"; "1e-6"; "--samples"; "1" ]
    Assert.True((run.ExitCode = 0), string run)
    Assert.Contains("central differences with ε = 1E-06", run.Output)

[<Theory>]
[<InlineData("--tolerance", "NaN", "expects a finite number, but got 'NaN'")>]
[<InlineData("--tolerance", "-1", "must be a positive finite number, but is ")>]
[<InlineData("--tolerance", "0", "must be a positive finite number, but is ")>]
[<InlineData("--tolerance", "Infinity", "expects a finite number, but got 'Infinity'")>]
[<InlineData("--tolerance", "1", "must be below 1, but is 1: ‖a − n‖ / (‖a‖ + ‖n‖) is never above 1, so no gradient could fail the check.")>]
[<InlineData("--tolerance", "1e10", "must be below 1, but is 10000000000")>]
[<InlineData("--epsilon", "NaN", "expects a finite number, but got 'NaN'")>]
[<InlineData("--epsilon", "-1e-5", "must be a positive finite number, but is ")>]
[<InlineData("--epsilon", "0", "must be a positive finite number, but is ")>]
[<InlineData("--epsilon", "Infinity", "expects a finite number, but got 'Infinity'")>]
[<InlineData("--epsilon", "1e300", "must be below 1, but is 1E+300: a central difference that steps a weight by 1 or more does not measure the gradient (the default is 1E-05).")>]
[<InlineData("--epsilon", "1", "must be below 1, but is 1: ")>]
[<InlineData("--absolute-tolerance", "NaN", "expects a finite number, but got 'NaN'")>]
[<InlineData("--absolute-tolerance", "-1e-9", "must be a positive finite number, but is ")>]
[<InlineData("--absolute-tolerance", "0", "must be a positive finite number, but is ")>]
[<InlineData("--absolute-tolerance", "Infinity", "expects a finite number, but got 'Infinity'")>]
let ``gradcheck refuses a tolerance, floor or step that is not a positive finite number, a tolerance no gradient could fail, or a step of 1 or more, exit code 2`` (option: string, value: string, message: string) =
    // NaN and infinities are refused by the number parser every option shares; the rest by gradcheck's own check.
    use dir = new TempDirectory()
    let run = dir.Run [ "gradcheck"; option; value ]
    Assert.True((run.ExitCode = 2), string run)
    Assert.Contains($"nn: {option} {message}", run.Error)
    Assert.DoesNotContain("gradient check", run.Output)
    assertNoStackTrace run

[<Fact>]
let ``train with a learning rate of 1e6 on a quadratic loss diverges, exit code 1, and saves the last finite network`` () =
    use dir = new TempDirectory()
    let run = dir.Run [ "train"; "--output"; "identity"; "--loss"; "quadratic"; "--lr"; "1e6"; "--epochs"; "3"; "--save"; "m.nnm" ]
    Assert.True((run.ExitCode = 1), string run)
    Assert.Matches(@"nn: training diverged: the training cost grew from [\d.]+ to \d\.\d+E\+\d+, more than 100 times in epoch 1", run.Error)
    Assert.Contains("saved the last finite network to m.nnm; it is not a trained model.", run.Output)
    Assert.DoesNotContain("completed", run.Output)
    assertNoLongNumbers run
    assertNoStackTrace run
    let info = dir.Run [ "info"; "m.nnm" ]
    Assert.True((info.ExitCode = 0), string info)
    Assert.Contains("64-32(relu)-10(identity)", info.Output)

[<Fact>]
let ``train that saturates a softmax network under a quadratic loss diverges instead of completing, exit code 1`` () =
    use dir = new TempDirectory()
    let run = dir.Run [ "train"; "--loss"; "quadratic"; "--lr"; "1e6"; "--epochs"; "2" ]
    Assert.True((run.ExitCode = 1), string run)
    Assert.Contains("nn: training diverged: the training cost rose from ", run.Error)
    Assert.DoesNotContain("completed", run.Output)
    Assert.DoesNotContain("saved", run.Output + run.Error)

[<Theory>]
[<InlineData("lbfgs")>]
[<InlineData("cg")>]
let ``a full-batch minimiser facing an infinite cost diverges, exit code 1, rather than stopping at the iteration limit`` (optimizer: string) =
    use dir = new TempDirectory()
    let run =
        dir.Run [ "train"; "--optimizer"; optimizer; "--init"; "normal:1e30"; "--output"; "identity"; "--loss"; "quadratic"; "--epochs"; "5"; "--save"; "m.nnm" ]
    Assert.True((run.ExitCode = 1), string run)
    Assert.Contains("nn: training diverged: the cost or its gradient at the starting point is NaN or infinite", run.Error)
    Assert.Contains("saved the last finite network to m.nnm; it is not a trained model.", run.Output)
    Assert.DoesNotContain("iteration limit", run.Output + run.Error)
    Assert.True(File.Exists(dir.File "m.nnm"))
    assertNoStackTrace run

[<Fact>]
let ``an epoch cost of a million or more prints in scientific notation, not as a long run of digits`` () =
    use dir = new TempDirectory()
    let run = dir.Run [ "train"; "--init"; "normal:300"; "--layers"; "64-10"; "--output"; "identity"; "--loss"; "quadratic"; "--epochs"; "2" ]
    Assert.True((run.ExitCode = 0), string run)
    Assert.Matches(@"epoch 2/2  train cost \d\.\d{4}E\+\d+  train accuracy", run.Output)
    assertNoLongNumbers run

[<Fact>]
let ``eval and predict refuse a model whose outputs overflow to NaN instead of reporting class 0 for every sample`` () =
    use dir = new TempDirectory()
    // Every weight is finite, so the file loads, but 1e30 · 1e30 overflows float32 and softmax of ∞ is NaN.
    let architecture = Nn.Architecture.Input(64).Dense(32, Nn.Activation.Relu).Dense(10, Nn.Activation.Softmax)
    let huge = Array.create architecture.ParameterCount 1e30f
    let network = Nn.Network.Create<float32>(architecture, Nn.Initializer.Xavier, 1UL).WithParameters(Nn.ParameterVector<float32>.Create(System.ReadOnlySpan huge))
    Nn.ModelFile.Save(network, dir.File "huge.nnm")
    let eval = dir.Run [ "eval"; "huge.nnm" ]
    Assert.True((eval.ExitCode = 3), string eval)
    Assert.Contains("nn: the model huge.nnm gives outputs that are not finite (NaN or ∞) for 359 of 359 samples of digits (test split), the first sample 1", eval.Error)
    Assert.DoesNotContain("test accuracy", eval.Output)
    assertNoStackTrace eval
    File.WriteAllLines(dir.File "rows.csv", [| for _ in 1..3 -> System.String.Join(",", Array.create 64 "1") |])
    let predict = dir.Run [ "predict"; "huge.nnm"; "--data"; "rows.csv" ]
    Assert.True((predict.ExitCode = 3), string predict)
    Assert.Contains("nn: the model huge.nnm gives outputs that are not finite (NaN or ∞) for 3 of 3 samples of rows.csv, the first sample 1", predict.Error)
    Assert.DoesNotContain("NaN", predict.Output)
    assertNoStackTrace predict
    // A model of ordinary weights still evaluates and predicts.
    Nn.ModelFile.Save(Nn.Network.Create<float32>(architecture, Nn.Initializer.Xavier, 1UL), dir.File "fine.nnm")
    Assert.Equal(0, (dir.Run [ "eval"; "fine.nnm" ]).ExitCode)
    Assert.Equal(0, (dir.Run [ "predict"; "fine.nnm"; "--data"; "rows.csv" ]).ExitCode)

[<Fact>]
let ``gradcheck fails a model whose every gradient is exactly zero, since nothing was compared, and names blocks that compared nothing`` () =
    use dir = new TempDirectory()
    // Tanh, not ReLU: zero weights put a ReLU's every z at its kink, which the check reports as such instead.
    let architecture = Nn.Architecture.Input(64).Dense(32, Nn.Activation.Tanh).Dense(10, Nn.Activation.Softmax)
    let save (name: string) (parameters: float32[]) =
        Nn.ModelFile.Save(Nn.Network.Create<float32>(architecture, Nn.Initializer.Xavier, 1UL).WithParameters(Nn.ParameterVector<float32>.Create(System.ReadOnlySpan parameters)), dir.File name)
    // Zero weights and an output bias of 1e4 for class 0: softmax is exactly one-hot in double, so on samples of class 0
    // the cost is flat in every parameter and both gradients are exactly zero.
    let saturated = Array.zeroCreate<float32> architecture.ParameterCount
    saturated[architecture.BiasOffset 1] <- 1e4f
    save "saturated.nnm" saturated
    File.WriteAllLines(dir.File "class0.csv", [| for i in 1..3 -> "0," + System.String.Join(",", Array.init 64 (fun j -> string ((i * j) % 17))) |])
    let run = dir.Run [ "gradcheck"; "saturated.nnm"; "--data"; "class0.csv"; "--scale"; "16" ]
    Assert.True((run.ExitCode = 1), string run)
    Assert.Contains("gradient check FAILED: nothing was compared, since every gradient is exactly zero on both sides", run.Output)
    Assert.Contains("every gradient is exactly zero on these 3 samples: try others with --samples or --data", run.Output)
    Assert.DoesNotContain("passed", run.Output)
    assertNoStackTrace run
    // The same saturated model with ReLU: every hidden z is exactly at the kink, and the verdict and hint say so.
    let relu = Nn.Architecture.Input(64).Dense(32, Nn.Activation.Relu).Dense(10, Nn.Activation.Softmax)
    let kinked = Array.zeroCreate<float32> relu.ParameterCount
    kinked[relu.BiasOffset 1] <- 1e4f
    Nn.ModelFile.Save(Nn.Network.FromParameters<float32>(relu, System.ReadOnlySpan kinked), dir.File "kinked.nnm")
    let atKink = dir.Run [ "gradcheck"; "kinked.nnm"; "--data"; "class0.csv"; "--scale"; "16" ]
    Assert.True((atKink.ExitCode = 1), string atKink)
    Assert.Contains("nothing was compared, since every gradient is exactly zero on both sides or at a kink (", atKink.Output)
    Assert.Contains("every gradient is exactly zero or at a kink on these 3 samples", atKink.Output)
    // All weights zero: only the output bias has a gradient; the check still passes, but says what it did not compare.
    save "zero.nnm" (Array.zeroCreate architecture.ParameterCount)
    let zero = dir.Run [ "gradcheck"; "zero.nnm" ]
    Assert.True((zero.ExitCode = 0), string zero)
    Assert.Contains("gradient check passed", zero.Output)
    Assert.Contains("3 of 4 blocks compared nothing, their gradient being exactly zero on both sides: layer 0 weights, layer 0 bias, layer 1 weights", zero.Output)
    Assert.DoesNotContain("compared nothing", (dir.Run [ "gradcheck" ]).Output)

[<Fact>]
let ``train reports no test accuracy, in its epoch lines or at the end, when the trained network's outputs on the test data overflow, but still saves the model`` () =
    use dir = new TempDirectory()
    File.WriteAllLines(dir.File "train.csv", [| for i in 0..59 -> sprintf "%d,%s" (i % 3) (System.String.Join(",", [| for j in 1..4 -> string (((i * 7 + j * 3) % 10) + 1) |])) |])
    // Each input is near float32's largest value, so the first layer's sums overflow to ∞ whatever the weights.
    File.WriteAllLines(dir.File "test.csv", [| for i in 0..19 -> sprintf "%d,3e38,3e38,3e38,3e38" (i % 3) |])
    let run = dir.Run [ "train"; "--train"; "train.csv"; "--test"; "test.csv"; "--classes"; "3"; "--scale"; "1"; "--layers"; "4-16-3"; "--epochs"; "2"; "--save"; "m.nnm" ]
    Assert.True((run.ExitCode = 3), string run)
    Assert.Contains("nn: the model trained by this run gives outputs that are not finite (NaN or ∞) for 20 of 20 samples of the test data", run.Error)
    // Each epoch's line says its test accuracy is not a number rather than count the classes NaN outputs fall on.
    Assert.DoesNotContain("test accuracy 0.", run.Output)
    Assert.Contains("test accuracy NaN", run.Output)
    Assert.True(File.Exists(dir.File "m.nnm"))
    assertNoStackTrace run

[<Fact>]
let ``train prints no regression errors for training rows on which the trained network overflows, and says so`` () =
    use dir = new TempDirectory()
    // Column a is 0 except in row 6, which is not among the 4096 rows divergence is judged on. With weights near 0 that
    // row's cost is small when it is seen, but its step makes a's weight about 3e22, and its output 3e47 (∞ in float32);
    // the other rows never see a. The report printed "train y: RMSE Infinity  MAE Infinity  R² -Infinity".
    File.WriteAllLines(dir.File "train.csv", [| yield "a,b,y"; for i in 0..40959 -> sprintf "%s,%g,%g" (if i = 5 then "1e25" else "0") (float (i % 17) / 17.0) (float (i % 17) / 17.0) |])
    File.WriteAllLines(dir.File "test.csv", [| yield "a,b,y"; for i in 0..19 -> sprintf "0,%g,%g" (float i / 20.0) (float i / 20.0) |])
    let run =
        dir.Run [ "train"; "--train"; "train.csv"; "--test"; "test.csv"; "--target"; "y"; "--task"; "regression"; "--optimizer"; "sgd"; "--lr"; "0.1"
                  "--epochs"; "1"; "--layers"; "2-1"; "--init"; "uniform:1e-30"; "--save"; "m.nnm" ]
    Assert.True((run.ExitCode = 3), string run)
    Assert.Contains("nn: the model trained by this run gives outputs that are not finite (NaN or ∞) for 1 of 40960 samples of the training data, the first sample 6", run.Error)
    Assert.DoesNotContain("RMSE", run.Output)
    Assert.True(File.Exists(dir.File "m.nnm"))
    assertNoStackTrace run

/// A model of one input and two classes that calls x class 1 when x > 0.5 (z = (0.5 − x, x − 0.5)), saved in dir.
let private saveThreshold (dir: TempDirectory) (name: string) =
    let architecture = Nn.Architecture.Input(1).Dense(2, Nn.Activation.Identity)
    Nn.ModelFile.Save(Nn.Network.FromParameters<float32>(architecture, System.ReadOnlySpan [| -1.0f; 1.0f; 0.5f; -0.5f |]), dir.File name)

[<Fact>]
let ``eval prints each class's samples, correct count and accuracy from its row of the confusion matrix, and the correct total`` () =
    use dir = new TempDirectory()
    saveThreshold dir "m.nnm"
    // Class 0: 0.1, 0.2 right and 0.9 wrong; class 1: 0.8, 0.7 right and 0.3, 0.2 wrong. Rows of 3 and 4, columns of 4 and 3.
    File.WriteAllLines(dir.File "rows.csv", [| "0,0.1"; "0,0.2"; "0,0.9"; "1,0.8"; "1,0.7"; "1,0.3"; "1,0.2" |])
    let run = dir.Run [ "eval"; "m.nnm"; "--test"; "rows.csv"; "--classes"; "2"; "--scale"; "1" ]
    Assert.True((run.ExitCode = 0), string run)
    let lines = run.Output.Replace("\r", "").Split('\n')
    let at (text: string) = Array.findIndex (fun (l: string) -> l = text) lines
    let table = at "class  samples  correct  accuracy"
    Assert.Equal<string[]>([| "    0        3        2    0.6667"; "    1        4        2    0.5000" |], lines[table + 1 .. table + 2])
    let matrix = at "confusion matrix (rows: actual class, columns: predicted class)"
    Assert.Equal<string[]>([| "actual\\pred     0     1"; "          0     2     1"; "          1     2     2" |], lines[matrix + 1 .. matrix + 3])
    Assert.Contains("test accuracy 0.5714 (4/7)", run.Output)

[<Fact>]
let ``eval refuses a model whose outputs overflow on one sample of several, rather than print an accuracy of NaN beside the others`` () =
    use dir = new TempDirectory()
    // Both outputs are 1e30·x + 1e30: finite and tied (class 0) for x of 1 or 2, +∞ in float32 for x = 1e10.
    let architecture = Nn.Architecture.Input(1).Dense(2, Nn.Activation.Identity)
    Nn.ModelFile.Save(Nn.Network.FromParameters<float32>(architecture, System.ReadOnlySpan(Array.create 4 1e30f)), dir.File "m.nnm")
    File.WriteAllLines(dir.File "rows.csv", [| "0,1"; "0,1e10"; "1,2" |])
    let run = dir.Run [ "eval"; "m.nnm"; "--test"; "rows.csv"; "--classes"; "2"; "--scale"; "1" ]
    Assert.True((run.ExitCode = 3), string run)
    Assert.Contains("nn: the model m.nnm gives outputs that are not finite (NaN or ∞) for 1 of 3 samples of rows.csv, the first sample 2", run.Error)
    Assert.DoesNotContain("accuracy", run.Output)
    assertNoStackTrace run

[<Fact>]
let ``gradcheck refuses an absolute floor exactly equal to the largest derivative measured, which every zero of a backpropagation of zeros is within`` () =
    use dir = new TempDirectory()
    let architecture = Nn.Architecture.Input(64).Dense(16, Nn.Activation.Tanh).Dense(10, Nn.Activation.Softmax)
    let single = Nn.Network.Create<float32>(architecture, Nn.Initializer.Xavier, 4UL)
    Nn.ModelFile.Save(single, dir.File "m.nnm")
    // The same check in the library: the model's weights in double, the first 3 of the embedded digits.
    let network = Nn.Network.FromParameters<float>(architecture, System.ReadOnlySpan(single.Parameters.ToArray() |> Array.map float))
    let batch = Nn.Digits.Load<float>().Train.Select(System.ReadOnlySpan [| 0; 1; 2 |])
    let largest = Nn.GradientCheck.Run(network, Nn.Loss.SoftmaxCrossEntropy, batch.Inputs, batch.Targets).MaxNumeric
    let at = dir.Run [ "gradcheck"; "m.nnm"; "--absolute-tolerance"; largest.ToString("R", System.Globalization.CultureInfo.InvariantCulture) ]
    Assert.True((at.ExitCode = 2), string at)
    Assert.Contains("--absolute-tolerance must be below the largest derivative the central differences measured", at.Error)
    let below = dir.Run [ "gradcheck"; "m.nnm"; "--absolute-tolerance"; (largest / 2.0).ToString("R", System.Globalization.CultureInfo.InvariantCulture) ]
    Assert.True((below.ExitCode = 0), string below)
