/// Approval of a public API: the assembly's API as text must equal the checked-in approved file, so any change to
/// it shows up in review as a diff. Shared by the test projects of every packed assembly.
module Nn.Tests.PublicApi

open System
open System.IO
open PublicApiGenerator

/// The folder of the approved files; a failing run leaves the received file beside them.
let folder = __SOURCE_DIRECTORY__

/// Fails, writing NAME.received.txt, unless the public API of the assembly equals NAME.approved.txt.
let approve (assembly: Reflection.Assembly) =
    let name = assembly.GetName().Name |> nonNull
    let received = assembly.GeneratePublicApi(ApiGeneratorOptions(IncludeAssemblyAttributes = false)).Replace("\r\n", "\n")
    let approvedPath = Path.Combine(folder, name + ".approved.txt")
    let approved = if File.Exists approvedPath then File.ReadAllText(approvedPath).Replace("\r\n", "\n") else ""
    if received <> approved then
        File.WriteAllText(Path.Combine(folder, name + ".received.txt"), received)
        failwithf "the public API of %s changed; if that is intended, replace %s.approved.txt with %s.received.txt in %s" name name name folder
