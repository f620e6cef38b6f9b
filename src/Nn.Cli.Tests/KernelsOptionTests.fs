/// `nn train --kernels`, and the kernel path `nn --version` and `nn info` report.
module Nn.Cli.Tests.KernelsOptionTests

open Xunit
open Nn.Kernels
open Nn.Cli.Tests.Process

let private usage = 2

[<Fact>]
let ``--version and info name the kernel path in use, and NN_KERNELS changes it`` () =
    use dir = new TempDirectory()
    // An empty NN_KERNELS is unset, whatever the environment running the tests says.
    let run args = dir.RunWith([ KernelSelection.EnvironmentVariable, "" ], None, args)
    let version = run [ "--version" ]
    Assert.True((version.ExitCode = 0), string version)
    Assert.Contains(sprintf "kernels     %O (the best this CPU runs" KernelSelection.Best, version.Output)
    let forced = dir.RunWith([ KernelSelection.EnvironmentVariable, "portable" ], None, [ "--version" ])
    Assert.Contains("kernels     Portable (set by NN_KERNELS", forced.Output)
    let train = run [ "train"; "--epochs"; "1"; "--kernels"; "portable"; "--save"; "m.nnm" ]
    Assert.True((train.ExitCode = 0), string train)
    let info = run [ "info"; "m.nnm" ]
    Assert.True((info.ExitCode = 0), string info)
    Assert.Contains(sprintf "kernels     %O" KernelSelection.Best, info.Output)

[<Fact>]
let ``every vector path trains where the CPU runs it and is refused with exit 2 where it does not`` () =
    use dir = new TempDirectory()
    for path in [ KernelPath.Vector128; KernelPath.Vector256; KernelPath.Vector512 ] do
        let run = dir.Run [ "train"; "--epochs"; "1"; "--kernels"; (string path).ToLowerInvariant() ]
        if KernelSelection.IsSupported path then
            Assert.True((run.ExitCode = 0), string run)
        else
            Assert.True((run.ExitCode = usage), string run)
            Assert.Contains(sprintf "the %O kernel path needs instructions this CPU does not have" path, run.Error)

[<Fact>]
let ``a name that is no kernel path is refused with exit 2`` () =
    use dir = new TempDirectory()
    let run = dir.Run [ "train"; "--kernels"; "avx2" ]
    Assert.True((run.ExitCode = usage), string run)
    Assert.Contains("--kernels must be auto, portable, vector128, vector256 or vector512, but is 'avx2'.", run.Error)

[<Fact>]
let ``--kernels with a full-batch minimiser is refused as having no effect`` () =
    use dir = new TempDirectory()
    let run = dir.Run [ "train"; "--optimizer"; "lbfgs"; "--kernels"; "portable" ]
    Assert.True((run.ExitCode = usage), string run)
    Assert.Contains("--kernels applies to the mini-batch optimisers", run.Error)

[<Fact>]
let ``an NN_KERNELS that names no path, or one the CPU cannot run, is refused with exit 2`` () =
    use dir = new TempDirectory()
    let bad = [ KernelSelection.EnvironmentVariable, "vector9" ]
    Assert.Equal(0, (dir.Run [ "train"; "--epochs"; "1"; "--save"; "m.nnm" ]).ExitCode)
    System.IO.File.WriteAllLines(dir.File "rows.csv", [| System.String.Join(",", Array.create 64 "1") |])
    // eval, predict and gradcheck reported it as a bad file (exit 3), and info after printing most of the file's description.
    for args in [ [ "--version" ]; [ "train"; "--epochs"; "1" ]; [ "eval"; "m.nnm" ]; [ "predict"; "m.nnm"; "--data"; "rows.csv" ]; [ "gradcheck"; "m.nnm" ]; [ "info"; "m.nnm" ] ] do
        let run = dir.RunWith(bad, None, args)
        Assert.True((run.ExitCode = usage), string run)
        Assert.Contains("NN_KERNELS=vector9 names no kernel path", run.Error)
        if args.Head <> "--version" then
            Assert.DoesNotContain("architecture", run.Output)

[<Fact>]
let ``--version refuses an NN_KERNELS holding a line break on one line, escaped`` () =
    use dir = new TempDirectory()
    let run = dir.RunWith([ KernelSelection.EnvironmentVariable, "auto\nnn: forged" ], None, [ "--version" ])
    Assert.True((run.ExitCode = usage), string run)
    Assert.Equal("nn: NN_KERNELS=auto\\nnn: forged names no kernel path; use auto, portable, vector128, vector256 or vector512.\n", run.Error)
