/// Single layer mappings at the places the kind walk and the random networks do not reach: dropout as the last layer,
/// and a second batch normalisation with its own ε and running statistics.
module Nn.Onnx.Tests.LayerMappingTests

open System
open Nn
open Nn.Onnx
open Nn.Onnx.Tests.OnnxRuntime
open Xunit

[<Fact>]
let ``a network whose last layer is dropout exports it as the identity that names the output`` () =
    // Dropout adds no node inside the graph; as the last layer it must still write the graph output, or the model
    // names an output nothing computes.
    let network = Network.FromParameters(Architecture.Input(3).Dense(2, Activation.Tanh).Dropout(0.5), ReadOnlySpan [| 1.0; -2.0; 0.5; 0.25; 1.0; -1.0; 0.1; -0.2 |])
    let inputs = Matrix<float>.Create(2, 3, ReadOnlySpan [| 0.5; -1.0; 2.0; 1.5; 0.25; -0.75 |])
    use session = openSession (OnnxExport.ToBytes network)
    let d = difference (outputsOf session inputs) (Network.Forward(network, inputs).AsSpan().ToArray())
    Assert.True(d.Normwise <= 1e-12, sprintf "%A" d)

[<Fact>]
let ``a second batch normalisation reads its own running statistics and its own epsilon`` () =
    // The first layer's statistics start θ's state; the second's follow at its state offset. The second has ε = 1e-2
    // and a feature of running variance 0, so √(r_σ² + ε) is √ε there: the default ε of 1e-5 is 30 times off.
    let architecture = Architecture.Input(2).BatchNorm().Dense(3, Activation.Identity).BatchNorm(1e-2).Dense(1, Activation.Identity)
    let created = Network.Create<float>(architecture, Initializer.Xavier, 3UL)
    // Means then variances: (0.25, −0.5; 0, 0.5) for the first, (1, −2, 0.5; 0, 4, 0.25) for the second.
    let state = [| 0.25; -0.5; 0.0; 0.5; 1.0; -2.0; 0.5; 0.0; 4.0; 0.25 |]
    let network = created.WithState(ParameterVector<float>.Create(ReadOnlySpan state))
    let inputs = Matrix<float>.Create(3, 2, ReadOnlySpan [| 1.0; 2.0; -0.75; 0.5; 0.3; -1.5 |])
    use session = openSession (OnnxExport.ToBytes network)
    let d = difference (outputsOf session inputs) (Network.Forward(network, inputs).AsSpan().ToArray())
    Assert.True(d.Normwise <= 1e-12, sprintf "%A" d)
