/// Data fingerprints: equal for equal data whatever the element type, different when any value, label or shape differs.
module Nn.Tests.Data.DataFingerprintTests

open System
open Nn
open Nn.Tests.Helpers
open Xunit

let private data = Dataset.FromLabels(matrix [| [| 0.5; 1.0 |]; [| -2.0; 0.25 |]; [| 3.0; 4.0 |] |], [| 1; 0; 1 |], 2)

[<Fact>]
let ``a fingerprint records the shape and a 64-digit SHA-256`` () =
    let fingerprint = DataFingerprint.Of data
    Assert.Equal((3, 2, 2), (fingerprint.Count, fingerprint.InputSize, fingerprint.TargetSize))
    Assert.Matches("^[0-9a-f]{64}$", fingerprint.Sha256)
    Assert.Equal($"3 samples × 2 inputs → 2 targets, SHA-256 {fingerprint.Sha256.Substring(0, 16)}…", string fingerprint)

[<Fact>]
let ``the same values as float and as double have the same fingerprint`` () =
    let single = Dataset.FromLabels(Matrix<float32>.FromRows([| [| 0.5f; 1.0f |]; [| -2.0f; 0.25f |]; [| 3.0f; 4.0f |] |] |> Array.map (fun r -> r :> Collections.Generic.IReadOnlyList<float32>)), [| 1; 0; 1 |], 2)
    Assert.Equal(DataFingerprint.Of data, DataFingerprint.Of single)

[<Fact>]
let ``changing one input, the order of samples or a label changes the fingerprint`` () =
    let original = DataFingerprint.Of data
    let nudged = Dataset.FromLabels(matrix [| [| 0.5; 1.0 |]; [| -2.0; 0.25 |]; [| 3.0; 4.000001 |] |], [| 1; 0; 1 |], 2)
    let relabelled = Dataset.FromLabels(matrix [| [| 0.5; 1.0 |]; [| -2.0; 0.25 |]; [| 3.0; 4.0 |] |], [| 1; 0; 0 |], 2)
    let reordered = data.Select(ReadOnlySpan [| 1; 0; 2 |])
    for other in [ nudged; relabelled; reordered ] do
        Assert.NotEqual(original, DataFingerprint.Of other)
    Assert.Equal(original, DataFingerprint.Of(data.Select(ReadOnlySpan [| 0; 1; 2 |])))

[<Fact>]
let ``a fingerprint with a bad size or hash is refused naming it`` () =
    let hash = String('a', 64)
    Assert.Contains("Count must be positive, but is 0", Assert.Throws<ArgumentOutOfRangeException>(fun () -> DataFingerprint(0, 1, 1, hash) |> ignore).Message)
    Assert.Contains("TargetSize must be positive", Assert.Throws<ArgumentOutOfRangeException>(fun () -> DataFingerprint(1, 1, -1, hash) |> ignore).Message)
    let e = Assert.Throws<ArgumentException>(fun () -> DataFingerprint(1, 1, 1, "ABC") |> ignore)
    Assert.Contains("Sha256 must be 64 lowercase hexadecimal digits, but is 'ABC'", e.Message)
