/// What nn train prints as it trains: the numbers of its epoch lines, and which figure each label stands beside.
module Nn.Cli.Tests.TrainingDisplayTests

open System.Globalization
open System.Text.RegularExpressions
open Xunit
open Nn
open Nn.Cli.Tests.Process

[<Fact>]
let ``the cost lines nn train prints turn scientific at the tick labels' bounds, 1e6 and 1e-4 included on their sides`` () =
    // TrainingDisplay.Number and CurvePlot.TickLabel share the rule; the epoch lines' test reached only costs far above 1e6.
    Assert.Equal<string list>(
        [ "1.0000E+6"; "999999.5000"; "0.0001"; "9.9000E-5"; "-1.0000E+6"; "0.0000"; "NaN" ],
        [ 1e6; 999999.5; 1e-4; 9.9e-5; -1e6; 0.0; nan ] |> List.map (fun v -> Nn.Cli.TrainingDisplay.Number(v, 4)))

[<Fact>]
let ``the validation accuracy an epoch line prints is the trained network's accuracy on the held-out rows`` () =
    use dir = new TempDirectory()
    let run = dir.Run [ "train"; "--epochs"; "2"; "--validation"; "0.2"; "--save"; "m.nnm" ]
    Assert.True((run.ExitCode = 0), string run)
    let printed = Regex.Match(run.Output, @"epoch 2/2 .* validation accuracy (\d\.\d{4})  test accuracy").Groups[1].Value
    // The run holds out 0.2 of the digits' training split with its seed, 1, and saves its last network.
    let held = Dataset.HoldOut(Digits.Load<float32>().Train, 0.2, 1UL).Test
    let accuracy = Evaluation.Evaluate(ModelFile.Load<float32>(dir.File "m.nnm"), held).Accuracy
    Assert.Equal(accuracy.ToString("F4", CultureInfo.InvariantCulture), printed)

[<Fact>]
let ``gradcheck on a terminal shows its central differences' progress, and printed to a file only the report`` () =
    // Two cost evaluations per parameter took minutes without a sign of life for a network of a million weights.
    // script(1) gives nn a pseudo-terminal and records what it draws.
    if System.OperatingSystem.IsLinux() && System.IO.File.Exists "/usr/bin/script" then
        use dir = new TempDirectory()
        let arguments = [ "gradcheck"; "--layers"; "64-40-10" ]
        let info = System.Diagnostics.ProcessStartInfo("script", WorkingDirectory = dir.Path, RedirectStandardOutput = true)
        for a in [ "-qfec"; $"""exec dotnet '{cliDll}' {String.concat " " arguments}"""; "terminal.txt" ] do
            info.ArgumentList.Add a
        info.Environment["TERM"] <- "xterm"
        use script = System.Diagnostics.Process.Start info |> nonNull
        let drained = script.StandardOutput.BaseStream.CopyToAsync System.IO.Stream.Null
        Assert.True(script.WaitForExit(System.TimeSpan.FromMinutes 2.0), "gradcheck did not finish within two minutes")
        drained.Wait()
        let terminal = System.IO.File.ReadAllText(dir.File "terminal.txt")
        Assert.True((script.ExitCode = 0), terminal)
        Assert.Contains("central differences  parameter ", terminal)
        Assert.Contains("/3,010", terminal)
        Assert.Contains("gradient check passed", terminal)
        let redirected = dir.Run arguments
        Assert.True((redirected.ExitCode = 0), string redirected)
        Assert.DoesNotContain("central differences  parameter", redirected.Output + redirected.Error)
