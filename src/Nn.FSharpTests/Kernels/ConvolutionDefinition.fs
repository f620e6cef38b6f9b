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

/// Results of the definition over a geometry, each with its magnitude Σ|term| (which bounds the rounding of a sum
/// whatever order a kernel adds its terms in, so a float tolerance can scale with it).
type GeometryDefinition =
    { Z: float[]; ZMagnitude: float[]
      Kernels: float[]; KernelsMagnitude: float[]
      Bias: float[]; BiasMagnitude: float[]
      Input: float[]; InputMagnitude: float[] }

/// z[n,o,i,j] = b[o] + Σ K[o,c,u,v] x̃[n,c,i·s+u,j·s+v] (no b for an empty bias), and ∂K, ∂b and ∂x from δ, by the
/// definition in double over a geometry of any stride (`definition` above takes a layer and stride 1).
let ofGeometry (g: Nn.Kernels.ColumnTransfer.Geometry) filters rows (x: float[]) (kernels: float[]) (bias: float[]) (delta: float[]) =
    let c, h, w, kh, kw = g.Channels, g.Height, g.Width, g.KernelHeight, g.KernelWidth
    let oh, ow, s, p = g.OutputHeight, g.OutputWidth, g.Stride, g.Padding
    let outputs = rows * filters * oh * ow
    let z, zMagnitude = Array.zeroCreate outputs, Array.zeroCreate outputs
    let dk, dkMagnitude = Array.zeroCreate (filters * g.Patch), Array.zeroCreate (filters * g.Patch)
    let db, dbMagnitude = Array.zeroCreate filters, Array.zeroCreate filters
    let dx, dxMagnitude = Array.zeroCreate (rows * g.InputSize), Array.zeroCreate (rows * g.InputSize)
    for n in 0 .. rows - 1 do
        for f in 0 .. filters - 1 do
            for i in 0 .. oh - 1 do
                for j in 0 .. ow - 1 do
                    let at = ((n * filters + f) * oh + i) * ow + j
                    let d = delta[at]
                    let mutable sum = if bias.Length = 0 then 0.0 else bias[f]
                    let mutable magnitude = abs sum
                    for ch in 0 .. c - 1 do
                        for u in 0 .. kh - 1 do
                            for v in 0 .. kw - 1 do
                                let y, x' = i * s + u - p, j * s + v - p
                                if y >= 0 && y < h && x' >= 0 && x' < w then
                                    let pixel = ((n * c + ch) * h + y) * w + x'
                                    let weight = ((f * c + ch) * kh + u) * kw + v
                                    sum <- sum + kernels[weight] * x[pixel]
                                    magnitude <- magnitude + abs (kernels[weight] * x[pixel])
                                    dk[weight] <- dk[weight] + d * x[pixel]
                                    dkMagnitude[weight] <- dkMagnitude[weight] + abs (d * x[pixel])
                                    dx[pixel] <- dx[pixel] + d * kernels[weight]
                                    dxMagnitude[pixel] <- dxMagnitude[pixel] + abs (d * kernels[weight])
                    z[at] <- sum
                    zMagnitude[at] <- magnitude
                    db[f] <- db[f] + d
                    dbMagnitude[f] <- dbMagnitude[f] + abs d
    { Z = z; ZMagnitude = zMagnitude; Kernels = dk; KernelsMagnitude = dkMagnitude; Bias = db; BiasMagnitude = dbMagnitude; Input = dx; InputMagnitude = dxMagnitude }
