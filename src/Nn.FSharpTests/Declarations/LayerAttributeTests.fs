/// The layer declaration attributes hold what they were given: the generator reads their arguments from the source,
/// but a program reading them by reflection reads these properties.
module Nn.Tests.Declarations.LayerAttributeTests

open Nn
open Xunit

[<Fact>]
let ``a square convolution holds its kernel side as both height and width, with a stride of 1, no padding and a bias`` () =
    let square = Conv2DAttribute(2, 6, 5, ActivationKind.Relu)
    Assert.Equal<int list>([ 2; 6; 5; 5; 1; 0 ], [ square.Order; square.Filters; square.KernelHeight; square.KernelWidth; square.Stride; square.Padding ])
    Assert.True square.HasBias
    Assert.Equal(ActivationKind.Relu, square.Activation)
    let oblong = Conv2DAttribute(0, 3, 7, 4, ActivationKind.Tanh)
    Assert.Equal<int list>([ 7; 4 ], [ oblong.KernelHeight; oblong.KernelWidth ])

[<Fact>]
let ``dense, pooling, dropout and network attributes hold their arguments and defaults`` () =
    let dense = DenseAttribute(1, 10, ActivationKind.Softmax)
    Assert.Equal<int list>([ 1; 10 ], [ dense.Order; dense.Outputs ])
    Assert.True dense.HasBias
    let pool = MaxPool2DAttribute(3, 2)
    Assert.Equal<int list>([ 3; 2; 0 ], [ pool.Order; pool.Window; pool.Stride ])
    let dropout = DropoutAttribute(4, 0.25)
    Assert.Equal(0.25, dropout.Rate)
    Assert.Equal(5, BatchNormAttribute(5).Order)
    let network = NetworkAttribute(typeof<float32>)
    Assert.Equal(typeof<float32>, network.ElementType)
    Assert.Null network.InputShape
    Assert.Equal(0.0, network.L2)
