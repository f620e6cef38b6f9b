/// Region 2's cut of each layer's weight-gradient panels between two threads, each layer carrying the rounding of the
/// layers before it.
module Nn.Tests.Networks.PanelCutTests

open Nn
open Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit

let private networkB = Architecture.Input(784).Dense(256, Activation.Relu).Dense(128, Activation.Relu).Dense(10, Activation.Softmax)

/// The caller's work over every layer, a panel of a layer counted as its outputs, as PanelCut counts it.
let private callerWork (architecture: Architecture) nr share =
    architecture.Layers |> Seq.mapi (fun l layer -> float (PanelCut.CallerPanels(architecture.Layers, l, nr, share) * layer.Outputs)) |> Seq.sum

let private totalWork (architecture: Architecture) nr =
    architecture.Layers |> Seq.sumBy (fun layer -> float (PanelCut.Panels(layer, nr) * layer.Outputs))

[<Fact>]
let ``Network B's odd panel of the first layer's gradient is made up in the second layer, so an even share is an even cut`` () =
    // 784 columns are 25 panels of 32 (the last of 16): the caller takes 13, then 3 of the next layer's 8, not 4.
    let cuts = [ for l in 0..2 -> PanelCut.CallerPanels(networkB.Layers, l, 32, 0.5) ]
    Assert.Equal<int list>([ 13; 3; 2 ], cuts)
    Assert.Equal(totalWork networkB 32 / 2.0, callerWork networkB 32 0.5)

[<Property(MaxTest = 300)>]
let ``every layer of two panels or more leaves each thread at least one, and the caller's work follows the share`` (widths: PositiveInt list) (share: float) =
    let widths = widths |> List.truncate 6 |> List.map (fun w -> 1 + w.Get % 900)
    let share = 0.2 + (abs share % 0.6)
    (widths.Length >= 2 && System.Double.IsFinite share) ==> lazy
        (let architecture = (Architecture.Input(widths.Head), widths.Tail) ||> List.fold (fun a w -> a.Dense(w, Activation.Relu))
         let layers = architecture.Layers
         let withinRange =
             layers |> Seq.mapi (fun l layer ->
                 let cut, panels = PanelCut.CallerPanels(layers, l, 32, share), PanelCut.Panels(layer, 32)
                 if panels >= 2 then cut >= 1 && cut <= panels - 1 else cut >= 0 && cut <= panels)
             |> Seq.forall id
         // The rounding of every layer is carried on, so the caller's work ends within one panel of the largest layer
         // of its share, where cutting each layer on its own could be off by half a panel of every layer.
         let largestPanel = layers |> Seq.map (fun layer -> float layer.Outputs) |> Seq.max
         let off = abs (callerWork architecture 32 share - share * totalWork architecture 32)
         withinRange && off <= largestPanel)
