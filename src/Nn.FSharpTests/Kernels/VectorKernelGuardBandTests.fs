/// Guard bands around the element-wise and single-row kernels' destinations (GuardedBuffers): VectorKernels with its
/// vector bodies and scalar forms, the TensorKernels operations the layers and losses call, the parallel copy and the
/// lane sums, on every kernel path this CPU runs, in float and double, at lengths around every vector width.
module Nn.Tests.Kernels.VectorKernelGuardBandTests

#nowarn "9" // the lane sums take pointers into the guarded arrays, as the convolutions hand them

open System
open System.Numerics
open System.Runtime.Intrinsics
open Microsoft.FSharp.NativeInterop
open Nn.Kernels
open Nn.Tests.Kernels.GuardedBuffers
open Nn.Tests.Kernels.KernelPathData
open Xunit

let private vectorKernels<'T when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType>
    path
    : Elementwise<'T> list =
    let a = scalar<'T> 0.75
    [ updating "VectorKernels.MultiplyAdd in place" (fun x y -> VectorKernels.MultiplyAdd<'T>(a, x.Input, y.Span, path)) (fun x y -> y + 0.75 * x)
      // Whether the results are finite is VectorKernelsTests' concern; here a read past an input's end makes them NaN.
      binary "VectorKernels.MultiplyAddFinite" (fun x y result -> VectorKernels.MultiplyAddFinite<'T>(a, x.Input, y.Input, result.Span, path) |> ignore) (fun x y -> y + 0.75 * x)
      unary "VectorKernels.Multiply" (fun x y -> VectorKernels.Multiply<'T>(a, x.Input, y.Span, path)) (fun x -> 0.75 * x)
      binary "VectorKernels.ReluBackward" (fun z g gradientZ -> VectorKernels.ReluBackward<'T>(z.Input, g.Input, gradientZ.Span)) (fun z g -> if z > 0.0 then g else 0.0)
      binary "VectorKernels.SigmoidBackward" (fun a g gradientZ -> VectorKernels.SigmoidBackward<'T>(a.Input, g.Input, gradientZ.Span)) (fun a g -> g * a * (1.0 - a)) ]

let private tensorKernels<'T when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType>
    : Elementwise<'T> list =
    let s = scalar<'T> 0.75
    [ binary "TensorKernels.Add" (fun x y d -> TensorKernels.Add<'T>(x.Input, y.Input, d.Span)) (+)
      unary "TensorKernels.Add of a scalar" (fun x d -> TensorKernels.Add<'T>(x.Input, s, d.Span)) (fun x -> x + 0.75)
      binary "TensorKernels.Subtract" (fun x y d -> TensorKernels.Subtract<'T>(x.Input, y.Input, d.Span)) (-)
      unary "TensorKernels.Subtract of a scalar" (fun x d -> TensorKernels.Subtract<'T>(x.Input, s, d.Span)) (fun x -> x - 0.75)
      binary "TensorKernels.Multiply" (fun x y d -> TensorKernels.Multiply<'T>(x.Input, y.Input, d.Span)) (*)
      unary "TensorKernels.Multiply by a scalar" (fun x d -> TensorKernels.Multiply<'T>(x.Input, s, d.Span)) (fun x -> x * 0.75)
      unary "TensorKernels.Divide by a scalar" (fun x d -> TensorKernels.Divide<'T>(x.Input, s, d.Span)) (fun x -> x / 0.75)
      binary "TensorKernels.MultiplyAdd" (fun x addend d -> TensorKernels.MultiplyAdd<'T>(x.Input, s, addend.Input, d.Span)) (fun x addend -> x * 0.75 + addend)
      unary "TensorKernels.Max with a scalar" (fun x d -> TensorKernels.Max<'T>(x.Input, scalar<'T> 0.25, d.Span)) (fun x -> max x 0.25)
      unary "TensorKernels.Exp" (fun x d -> TensorKernels.Exp<'T>(x.Input, d.Span)) exp
      unary "TensorKernels.Tanh" (fun x d -> TensorKernels.Tanh<'T>(x.Input, d.Span)) tanh
      // TensorPrimitives refuses an empty sigmoid.
      { unary "TensorKernels.Sigmoid" (fun x d -> TensorKernels.Sigmoid<'T>(x.Input, d.Span)) sigmoid with TakesEmpty = false } ]

[<Theory>]
[<OnPath(KernelPath.Auto)>]
[<OnPath(KernelPath.Portable)>]
[<OnPath(KernelPath.Vector128)>]
[<OnPath(KernelPath.Vector256)>]
[<OnPath(KernelPath.Vector512)>]
let ``an element-wise kernel writes exactly its destination's length and nothing around it`` (path: KernelPath) =
    use _ = KernelScope.Enter path
    checkElementwise<float32> path 1e-6 (vectorKernels<float32> path @ tensorKernels<float32>)
    checkElementwise<float> path 1e-14 (vectorKernels<float> path @ tensorKernels<float>)

/// One Adam step, in place (θ, m and v overwritten) and into three other buffers, against the step in double.
let private adamSteps<'T when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType> path =
    let beta1, beta2, step, epsilon = 0.9, 0.999, 0.01, 1e-8
    for length in lengths do
        for inPlace in [ true; false ] do
            let theta, gradient = guarded<'T> "θ" (uniform 1 length), guarded<'T> "g" (uniform 2 length)
            let m, v = guarded<'T> "m" (uniform 3 length), guarded<'T> "v" (uniform 4 length |> Array.map (fun x -> abs x + 0.1))
            let θ, g, m0, v0 = toFloats theta.Values, toFloats gradient.Values, toFloats m.Values, toFloats v.Values
            let m1 = Array.init length (fun i -> beta1 * m0[i] + (1.0 - beta1) * g[i])
            let v1 = Array.init length (fun i -> beta2 * v0[i] + (1.0 - beta2) * g[i] * g[i])
            let θ1 = Array.init length (fun i -> θ[i] - step * m1[i] / (sqrt v1[i] + epsilon))
            let case = $"VectorKernels.AdamUpdate on {path} in {typeName<'T>}, length {length}, in place {inPlace}"
            let b1, b2, s, e = scalar<'T> beta1, scalar<'T> beta2, scalar<'T> step, scalar<'T> epsilon
            let destinations =
                if inPlace then
                    runGuarded case [ theta; m; v ] [ gradient ] (fun () -> VectorKernels.AdamUpdate<'T>(theta.Span, gradient.Input, m.Span, v.Span, b1, b2, s, e))
                    [ theta; m; v ]
                else
                    let next, nextM, nextV = guarded<'T> "θ'" (Array.zeroCreate length), guarded<'T> "m'" (Array.zeroCreate length), guarded<'T> "v'" (Array.zeroCreate length)
                    // Whether θ' is finite is VectorKernelsTests' concern; here a read past an input's end makes it NaN.
                    runGuarded case [ next; nextM; nextV ] [ theta; gradient; m; v ] (fun () ->
                        VectorKernels.AdamUpdate<'T>(theta.Input, gradient.Input, m.Input, v.Input, b1, b2, s, e, next.Span, nextM.Span, nextV.Span) |> ignore)
                    [ next; nextM; nextV ]
            List.iter2 (fun expected destination -> assertValues case (tolerance<'T> 1e-5 1e-13) expected destination) [ θ1; m1; v1 ] destinations

/// y += Σ_i c_i x_i over rows x_i of y's width, and z_j = W_j · x, at widths around every vector's.
let private rowProducts<'T when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType> path =
    for count in [ 0; 1; 3 ] do
        for width in lengths |> List.filter (fun width -> width < 200) do
            let coefficients, rows = guarded<'T> "the coefficients" (uniform 1 count), guarded<'T> "the rows" (uniform 2 (count * width))
            let y = guarded<'T> "y" (uniform 3 width)
            let c, x, y0 = toFloats coefficients.Values, toFloats rows.Values, toFloats y.Values
            let expected = Array.init width (fun j -> y0[j] + Seq.sum (seq { for i in 0 .. count - 1 -> c[i] * x[i * width + j] }))
            let case = $"VectorKernels.MultiplyAddRows on {path} in {typeName<'T>}, {count} rows of {width}"
            runGuarded case [ y ] [ coefficients; rows ] (fun () -> VectorKernels.MultiplyAddRows<'T>(coefficients.Input, rows.Input, width, y.Span, path))
            assertValues case (tolerance<'T> 1e-5 1e-13) expected y
    for outputs in [ 0; 1; 7; 8; 9; 17 ] do
        for inputs in [ 0; 1; 3; 4; 7; 8; 9; 16; 17; 33; 65 ] do
            let w, x = guarded<'T> "W" (uniform 1 (outputs * inputs)), guarded<'T> "x" (uniform 2 inputs)
            let z = guarded<'T> "z" (uniform 3 outputs)
            let weights, values = toFloats w.Values, toFloats x.Values
            let expected = Array.init outputs (fun j -> Seq.sum (seq { for k in 0 .. inputs - 1 -> weights[j * inputs + k] * values[k] }))
            let case = $"VectorKernels.MultiplyRows on {path} in {typeName<'T>}, {outputs} × {inputs}"
            runGuarded case [ z ] [ w; x ] (fun () -> VectorKernels.MultiplyRows<'T>(w.Input, outputs, inputs, x.Input, z.Span, path))
            assertValues case (tolerance<'T> 1e-5 1e-13) expected z

[<Theory>]
[<OnPath(KernelPath.Auto)>]
[<OnPath(KernelPath.Portable)>]
[<OnPath(KernelPath.Vector128)>]
[<OnPath(KernelPath.Vector256)>]
[<OnPath(KernelPath.Vector512)>]
let ``an Adam step and the single-row products write exactly their destinations and nothing around them`` (path: KernelPath) =
    use _ = KernelScope.Enter path
    adamSteps<float32> path
    adamSteps<float> path
    rowProducts<float32> path
    rowProducts<float> path

let private copies<'T when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType> (pool: WorkerPool) =
    let threshold = ParallelCopy.MinimumParallelLength
    for length in [ 0; 1; 100; threshold - 1; threshold; 2 * threshold + 17 ] do
        for threads, fresh in [ ((null: WorkerPool | null), false); (pool, false); (pool, true) ] do
            let source = guarded<'T> "the source" (uniform 1 length)
            let destination = guarded<'T> "the destination" (Array.zeroCreate length)
            let case = $"ParallelCopy.Copy in {typeName<'T>}, length {length}, pool {not (isNull threads)}, fresh {fresh}"
            runGuarded case [ destination ] [ source ] (fun () -> ParallelCopy.Copy<'T>(source.Input, destination.Span, threads, fresh))
            assertValues case 0.0 (toFloats source.Values) destination

[<Fact>]
let ``a parallel copy writes exactly its destination on one thread or two and nothing around it`` () =
    use pool = new WorkerPool(2)
    copies<float32> pool
    copies<float> pool

/// LaneSums.Store from pinned guarded arrays: sums of <c>count</c> positions of <c>room</c> lanes into <c>output</c>.
let private storeSums<'Lanes, 'Vector, 'T
    when 'Lanes: struct and 'Lanes :> IVectorLanes<'Vector, 'T> and 'Lanes: (new: unit -> 'Lanes) and 'Lanes :> ValueType
    and 'Vector: unmanaged and 'Vector: struct and 'Vector: (new: unit -> 'Vector) and 'Vector :> ValueType
    and 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType>
    (sums: Guarded<'T>) room count (output: Guarded<'T>) =
    use from = fixed &sums.Whole[sums.Start]
    use into = fixed &output.Whole[output.Start]
    LaneSums.Store<'Lanes, 'Vector, 'T>(from, room, count, into)

let private laneSums<'Lanes, 'Vector, 'T
    when 'Lanes: struct and 'Lanes :> IVectorLanes<'Vector, 'T> and 'Lanes: (new: unit -> 'Lanes) and 'Lanes :> ValueType
    and 'Vector: unmanaged and 'Vector: struct and 'Vector: (new: unit -> 'Vector) and 'Vector :> ValueType
    and 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType>
    (width: int) =
    for room in [ width; 2 * width; 3 * width ] do
        for count in [ 0; 1; 2; 3; 4; 5; 7; 8; 9; 13 ] do
            let sums = guarded<'T> "the sums" (uniform 1 (room * count))
            let output = guarded<'T> "the output" (uniform 2 count)
            let values = toFloats sums.Values
            let expected = Array.init count (fun i -> Array.sum values[i * room .. i * room + room - 1])
            let case = $"LaneSums.Store with {typeof<'Lanes>.Name} in {typeName<'T>}, {count} positions of {room} lanes"
            runGuarded case [ output ] [ sums ] (fun () -> storeSums<'Lanes, 'Vector, 'T> sums room count output)
            assertValues case (tolerance<'T> 1e-5 1e-13) expected output

[<Fact>]
let ``lane sums write exactly one value per position and nothing around them, at every width`` () =
    laneSums<Lanes128<float32>, Vector128<float32>, float32> Vector128<float32>.Count
    laneSums<Lanes256<float32>, Vector256<float32>, float32> Vector256<float32>.Count
    laneSums<Lanes512<float32>, Vector512<float32>, float32> Vector512<float32>.Count
    laneSums<Lanes128<float>, Vector128<float>, float> Vector128<float>.Count
    laneSums<Lanes256<float>, Vector256<float>, float> Vector256<float>.Count
    laneSums<Lanes512<float>, Vector512<float>, float> Vector512<float>.Count
