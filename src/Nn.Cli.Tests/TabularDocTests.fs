/// Runs every shell block of docs/tabular.md in one directory, in order, and checks that each block's output is
/// what the text block after it shows, so the page cannot drift from what nn prints.
module Nn.Cli.Tests.TabularDocTests

open System
open System.Diagnostics
open System.IO
open Xunit
open Nn.Cli.Tests.Process

/// The document's fenced blocks in order: (language, lines).
let private blocks (path: string) =
    let lines = File.ReadAllLines path
    [ let mutable i = 0
      while i < lines.Length do
          if lines[i].StartsWith("```", StringComparison.Ordinal) && lines[i].Length > 3 then
              let language = lines[i].Substring 3
              let body = lines |> Array.skip (i + 1) |> Array.takeWhile (fun l -> not (l.StartsWith("```", StringComparison.Ordinal)))
              yield language, body
              i <- i + body.Length + 2
          else
              i <- i + 1 ]

/// Runs a shell block with `nn` defined as the built program, in a directory, and returns its exit code and output.
let private runShell (directory: string) (block: string[]) =
    let script = "set -e\nnn() { dotnet \"$NN_CLI\" \"$@\"; }\n" + String.Join("\n", block)
    let info = ProcessStartInfo("sh", RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory)
    info.ArgumentList.Add "-c"
    info.ArgumentList.Add script
    info.Environment["NN_CLI"] <- cliDll
    use proc = Process.Start info |> nonNull
    let output = proc.StandardOutput.ReadToEndAsync()
    let error = proc.StandardError.ReadToEndAsync()
    if not (proc.WaitForExit(TimeSpan.FromMinutes 3.0)) then
        proc.Kill true
        failwithf "the block did not finish within 3 minutes:\n%s" script
    proc.ExitCode, output.Result, error.Result

/// Whether the expected lines appear in the output in order: "…" skips lines, a line ending in " …" matches by its start.
let private shows (expected: string[]) (output: string) =
    let actual = output.Replace("\r", "").Split('\n')
    let matches (pattern: string) (line: string) =
        if pattern.EndsWith(" …", StringComparison.Ordinal) then line.StartsWith(pattern.Substring(0, pattern.Length - 2), StringComparison.Ordinal)
        else line = pattern
    let rec walk (patterns: string list) (from: int) =
        match patterns with
        | [] -> None
        | "…" :: rest -> walk rest from
        | pattern :: rest ->
            match actual |> Array.skip from |> Array.tryFindIndex (matches pattern) with
            | Some i -> walk rest (from + i + 1)
            | None -> Some pattern
    walk (List.ofArray expected) 0

[<Fact>]
let ``every command of docs/tabular.md runs and prints what the page shows`` () =
    use dir = new TempDirectory()
    // The page copies the data from the repository's path; the test gives it the same relative path.
    let data = dir.File(Path.Combine("src", "Nn.FSharpTests", "TestData"))
    Directory.CreateDirectory data |> ignore
    File.Copy(Path.Combine(AppContext.BaseDirectory, "TestData", "binary.csv"), Path.Combine(data, "binary.csv"))
    let document = blocks (Path.Combine(AppContext.BaseDirectory, "tabular.md"))
    Assert.True((document |> List.filter (fst >> (=) "sh") |> List.length) >= 5, "the page has its command blocks")
    let rec check (rest: (string * string[]) list) =
        match rest with
        | ("sh", commands) :: tail ->
            let exitCode, output, error = runShell dir.Path commands
            Assert.True((exitCode = 0), sprintf "exit %d for\n%s\nstdout:\n%s\nstderr:\n%s" exitCode (String.Join("\n", commands)) output error)
            match tail with
            | ("text", expected) :: after ->
                match shows expected output with
                | Some missing -> failwithf "the page shows\n%s\nbut nn printed no such line after the previous one:\n%s" missing output
                | None -> ()
                check after
            | _ -> check tail
        | _ :: tail -> check tail
        | [] -> ()
    check document
