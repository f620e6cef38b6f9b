/// The ONNX package's public API is tracked in src/Nn.FSharpTests/PublicApi/Nn.Onnx.approved.txt.
module Nn.Onnx.Tests.PublicApiTests

open Xunit

[<Fact>]
let ``the public API of Nn.Onnx is the approved one`` () = Nn.Tests.PublicApi.approve typeof<Nn.Onnx.OnnxExportOptions>.Assembly
