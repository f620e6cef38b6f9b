/// A convolution by its definition in double, for the kernel tests of the direct forms: a plain loop over every
/// output, weight and input position, no kernels of the library.
module Nn.Tests.Kernels.ConvolutionDefinition

open System
open Nn

let randoms (seed: int) length =
    let r = Random seed
    Array.init length (fun _ -> r.NextDouble() * 2.0 - 1.0)

/// z[n,o,i,j] = b[o] + Σ K[o,c,u,v] x̃[n,c,i+u,j+v], and ∂K, ∂b and ∂x from δ, by the definition in double.
let definition (layer: Conv2DLayer) rows (x: float[]) (delta: float[]) (theta: float[]) =
    let input, output = layer.InputShape, layer.OutputShape
    let c, h, w = input.Channels, input.Height, input.Width
    let o, oh, ow = output.Channels, output.Height, output.Width
    let kh, kw, p = layer.KernelHeight, layer.KernelWidth, layer.Padding
    let weightAt f ch u v = ((f * c + ch) * kh + u) * kw + v
    let pixelAt n ch y x' =
        let y, x' = y - p, x' - p
        if y < 0 || y >= h || x' < 0 || x' >= w then None else Some (((n * c + ch) * h + y) * w + x')
    let z = Array.zeroCreate (rows * o * oh * ow)
    let gradient = Array.zeroCreate theta.Length
    let inputGradient = Array.zeroCreate x.Length
    for n in 0 .. rows - 1 do
        for f in 0 .. o - 1 do
            for i in 0 .. oh - 1 do
                for j in 0 .. ow - 1 do
                    let at = ((n * o + f) * oh + i) * ow + j
                    let mutable sum = theta[layer.WeightCount + f]
                    for ch in 0 .. c - 1 do
                        for u in 0 .. kh - 1 do
                            for v in 0 .. kw - 1 do
                                match pixelAt n ch (i + u) (j + v) with
                                | Some pixel ->
                                    let weight = weightAt f ch u v
                                    sum <- sum + theta[weight] * x[pixel]
                                    gradient[weight] <- gradient[weight] + delta[at] * x[pixel]
                                    inputGradient[pixel] <- inputGradient[pixel] + delta[at] * theta[weight]
                                | None -> ()
                    z[at] <- sum
                    gradient[layer.WeightCount + f] <- gradient[layer.WeightCount + f] + delta[at]
    z, gradient, inputGradient
