/// No input ends in "Unhandled exception" or a stack trace: each bad input below gets one message naming the
/// option, file or line, and its documented exit code (2 usage, 3 bad file; 1 for a fault of the program itself).
module Nn.Cli.Tests.NoStackTraceTests

open System.IO
open Xunit
open Nn.Cli.Tests.Process
open Nn.Tests.IdxFiles

/// The files the cases refer to, written into the test's directory.
let private writeFixtures (dir: TempDirectory) =
    let images, labels = fashionLike 3 1
    File.WriteAllBytes(dir.File "images", images)
    File.WriteAllBytes(dir.File "labels", labels)
    File.WriteAllBytes(dir.File "truncated.gz", Array.truncate 30 (gzip images))
    File.WriteAllBytes(dir.File "junk.bin", [| 0uy; 1uy; 2uy; 3uy; 4uy |])
    File.WriteAllText(dir.File "empty.csv", "")
    File.WriteAllText(dir.File "ok.csv", "1,2,3\n0,4,5\n")
    File.WriteAllText(dir.File "ragged.csv", "1,2,3\n0,4\n")
    File.WriteAllText(dir.File "huge.csv", "1,2,3\n0,1e39,5\n")
    File.WriteAllText(dir.File "label.csv", "1,2,3\n12,4,5\n")
    Directory.CreateDirectory(dir.File "folder") |> ignore

let private case (args: string) (code: int) (message: string) = args, code, message

let private table (cases: (string * int * string) list) =
    let data = TheoryData<string, int, string>()
    for args, code, message in cases do
        data.Add(args, code, message)
    data

/// Every numeric option, each with another kind of bad number.
let numbers =
    [ "train --lr abc", "--lr expects a number such as 0.005 or 1e-3 (with '.' as the decimal point), but got 'abc'."
      "train --lr 0,005", "--lr expects a number such as 0.005"
      "train --lr NaN", "--lr expects a finite number, but got 'NaN'."
      "train --lr 1e999", "--lr expects a finite number, but got '1e999'."
      "train --lr -Infinity", "--lr expects a finite number, but got '-Infinity'."
      "train --lr 0x10", "--lr expects a number such as 0.005"
      "train --l2 1.5.2", "--l2 expects a number such as 0.005"
      "train --epochs abc", "--epochs expects a whole number, but got 'abc'."
      "train --epochs 2.5", "--epochs expects a whole number, but got '2.5'."
      "train --epochs 99999999999", "--epochs expects a whole number from -2147483648 to 2147483647, but got '99999999999'."
      "train --batch 1e3", "--batch expects a whole number, but got '1e3'."
      "train --seed -1", "--seed expects a whole number from 0 to 18446744073709551615, but got '-1'."
      "train --seed 18446744073709551616", "--seed expects a whole number from 0 to 18446744073709551615"
      "train --checkpoint-every ten", "--checkpoint-every expects a whole number, but got 'ten'."
      "train --threads 1,5", "--threads expects a whole number, but got '1,5'."
      "train --classes 10.0", "--classes expects a whole number, but got '10.0'."
      "gradcheck --samples x", "--samples expects a whole number, but got 'x'."
      "gradcheck --tolerance 1e-6x", "--tolerance expects a number such as 0.005"
      "gradcheck --l2 ∞", "--l2 expects a number such as 0.005"
      "gradcheck --seed 1.0", "--seed expects a whole number" ]
    |> List.map (fun (args, message) -> case args 2 message)
    |> table

/// Bad values that parse, and bad command lines.
let usage =
    [ case "train --lr" 2 "Required argument missing for option: '--lr'."
      case "train --train ok.csv --test ok.csv --scale abc" 2 "--scale must be 255, 16, textbook or a positive number, but is 'abc'."
      case "train --train images --train-labels labels --test images --test-labels labels --scale 1e-300" 2 "--scale 1e-300 is too small: it takes the pixel value 255 beyond the range of float32."
      case "train --train ok.csv --test ok.csv --scale 1e-307" 2 "--scale 1e-307 is too small"
      case "train --train ok.csv --test ok.csv --label-column middle" 2 "--label-column must be first or last, but is 'middle'."
      case "train --train ok.csv --test ok.csv --train-labels labels" 2 "--train-labels is only for IDX images files, but ok.csv is not an IDX file."
      case "train --train images --test images" 2 "--train images is an IDX images file; give its labels file with --train-labels."
      case "train --train labels --test images --test-labels labels" 2 "--train labels is an IDX labels file (one dimension); give the images file as --train and this one as --train-labels."
      case "gradcheck --data labels" 2 "--data labels is an IDX labels file (one dimension); give the images file as --data and this one as --data-labels."
      case "train --train ok.csv" 2 "--train and --test go together"
      case "train --layers 64-x-10" 2 "--layers must be positive sizes joined by '-'" ]
    |> table

