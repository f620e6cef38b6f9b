/// Batch normalisation in training mode against golden_toolkit.txt's float64 reference: a dense batch (4×3, statistics
/// per feature) and a conv batch (2×2×2×3, statistics per channel over N, H, W) — output, dC/dx, dC/dγ, dC/dβ and the
/// running statistics after one update from mean 0 and variance 1.
module Nn.Tests.Layers.BatchNormGoldenTests

open System
open System.IO
open Nn
open Nn.Tests.Helpers
open Xunit

let private golden = File.ReadAllLines(testData "golden_toolkit.txt")
let private value name = goldenValues golden name

/// The reference's gradients come from central differences with h = 1e-6, good to about 1e-9.
let private tolerance = 1e-9

type private Pass =
    { Output: float[]
      InputGradient: float[]
      Gradient: float[]
      NextStatistics: float[] }

/// One training-mode forward and backward pass of the layer alone, from upstream dC/dy, with γ then β as its θ block.
let private run (layer: BatchNormLayer) (rows: int) (x: float[]) (theta: float[]) (upstream: float[]) =
    let buffers = LayerBuffers<float>(Array.zeroCreate (int (layer.ScratchLength rows)), [||], Nn.Kernels.KernelSelection.Best, null)
    let statistics = Array.init layer.StateCount (fun i -> if i < layer.Features then 0.0 else 1.0)
    let next = Array.zeroCreate<float> layer.StateCount
    let z = Array.zeroCreate<float> x.Length
    let a = Array.zeroCreate<float> x.Length
    let gradient = Array.zeroCreate<float> theta.Length
    let inputGradient = Array.zeroCreate<float> x.Length
    let delta = Array.copy upstream
    layer.Forward<float>(
        ReadOnlySpan theta, ReadOnlySpan x, rows, Span z, Span a, buffers, PassMode<float>.TrainingStep(7UL, ReadOnlySpan statistics, Span next))
    layer.Backward<float>(
        ReadOnlySpan theta,
        ReadOnlySpan x,
        Span delta,
        rows,
        Span gradient,
        false,
        Span inputGradient,
        buffers,
        PassMode<float>.TrainingStep(7UL, ReadOnlySpan statistics, Span.Empty))
    { Output = a; InputGradient = inputGradient; Gradient = gradient; NextStatistics = next }

let private check (prefix: string) (layer: BatchNormLayer) (rows: int) =
    let theta = Array.append (value $"{prefix} gamma") (value $"{prefix} beta")
    let pass = run layer rows (value $"{prefix} x") theta (value $"{prefix} upstream dC/dy")
    assertAllClose tolerance (value $"{prefix} y") pass.Output
    assertAllClose tolerance (value $"{prefix} dC/dx") pass.InputGradient
    assertAllClose tolerance (Array.append (value $"{prefix} dC/dgamma") (value $"{prefix} dC/dbeta")) pass.Gradient
    let runningVariance = golden |> Array.find (fun l -> l.StartsWith($"{prefix} running variance", StringComparison.Ordinal))
    let variance = runningVariance.Substring(runningVariance.IndexOf('=') + 1).Split(',') |> Array.map inv
    assertAllClose tolerance (Array.append (value $"{prefix} running mean after one step from 0") variance) pass.NextStatistics

[<Fact>]
let ``a dense batch is normalised per feature as the reference computes it`` () =
    check "dense" (BatchNormLayer(Shape.Vector 3, 1e-5, 0.1)) 4

[<Fact>]
let ``a conv batch is normalised per channel over samples and pixels as the reference computes it`` () =
    check "conv" (BatchNormLayer(Shape.Image(2, 2, 3), 1e-5, 0.1)) 2

[<Fact>]
let ``the golden cases' gradients also hold through the public API's objective`` () =
    // Quadratic cost on identity outputs with targets y − m·upstream makes ∂C/∂y the reference's upstream gradient,
    // so Backprop's γ and β gradients must be the reference's too.
    let architecture = Architecture.Input(3).BatchNorm()
    let theta = Array.append (value "dense gamma") (value "dense beta")
    let network = Network.FromParameters<float>(architecture, ReadOnlySpan theta)
    let targets = Array.map2 (fun y g -> y - 4.0 * g) (value "dense y") (value "dense upstream dC/dy")
    let result = Backprop.Gradient(network, Loss.Quadratic, Matrix<float>.Own(4, 3, value "dense x"), Matrix<float>.Own(4, 3, targets))
    assertAllClose tolerance (Array.append (value "dense dC/dgamma") (value "dense dC/dbeta")) (result.Gradient.ToArray())
