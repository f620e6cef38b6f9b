/// One example network per layer kind of the library, shared by every test project that walks the kinds: the
/// library's tests (passes, gradient check, model and checkpoint files), the ONNX tests (export and ONNX Runtime)
/// and the CLI tests (the --layers token, nn info, checkpoints, nn export). Each walk first checks that every
/// Layer subclass has an example here, so a kind added to the library without one fails all three.
module Nn.Tests.Layers.LayerKindExamples

open System
open Nn

/// A layer kind's examples.
type LayerKindExample =
    { /// The Layer subclass.
      Kind: Type
      /// A small stack with the kind below a dense softmax layer of 3 outputs, so its backward pass is exercised.
      Architecture: Architecture
      /// An `nn train --layers` value with the kind, over the embedded 1x8x8 digits and their 10 classes.
      Layers: string }

/// Every example, one per kind.
let all =
    [ { Kind = typeof<DenseLayer>
        Architecture = Architecture.Input(2, 3, 3).Dense(4, Activation.Tanh).Dense(3, Activation.Softmax)
        Layers = "1x8x8-12-10" }
      { Kind = typeof<Conv2DLayer>
        Architecture = Architecture.Input(2, 5, 4).Conv2D(3, 2, 3, Activation.Sigmoid, stride = 2, padding = 1).Dense(3, Activation.Softmax)
        Layers = "1x8x8-conv3k3x2s2p1-10" }
      { Kind = typeof<MaxPool2DLayer>
        Architecture = Architecture.Input(2, 5, 5).MaxPool2D(2, 1).Dense(3, Activation.Softmax)
        Layers = "1x8x8-maxpool3s2-10" }
      { Kind = typeof<BatchNormLayer>
        Architecture = Architecture.Input(2, 3, 3).Conv2D(2, 2, 2, Activation.Tanh).BatchNorm().Dense(3, Activation.Softmax)
        Layers = "1x8x8-conv3k3p1-bn-10" }
      { Kind = typeof<DropoutLayer>
        Architecture = Architecture.Input(2, 3, 3).Dense(6, Activation.Tanh).Dropout(0.3).Dense(3, Activation.Softmax)
        Layers = "1x8x8-12-dropout0.2-10" } ]

/// The names of the concrete Layer subclasses the library defines.
let kindsInLibrary () =
    typeof<Layer>.Assembly.GetTypes()
    |> Array.filter (fun t -> t.IsSubclassOf typeof<Layer> && not t.IsAbstract)
    |> Array.map _.Name
    |> Set.ofArray

/// The kinds with an example here.
let kindsWithExamples () = all |> List.map _.Kind.Name |> Set.ofList

/// xunit member data: one row per kind, its name.
let kindNames : obj[] list = [ for example in all -> [| example.Kind.Name :> obj |] ]

/// The example of the kind named.
let example (kind: string) = all |> List.find (fun e -> e.Kind.Name = kind)
