using System;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Xunit;

namespace Nn.Generators.Tests;

/// <summary>
/// Packs Nn and Nn.Onnx into a temporary folder, then builds and runs a fresh C# console project (which declares a
/// network with the attributes) and a fresh F# console project (which uses the runtime API and the ONNX export) that
/// take the packages from that folder, as docs/generator.md and docs/fsharp.md tell a newcomer to.
/// </summary>
public sealed class PackageTests : IDisposable
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(3);
    private readonly string root = Path.Combine(Path.GetTempPath(), "nn-package-test-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly string version = "0.0.0-integration." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void The_packed_library_carries_the_generator_and_fresh_csharp_and_fsharp_consumers_build_train_and_classify()
    {
        // The route docs/generator.md and docs/fsharp.md give: pack beside the projects, a nuget.config that maps Nn
        // and Nn.Onnx to that folder (taken from the page itself), then dotnet add package. The packing runs in a copy
        // of the sources: in the repository it rebuilt src/Nn/bin/Release as version 0.0.0 while other projects built
        // and tested, and `dotnet test -c Release` on a fresh clone copied that Nn.dll beside Nn.Cli.dll, which
        // references 1.0.0 and then could not load it (237 of the CLI tests failed).
        var before = RepositoryBuildOutputs();
        var sources = CopyOfPackedSources();
        var feed = Path.Combine(root, "nn-packages");
        Dotnet(sources, "pack", Path.Combine("src", "Nn", "Nn.csproj"), "-c", "Release", "-o", feed, $"-p:Version={version}");
        Dotnet(sources, "pack", Path.Combine("src", "Nn.Onnx", "Nn.Onnx.csproj"), "-c", "Release", "-o", feed, $"-p:Version={version}");
        Assert.Equal(before, RepositoryBuildOutputs());
        var package = Path.Combine(feed, $"Nn.{version}.nupkg");
        using (var zip = ZipFile.OpenRead(package))
        {
            Assert.Contains(zip.Entries, e => e.FullName == "analyzers/dotnet/cs/Nn.Generators.dll");
            Assert.Contains(zip.Entries, e => e.FullName == "lib/net10.0/Nn.dll");
            Assert.Contains(zip.Entries, e => e.FullName == "docs/diagnostics.md");
            Assert.Contains(zip.Entries, e => e.FullName == "build/Nn.props");
        }

        var csharp = Consumer("csharp", "csproj", CSharpProgram, "Program.cs");
        Dotnet(csharp, "add", "package", "Nn", "--version", version);
        var csharpOutput = Dotnet(csharp, "run", "-c", "Release");
        Assert.Contains("accuracy", csharpOutput, StringComparison.Ordinal);

        // F# cannot run C# generators: the network is declared in a C# library that the F# program references.
        var declarations = Consumer("declarations", "csproj", DeclarationsLibrary, "Declarations.cs", outputType: "Library");
        Dotnet(declarations, "add", "package", "Nn", "--version", version);
        var fsharp = Consumer("fsharp", "fsproj", FSharpProgram, "Program.fs", references: "../declarations/declarations.csproj");
        Dotnet(fsharp, "add", "package", "Nn", "--version", version);
        Dotnet(fsharp, "add", "package", "Nn.Onnx", "--version", version);
        var fsharpOutput = Dotnet(fsharp, "run", "-c", "Release");
        Assert.Contains("declared accuracy", fsharpOutput, StringComparison.Ordinal);
        Assert.Contains("onnx model of", fsharpOutput, StringComparison.Ordinal);
    }

    /// <summary>
    /// What packing Nn and Nn.Onnx reads, copied from the repository without any build output: the shared build
    /// files, the three projects' sources and the documents the packages carry.
    /// </summary>
    private string CopyOfPackedSources()
    {
        var from = RepositoryRoot();
        var to = Path.Combine(root, "sources");
        foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "global.json", ".editorconfig", "LICENSE", "README.md", Path.Combine("docs", "diagnostics.md") })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(to, file))!);
            File.Copy(Path.Combine(from, file), Path.Combine(to, file));
        }

        foreach (var project in new[] { "Nn", "Nn.Onnx", "Generators" })
        {
            var source = Path.Combine(from, "src", project);
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(source, file);
                var top = relative.Split(Path.DirectorySeparatorChar)[0];
                if (top is "bin" or "obj")
                {
                    continue;
                }

                var target = Path.Combine(to, "src", project, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }

        return to;
    }

    /// <summary>Every file under the packed projects' bin and obj folders in the repository, with its last write time.</summary>
    private static string[] RepositoryBuildOutputs() =>
        [.. from project in new[] { "Nn", "Nn.Onnx", "Generators" }
            from folder in new[] { "bin", "obj" }
            let path = Path.Combine(RepositoryRoot(), "src", project, folder)
            where Directory.Exists(path)
            from file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
            orderby file
            select $"{file} {File.GetLastWriteTimeUtc(file):O}"];

    /// <summary>The nuget.config that docs/generator.md writes with cat, exactly as the page shows it.</summary>
    private static string DocumentedNuGetConfig()
    {
        var page = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "generator.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        const string start = "cat > nuget.config <<'EOF'\n";
        var from = page.IndexOf(start, StringComparison.Ordinal);
        Assert.True(from >= 0, "docs/generator.md writes a nuget.config");
        from += start.Length;
        return page[from..page.IndexOf("\nEOF\n", from, StringComparison.Ordinal)];
    }

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        // The restore cached this one-off version in the global packages folder; nothing else will use it.
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var cached = Path.Combine(packages, "nn", version);
        if (Directory.Exists(cached))
        {
            Directory.Delete(cached, recursive: true);
        }
    }

    private string Consumer(string name, string extension, string program, string programFile, string outputType = "Exe", string? references = null)
    {
        var directory = Path.Combine(root, name);
        Directory.CreateDirectory(directory);
        var compile = extension == "fsproj" ? $"<ItemGroup><Compile Include=\"{programFile}\" /></ItemGroup>" : string.Empty;
        File.WriteAllText(Path.Combine(directory, $"{name}.{extension}"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>{outputType}</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              {compile}
              {(references is null ? string.Empty : $"<ItemGroup><ProjectReference Include=\"{references}\" /></ItemGroup>")}
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, programFile), program);
        File.WriteAllText(Path.Combine(directory, "nuget.config"), DocumentedNuGetConfig());
        return directory;
    }

    /// <summary>Runs dotnet with no build servers left behind, failing with its output when it fails.</summary>
    private static string Dotnet(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // dotnet add takes no MSBuild properties; it restores without compiling, so it starts no compiler server either.
        foreach (var argument in arguments[0] == "add" ? arguments : arguments.Append("-p:UseSharedCompilation=false"))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var inherited in new[] { "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildExtensionsPath", "VSTEST_HOST_DEBUG" })
        {
            start.Environment.Remove(inherited);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(StepTimeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet {string.Join(' ', arguments)} did not finish within {StepTimeout}.");
        }

        var text = output.Result + error.Result;
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{text}");
        return text;
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Functional.sln")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        return directory.FullName;
    }

    /// <summary>Points on either side of the line x + 2y = 0.1, labelled by side; deterministic.</summary>
    private const string CSharpProgram = """
        using System;
        using Nn;

        var random = new Random(1);
        const int count = 200;
        var inputs = new float[count * Line.InputSize];
        var targets = new float[count * Line.OutputSize];
        var labels = new int[count];
        for (var i = 0; i < count; i++)
        {
            var x = (float)((random.NextDouble() * 2) - 1);
            var y = (float)((random.NextDouble() * 2) - 1);
            inputs[2 * i] = x;
            inputs[(2 * i) + 1] = y;
            labels[i] = x + (2 * y) > 0.1f ? 1 : 0;
            targets[(2 * i) + labels[i]] = 1;
        }

        var parameters = Line.CreateNetwork(Initializer.Xavier, seed: 1).Parameters.ToArray();
        var gradient = new float[Line.ParameterCount];
        for (var epoch = 0; epoch < 30; epoch++)
        {
            for (var i = 0; i < count; i++)
            {
                Line.SgdStepInPlace(parameters, inputs.AsSpan(2 * i, 2), targets.AsSpan(2 * i, 2), 0.1f, gradient);
            }
        }

        // The generated code and the runtime network share one parameter layout.
        var network = Line.ToNetwork(parameters);
        var data = Dataset.FromLabels(Matrix<float>.Create(count, 2, inputs), labels, 2);
        var accuracy = Evaluation.Accuracy(network, data);
        Console.WriteLine($"accuracy {accuracy:F3}");
        return accuracy >= 0.95 ? 0 : 1;

        /// <summary>A declared 2-8-2 classifier.</summary>
        [Network(typeof(float), Inputs = 2, Loss = LossKind.SoftmaxCrossEntropy)]
        [Dense(0, 8, ActivationKind.Tanh)]
        [Dense(1, 2, ActivationKind.Softmax)]
        internal static partial class Line;
        """;

    /// <summary>The C# library of declarations the F# program references (docs/generator.md, "From F#").</summary>
    private const string DeclarationsLibrary = """
        using Nn;

        namespace Declared;

        /// <summary>A declared 2-8-2 classifier, public so that other projects can call its generated members.</summary>
        [Network(typeof(double), Inputs = 2, Loss = LossKind.SoftmaxCrossEntropy)]
        [Dense(0, 8, ActivationKind.Tanh)]
        [Dense(1, 2, ActivationKind.Softmax)]
        public static partial class LineNetwork;
        """;

    /// <summary>The same data through the runtime API from F#, then through the generated code of the C# library.</summary>
    private const string FSharpProgram = """
        open System
        open Nn
        open Declared

        let random = Random(1)
        let points = Array.init 200 (fun _ -> [| random.NextDouble() * 2.0 - 1.0; random.NextDouble() * 2.0 - 1.0 |])
        let labels = points |> Array.map (fun p -> if p[0] + 2.0 * p[1] > 0.1 then 1 else 0)
        let inputs = Matrix<float>.FromRows(points |> Array.map (fun p -> p :> Collections.Generic.IReadOnlyList<float>))
        let data = Dataset.FromLabels(inputs, labels, 2)
        let architecture = Architecture.Input(2).Dense(8, Activation.Tanh).Dense(2, Activation.Softmax)
        let network = Network.Create<float>(architecture, Initializer.Xavier, 1UL)
        let result = Trainer.Train(network, Loss.SoftmaxCrossEntropy, Sgd 0.1, data, TrainingOptions(30, 1, 1UL))
        let accuracy = Evaluation.Accuracy(result.Network, data)
        printfn "accuracy %.3f" accuracy

        // The generated members are ordinary static methods; arrays convert to the spans they take.
        let flat = Array.concat points
        let targets = labels |> Array.collect (fun label -> if label = 1 then [| 0.0; 1.0 |] else [| 1.0; 0.0 |])
        let theta = LineNetwork.CreateNetwork(Initializer.Xavier, 1UL).Parameters.ToArray()
        let gradient = Array.zeroCreate<float> LineNetwork.ParameterCount
        for _ in 1 .. 30 do
            for i in 0 .. points.Length - 1 do
                LineNetwork.SgdStepInPlace(Span theta, ReadOnlySpan(flat, 2 * i, 2), ReadOnlySpan(targets, 2 * i, 2), 0.1, Span gradient) |> ignore
        let declared = Evaluation.Accuracy(LineNetwork.ToNetwork(ReadOnlySpan theta), data)
        printfn "declared accuracy %.3f" declared
        printfn "onnx model of %d bytes" (Nn.Onnx.OnnxExport.ToBytes(result.Network).Length)
        exit (if accuracy >= 0.95 && declared >= 0.95 then 0 else 1)
        """;
}
