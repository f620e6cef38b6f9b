/// Approval of a public API: the assembly's API as text must equal the checked-in approved file, so any change to
/// it shows up in review as a diff. Shared by the test projects of every packed assembly.
module Nn.Tests.PublicApi

open System
open System.IO
open PublicApiGenerator

/// Where the approved files are copied next to the test assembly (the build copies src/Nn.FSharpTests/PublicApi/*.approved.txt).
/// The source folder is not used: deterministic CI builds map source paths to /_/, which does not exist at run time.
let folder = Path.Combine(AppContext.BaseDirectory, "PublicApi")

/// Fails, writing NAME.received.txt beside the copied approved file, unless the assembly's public API equals NAME.approved.txt.
let approve (assembly: Reflection.Assembly) =
    let name = assembly.GetName().Name |> nonNull
    let received = assembly.GeneratePublicApi(ApiGeneratorOptions(IncludeAssemblyAttributes = false)).Replace("\r\n", "\n")
    let approvedPath = Path.Combine(folder, name + ".approved.txt")
    let approved = if File.Exists approvedPath then File.ReadAllText(approvedPath).Replace("\r\n", "\n") else ""
    if received <> approved then
        Directory.CreateDirectory folder |> ignore
        let receivedPath = Path.Combine(folder, name + ".received.txt")
        File.WriteAllText(receivedPath, received)
        failwithf "the public API of %s changed; if that is intended, copy %s over src/Nn.FSharpTests/PublicApi/%s.approved.txt" name receivedPath name
