/// Numbers on the command line and in every output use '.' as the decimal point whatever the user's language:
/// the program runs under German and French settings (LANG, LC_ALL, culture data switched on) and must read and
/// print exactly what it does under the C locale.
module Nn.Cli.Tests.LocaleTests

open System.Text.RegularExpressions
open Xunit
open Nn.Cli.Tests.Process

let private settings (locale: string) =
    [ "LANG", locale; "LC_ALL", locale; "LC_NUMERIC", locale; "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "false" ]

let private under (dir: TempDirectory) (locale: string) (args: string list) = dir.RunWith(settings locale, None, args)

/// The output with wall-clock times taken out, the only part that may differ between two runs.
let private timeless (text: string) = Regex.Replace(text, @"\d+\.\d+ s\b", "T s")

let locales = TheoryData<string>([ "de_DE.UTF-8"; "fr_FR.UTF-8" ])

[<Theory>]
[<MemberData(nameof locales)>]
let ``a tolerance with a decimal point is read as written`` (locale: string) =
    use dir = new TempDirectory()
    let run = under dir locale [ "gradcheck"; "--layers"; "64-10"; "--samples"; "1"; "--tolerance"; "1.5e-6" ]
    Assert.True((run.ExitCode = 0), string run)
    Assert.Contains("norm-relative difference within 1.5E-06;", run.Output)

[<Theory>]
[<MemberData(nameof locales)>]
let ``training prints exactly what it prints under the C locale`` (locale: string) =
    use dir = new TempDirectory()
    let args = [ "train"; "--lr"; "0.005"; "--l2"; "1.5"; "--epochs"; "2"; "--checkpoint"; "run.nnck"; "--save"; "m.nnm" ]
    let c = dir.RunWith([ "LANG", "C"; "LC_ALL", "C" ], None, args)
    let local = under dir locale args
    Assert.True((local.ExitCode = 0), string local)
    Assert.Contains("adam η=0.005 ", local.Output)
    Assert.Equal(timeless c.Output, timeless local.Output)
    let info = under dir locale [ "info"; "run.nnck" ]
    Assert.Contains("L2 1.5,", info.Output)
    Assert.Contains("adam η=0.005 β₁=0.9 β₂=0.999 ε=1E-08", info.Output)
    Assert.Equal(timeless (dir.Run [ "eval"; "m.nnm" ]).Output, timeless (under dir locale [ "eval"; "m.nnm" ]).Output)

[<Theory>]
[<MemberData(nameof locales)>]
let ``a decimal comma is refused with a message saying what was expected`` (locale: string) =
    use dir = new TempDirectory()
    let run = under dir locale [ "train"; "--lr"; "0,005" ]
    Assert.Equal(2, run.ExitCode)
    Assert.Contains("nn: --lr expects a number such as 0.005 or 1e-3 (with '.' as the decimal point), but got '0,005'.", run.Error)

[<Theory>]
[<MemberData(nameof locales)>]
let ``help is in English whatever the language`` (locale: string) =
    use dir = new TempDirectory()
    let local = under dir locale [ "train"; "--help" ]
    Assert.Contains("Description:", local.Output)
    Assert.Contains("Usage:", local.Output)
    Assert.Equal(dir.Run([ "train"; "--help" ]).Output, local.Output)
    let missing = under dir locale [ "train"; "--lr" ]
    Assert.Contains("Required argument missing for option: '--lr'.", missing.Error)

[<Theory>]
[<MemberData(nameof locales)>]
let ``numbers inside the library's messages are printed with a decimal point too`` (locale: string) =
    // The library formats with the current culture; the program makes that culture the invariant one.
    use dir = new TempDirectory()
    let run = under dir locale [ "train"; "--l2"; "-1.5" ]
    Assert.Equal(2, run.ExitCode)
    Assert.Contains("but is -1.5.", run.Error)
    Assert.DoesNotContain("-1,5", run.Error)
