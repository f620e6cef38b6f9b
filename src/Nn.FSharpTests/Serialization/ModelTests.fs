/// A model: a network and the preprocessing that feeds it, whose widths must agree however the model is made.
module Nn.Tests.Serialization.ModelTests

open System
open System.Reflection
open Nn
open Nn.Tests.Helpers
open Xunit

let private preprocessing = admitPreprocessing ()

let private network inputs =
    Network.Create<float32>(Architecture.Input(inputs: int).Dense(2, Activation.Softmax), Initializer.Xavier, 1UL)

[<Fact>]
let ``preprocessing of other widths than the network's is refused when the model is made`` () =
    let e = Assert.Throws<ArgumentException>(fun () -> Model<float32>(network 5, preprocessing) |> ignore)
    Assert.Equal("Preprocessing", e.ParamName)
    Assert.StartsWith("the preprocessing gives 6 inputs and takes 2 outputs, but the network 5-2(softmax) has 5 and 2.", e.Message)
    Assert.Throws<ArgumentNullException>(fun () -> Model<float32>(Unchecked.defaultof<Network<float32>>, null) |> ignore) |> ignore
    Assert.Equal(5, Model<float32>(network 5, null).Network.Architecture.InputSize)

[<Fact>]
let ``a network of other widths set after construction, as C#'s with sets it, is refused by Predict and by saving`` () =
    let model = Model<float32>(network 6, preprocessing)
    (nonNull (typeof<Model<float32>>.GetProperty "Network")).SetValue(model, network 5)
    let rows = Table.Load(testData "binary.csv", Nullable true)
    Assert.StartsWith("the preprocessing gives 6 inputs", (Assert.Throws<ArgumentException>(fun () -> model.Predict rows |> ignore)).Message)
    Assert.StartsWith("the preprocessing gives 6 inputs", (Assert.Throws<ArgumentException>(fun () -> ModelFile.ToBytes model |> ignore)).Message)
    let e = Assert.Throws<TargetInvocationException>(fun () -> (nonNull (typeof<Model<float32>>.GetProperty "Network")).SetValue(model, null))
    Assert.IsType<ArgumentNullException>(e.InnerException) |> ignore
