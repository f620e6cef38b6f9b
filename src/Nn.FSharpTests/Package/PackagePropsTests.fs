/// The settings the package's build/Nn.props (src/Nn/Package/Nn.props) gives the programs that reference it, checked
/// in the runtime configuration a small program importing it is built with.
module Nn.Tests.Package.PackagePropsTests

open System
open System.Diagnostics
open System.IO
open System.Text.Json
open Xunit

/// src/Nn/Package/Nn.props, found from this project's output (src/Nn.FSharpTests/bin/CONFIGURATION/TFM/).
let private props =
    let up (path: string) = Path.GetDirectoryName path |> nonNull
    let src = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar) |> up |> up |> up |> up
    Path.Combine(src, "Nn", "Package", "Nn.props")

/// Builds a console program that imports the props as the package's consumers do (after the properties of a
/// Directory.Build.props beside it, before those of its own project body), with the properties given for each, and
/// returns the configProperties of the runtime configuration it was built with.
let private configuredWith (directoryProperties: string) (body: string) =
    let directory = Path.Combine(Path.GetTempPath(), "nn-props-" + Guid.NewGuid().ToString("N"))
    Directory.CreateDirectory directory |> ignore
    try
        File.WriteAllText(Path.Combine(directory, "Directory.Build.props"), $"<Project><PropertyGroup>{directoryProperties}</PropertyGroup></Project>")
        File.WriteAllText(
            Path.Combine(directory, "Consumer.csproj"),
            $"""<Project Sdk="Microsoft.NET.Sdk">
  <Import Project="{props}" />
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework>{body}</PropertyGroup>
</Project>""")
        File.WriteAllText(Path.Combine(directory, "Program.cs"), "System.Console.WriteLine();")
        let info = ProcessStartInfo("dotnet", RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory)
        for argument in [ "build"; "-nologo"; "-o"; "out" ] do
            info.ArgumentList.Add argument
        use build = Process.Start info |> nonNull
        let output = build.StandardOutput.ReadToEndAsync()
        let error = build.StandardError.ReadToEndAsync()
        if not (build.WaitForExit(TimeSpan.FromMinutes 3.0)) then
            build.Kill true
            failwith "the consumer's build did not finish within 3 minutes"
        Assert.True(build.ExitCode = 0, sprintf "dotnet build exited %d:\n%s\n%s" build.ExitCode output.Result error.Result)
        use config = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "out", "Consumer.runtimeconfig.json")))
        config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone()
    finally
        Directory.Delete(directory, true)

let private quickJitForLoops (properties: JsonElement) =
    match properties.TryGetProperty "System.Runtime.TieredCompilation.QuickJitForLoops" with
    | true, value -> Some(value.GetBoolean())
    | _ -> None

[<Fact>]
let ``a program referencing the package compiles methods with loops optimised from their first call`` () =
    Assert.Equal(Some false, quickJitForLoops (configuredWith "" ""))

[<Fact>]
let ``a program that sets quick JIT for loops itself keeps its own setting, in its project or in a Directory.Build.props`` () =
    let setting = "<TieredCompilationQuickJitForLoops>true</TieredCompilationQuickJitForLoops>"
    Assert.Equal(Some true, quickJitForLoops (configuredWith "" setting))
    Assert.Equal(Some true, quickJitForLoops (configuredWith setting ""))
