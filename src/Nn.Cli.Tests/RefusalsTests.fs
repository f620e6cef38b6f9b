/// Which ArgumentExceptions the program reports as the user's bad value (exit 2) and which as its own fault (exit 1).
module Nn.Cli.Tests.RefusalsTests

open System
open System.CommandLine
open Xunit
open Nn
open Nn.Cli

/// The ArgumentException <paramref name="action"/> throws.
let private thrownBy (action: unit -> unit) = Assert.ThrowsAny<ArgumentException>(Action action)

[<Fact>]
let ``a value Nn's own checks refuse is a refusal`` () =
    let error = thrownBy (fun () -> Guard.Positive("batch", 0))
    Assert.True(Refusals.IsNnRefusal error)

[<Fact>]
let ``a value Nn refuses through a ThrowIf helper of .NET is a refusal`` () =
    let error = thrownBy (fun () -> Matrix<float32>.Create(-1, 2, ReadOnlySpan<float32>.Empty) |> ignore)
    Assert.IsType<ArgumentOutOfRangeException>(error) |> ignore
    Assert.True(Refusals.IsNnRefusal error)

[<Fact>]
let ``an argument refused inside .NET is not a refusal`` () =
    let error = thrownBy (fun () -> Text.StringBuilder(-1) |> ignore)
    Assert.False(Refusals.IsNnRefusal error)

[<Fact>]
let ``an index past a span, thrown through .NET's ThrowHelper, is not a refusal`` () =
    let error = thrownBy (fun () -> (Array.zeroCreate<float32> 3).AsSpan(5).Length |> ignore)
    Assert.False(Refusals.IsNnRefusal error)

[<Fact>]
let ``an argument refused by another assembly is not a refusal`` () =
    let error = thrownBy (fun () -> invalidArg "batch" "batch must be positive")
    Assert.False(Refusals.IsNnRefusal error)

/// A parse of an empty command, for Cli.Guarded, which prints a usage error with the command's help.
let private parse () = Command("probe").Parse(Array.empty<string>)

[<Fact>]
let ``a command body's refused value is a usage error, exit 2`` () =
    Assert.Equal(2, Cli.Guarded(parse (), fun () -> Guard.Positive("batch", 0); 0))

[<Fact>]
let ``a command body's ArgumentException from inside .NET is left to the fault report`` () =
    let body () = Text.StringBuilder(-1).Length
    Assert.Throws<ArgumentOutOfRangeException>(fun () -> Cli.Guarded(parse (), body) |> ignore) |> ignore