/// Missing, unreadable and malformed files.
let files =
    [ case "train --train missing.csv --test ok.csv" 3 "--train: file not found: missing.csv"
      case "train --train folder --test ok.csv" 3 "--train: folder is a directory, not a file"
      case "train --train empty.csv --test ok.csv" 3 "empty.csv, line 1: expected at least one line of data"
      case "train --train ragged.csv --test ok.csv" 3 "ragged.csv, line 2: expected 3 fields (as on the first line), but found 2."
      case "train --train huge.csv --test ok.csv --scale 1" 3 "huge.csv, line 2, field 2: expected a value that stays finite as float32 once scaled, but found '1e39'."
      case "train --train label.csv --test ok.csv" 3 "label.csv, line 2, field 1: expected a label in 0..9, but found 12."
      case "train --train junk.bin --train-labels labels --test ok.csv" 3 "junk.bin, byte 0: expected an IDX magic number starting 0x00 0x00, but found 0x00 0x01 (not an IDX file)."
      case "train --train truncated.gz --train-labels labels --test ok.csv" 3 "truncated.gz, byte "
      case "train --train images --train-labels junk.bin --test ok.csv" 3 "junk.bin, byte 0: expected an IDX magic number"
      case "eval junk.bin" 3 "junk.bin, byte 0: expected the model file magic 'NNMF'"
      case "eval folder" 3 "model: folder is a directory, not a file"
      case "info empty.csv" 3 "empty.csv, byte 0: expected the model file magic 'NNMF', but found a 0-byte file."
      case "export junk.bin --onnx out.onnx" 3 "junk.bin, byte 0: expected the model file magic 'NNMF'"
      case "train --resume junk.bin" 3 "junk.bin, byte 0: expected the checkpoint file magic 'NNCK'"
      case "gradcheck junk.bin" 3 "junk.bin, byte 0: expected the model file magic 'NNMF'"
      case "gradcheck --data ragged.csv" 3 "ragged.csv, line 2" ]
    |> table

let private check (args: string) (code: int) (message: string) =
    use dir = new TempDirectory()
    writeFixtures dir
    let run = dir.Run(List.ofArray (args.Split ' '))
    Assert.False(showsStackTrace run, string run)
    Assert.True((run.ExitCode = code), sprintf "expected exit %d\n%O" code run)
    Assert.Contains("nn: " + message, run.Error)

[<Theory>]
[<MemberData(nameof numbers)>]
let ``a malformed number names the option, the value and what was expected`` (args: string) (code: int) (message: string) = check args code message

[<Theory>]
[<MemberData(nameof usage)>]
let ``a bad value or command line is a usage error without a stack trace`` (args: string) (code: int) (message: string) = check args code message

[<Theory>]
[<MemberData(nameof files)>]
let ``a missing or malformed file is exit 3 naming the file without a stack trace`` (args: string) (code: int) (message: string) = check args code message

[<Fact>]
let ``a failure outside any command's checks is one line and exit 1, not a stack trace`` () =
    // Standard output on a full device: even printing the help fails, and nothing anticipates that. (A closed
    // standard output, used here before, is now refused up front; see PipeTests.)
    use dir = new TempDirectory()
    let code, error = runRedirected dir.Path "--help" "> /dev/full"
    let run = { ExitCode = code; Output = ""; Error = error }
    Assert.False(showsStackTrace run, string run)
    Assert.Equal(1, run.ExitCode)
    Assert.StartsWith("nn: unexpected error (", error)
    Assert.Equal(1, error.Trim().Split('\n').Length)

/// Reporting a failure writes standard error; a write that failed there threw out of the report and aborted nn
/// (exit 134, SIGABRT).
[<Theory>]
[<InlineData("2>&-")>]
[<InlineData("2> /dev/full")>]
let ``a failure with standard error closed or full still ends with its own exit code, not an abort`` (redirections: string) =
    use dir = new TempDirectory()
    let code, _ = runRedirected dir.Path "train --epochs 0" $"{redirections} > /dev/null"
    Assert.Equal(2, code)
    let code, _ = runRedirected dir.Path "eval missing.nnm" $"{redirections} > /dev/null"
    Assert.Equal(3, code)

[<Fact>]
let ``standard output on a full device fails naming standard output, exit 3`` () =
    use dir = new TempDirectory()
    let code, error = runRedirected dir.Path "train --epochs 1" "> /dev/full"
    Assert.Equal(3, code)
    Assert.Equal("nn: standard output: No space left on device\n", error)
