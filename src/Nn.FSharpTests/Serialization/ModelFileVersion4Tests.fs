/// Model files of version 4: batch normalisation, dropout and their running statistics, with or without
/// preprocessing; the fields version 4 added are checked as they load.
module Nn.Tests.Serialization.ModelFileVersion4Tests

open System
open Nn
open Xunit

let private formatError (bytes: byte[]) =
    Assert.Throws<ModelFormatException>(fun () -> ModelFile.FromBytes<float>(bytes, "model.nnm") |> ignore)

/// A network with batch normalisation and dropout whose running statistics are not the initial ones.
let private normalised =
    let architecture = Architecture.Input(2, 3, 3).Conv2D(2, 2, 2, Activation.Relu).BatchNorm(1e-3, 0.2).Dropout(0.25).Dense(3, Activation.Softmax)
    let network = Network.Create<float32>(architecture, Initializer.He, 3UL)
    network.WithState(ParameterVector<float32>.Create(ReadOnlySpan [| 0.5f; -0.25f; 2.0f; 0.125f |]))

[<Fact>]
let ``batch normalisation, dropout and the running statistics round-trip through version 4`` () =
    let bytes = ModelFile.ToBytes normalised
    Assert.Equal(4us, BitConverter.ToUInt16(bytes, 4))
    let loaded = ModelFile.FromBytes<float32>(bytes, "normalised.nnm")
    Assert.Equal(normalised, loaded)
    Assert.Equal<float32[]>([| 0.5f; -0.25f; 2.0f; 0.125f |], loaded.State.ToArray())
    Assert.Equal(4, (ModelFile.ReadInfo(bytes, "normalised.nnm")).Version)

/// The version-4 body of the normalised network with its checksum recomputed after <paramref name="edit"/>.
let private editedNormalised (edit: byte[] -> unit) =
    let bytes = ModelFile.ToBytes normalised
    let body = Array.take (bytes.Length - 32) bytes
    edit body
    Array.append body (Security.Cryptography.SHA256.HashData body)

[<Fact>]
let ``a negative running variance is refused naming its byte and layer`` () =
    // The state is the last 8 + 4·4 bytes of the body; the variances are its last two values.
    let bytes = editedNormalised (fun b -> b[b.Length - 1] <- 0xBFuy)
    let message = (formatError bytes).Message
    Assert.Contains("expected layer 1's state to be valid, but found a running variance of", message)

[<Fact>]
let ``a state count other than the architecture's is refused`` () =
    let bytes = editedNormalised (fun b -> b[b.Length - 24] <- 5uy)
    Assert.Contains("expected 4 values of state", (formatError bytes).Message)

[<Fact>]
let ``a version-2 file cannot declare a kind that version 4 added`` () =
    let bytes = editedNormalised (fun b -> b[4] <- 2uy)
    Assert.Contains("layer 1's kind among those of version 2, but found 'batchnorm', which version 4 added", (formatError bytes).Message)

[<Fact>]
let ``a network with batch normalisation keeps its preprocessing in version 4`` () =
    let preprocessing = Nn.Tests.Helpers.admitPreprocessing ()
    let network = Network.Create<float32>(Architecture.Input(6).Dense(4, Activation.Tanh).BatchNorm().Dropout(0.1).Dense(2, Activation.Softmax), Initializer.Xavier, 3UL)
    let bytes = ModelFile.ToBytes(Model<float32>(network, preprocessing))
    Assert.Equal(4us, BitConverter.ToUInt16(bytes, 4))
    let loaded = ModelFile.ModelFromBytes<float32>(bytes, "m.nnm")
    Assert.Equal(network, loaded.Network)
    Assert.Equal(Some preprocessing, Option.ofObj loaded.Preprocessing)
    Assert.Null((ModelFile.ModelFromBytes<float32>(ModelFile.ToBytes network, "m.nnm")).Preprocessing)
