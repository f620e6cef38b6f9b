/// The computational-graph multiply and add nodes: the golden "buying apples" numbers, and a finite-difference check.
module Nn.Tests.Graph.GraphTests

open Nn
open Nn.Tests.Helpers
open Xunit

[<Fact>]
let ``one product with tax is 220 and backward gives 2.2, 110 and 200`` () =
    let apples = MultiplyNode.Forward(100.0, 2.0)
    let taxed = MultiplyNode.Forward(apples.Output, 1.1)
    assertClose doubleRounding 220.0 taxed.Output
    let back = taxed.Backward 1.0
    let appleBack = apples.Backward back.X
    assertAllClose doubleRounding [| 2.2; 110.0; 200.0 |] [| appleBack.X; appleBack.Y; back.Y |]

[<Fact>]
let ``two products with tax are 715 and backward gives every golden derivative`` () =
    let apples = MultiplyNode.Forward(100.0, 2.0)
    let oranges = MultiplyNode.Forward(150.0, 3.0)
    let total = AddNode.Forward(apples.Output, oranges.Output)
    let taxed = MultiplyNode.Forward(total.Output, 1.1)
    assertClose doubleRounding 715.0 taxed.Output
    let taxBack = taxed.Backward 1.0
    let totalBack = total.Backward taxBack.X
    let appleBack = apples.Backward totalBack.X
    let orangeBack = oranges.Backward totalBack.Y
    assertAllClose doubleRounding [| 2.2; 110.0; 3.3; 165.0; 650.0 |] [| appleBack.X; appleBack.Y; orangeBack.X; orangeBack.Y; taxBack.Y |]
    assertAllClose doubleRounding [| 1.1; 1.1; 1.1 |] [| taxBack.X; totalBack.X; totalBack.Y |]

[<Fact>]
let ``the graph's derivatives match central differences`` () =
    let price (memory: System.ReadOnlyMemory<float>) =
        let v = memory.ToArray()
        let total = AddNode.Forward(MultiplyNode.Forward(v[0], v[1]).Output, MultiplyNode.Forward(v[2], v[3]).Output)
        MultiplyNode.Forward(total.Output, v[4]).Output
    let numeric = GradientCheck.CentralDifferences(System.ReadOnlySpan [| 100.0; 2.0; 150.0; 3.0; 1.1 |], CostFunction<float>(price), 1e-6)
    assertAllClose 1e-6 [| 2.2; 110.0; 3.3; 165.0; 650.0 |] numeric
