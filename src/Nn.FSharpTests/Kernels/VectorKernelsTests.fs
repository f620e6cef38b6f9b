/// The vector loops around the matrix products against scalar references, at lengths that are not multiples of
/// any vector width.
module Nn.Tests.Kernels.VectorKernelsTests

open System
open global.Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Nn.Kernels

/// Double rounding times the few-unit sums of these short vectors.
let tolerance = 1e-12

type Sizes = { Length: int; Rows: int; Seed: int }

type VectorGenerators =
    static member Sizes() =
        Gen.map3 (fun length rows seed -> { Length = length; Rows = rows; Seed = seed }) (Gen.choose (0, 100)) (Gen.choose (1, 20)) (Gen.choose (0, Int32.MaxValue))
        |> Arb.fromGen

let private values (random: Random) n = Array.init n (fun _ -> random.NextDouble() * 2.0 - 1.0)

[<Properties(Arbitrary = [| typeof<VectorGenerators> |], MaxTest = 100)>]
module Properties =

    [<Property>]
    let ``the product of one sample with every row equals the row-by-row dot products`` (s: Sizes) =
        let random = Random s.Seed
        let w = values random (s.Rows * s.Length)
        let x = values random s.Length
        let z = Array.zeroCreate s.Rows
        VectorKernels.MultiplyRows<float>(ReadOnlySpan w, s.Rows, s.Length, ReadOnlySpan x, Span z)
        let expected = Array.init s.Rows (fun j -> Array.sum (Array.init s.Length (fun k -> w[j * s.Length + k] * x[k])))
        Array.forall2 (fun (e: float) a -> abs (e - a) <= tolerance) expected z

    [<Property>]
    let ``axpy and scaling equal their scalar definitions bit for bit`` (s: Sizes) =
        let random = Random s.Seed
        let x = values random s.Length
        let y = values random s.Length
        let a = random.NextDouble()
        let sum = Array.copy y
        VectorKernels.MultiplyAdd(a, ReadOnlySpan x, Span sum)
        let scaled = Array.zeroCreate s.Length
        VectorKernels.Multiply(a, ReadOnlySpan x, Span scaled)
        sum = Array.map2 (fun xi yi -> xi * a + yi) x y && scaled = Array.map (fun xi -> xi * a) x

    [<Property>]
    let ``adding several scaled rows at once equals one axpy per row in order, bit for bit, on every path, in float and double`` (s: Sizes) =
        let random = Random s.Seed
        let count = s.Rows - 1 // from none
        let rows = values random (count * s.Length)
        let coefficients = values random count
        let y = values random s.Length
        let check (toT: float -> 'T) =
            KernelSelection.Supported()
            |> Array.forall (fun path ->
                let rowsT, coefficientsT = Array.map toT rows, Array.map toT coefficients
                let expected = Array.map toT y
                for i in 0 .. count - 1 do
                    VectorKernels.MultiplyAdd(coefficientsT[i], ReadOnlySpan(rowsT, i * s.Length, s.Length), Span expected, path)
                let sum = Array.map toT y
                VectorKernels.MultiplyAddRows(ReadOnlySpan coefficientsT, ReadOnlySpan rowsT, s.Length, Span sum, path)
                sum = expected)
        check id && check float32

    [<Property>]
    let ``the vector Adam step equals the scalar Adam step bit for bit`` (s: Sizes) =
        let random = Random s.Seed
        let theta, g, m, v = values random s.Length, values random s.Length, values random s.Length, values random s.Length |> Array.map abs
        let beta1, beta2, step, epsilon = 0.9, 0.999, 0.01, 1e-8
        let theta', m', v' = Array.copy theta, Array.copy m, Array.copy v
        VectorKernels.AdamUpdate(Span theta', ReadOnlySpan g, Span m', Span v', beta1, beta2, step, epsilon)
        let expectedM = Array.map2 (fun mi gi -> beta1 * mi + (1.0 - beta1) * gi) m g
        let expectedV = Array.map2 (fun vi gi -> beta2 * vi + (1.0 - beta2) * gi * gi) v g
        let expectedTheta = Array.init s.Length (fun i -> theta[i] - step * expectedM[i] / (sqrt expectedV[i] + epsilon))
        m' = expectedM && v' = expectedV && theta' = expectedTheta

    [<Property>]
    let ``a vector is finite exactly when every element is`` (s: Sizes) =
        let random = Random s.Seed
        let x = values random s.Length
        let finite = VectorKernels.AllFinite(ReadOnlySpan x)
        let spoiled =
            [ nan; infinity; -infinity ]
            |> List.forall (fun bad ->
                if s.Length = 0 then true
                else
                    let copy = Array.copy x
                    copy[s.Seed % s.Length] <- bad
                    not (VectorKernels.AllFinite(ReadOnlySpan copy)))
        finite && spoiled

    [<Property>]
    let ``the checked axpy writes the axpy and reports whether it is finite`` (s: Sizes) =
        let random = Random s.Seed
        let x = values random s.Length
        let y = values random s.Length
        let a = random.NextDouble()
        let result = Array.zeroCreate s.Length
        let finite = VectorKernels.MultiplyAddFinite(a, ReadOnlySpan x, ReadOnlySpan y, Span result)
        let overflowing = Array.copy x
        if s.Length > 0 then overflowing[s.Seed % s.Length] <- Double.MaxValue
        let overflowed = VectorKernels.MultiplyAddFinite(4.0, ReadOnlySpan overflowing, ReadOnlySpan y, Span(Array.zeroCreate s.Length))
        finite && result = Array.map2 (fun xi yi -> xi * a + yi) x y && (s.Length = 0 || not overflowed)

    [<Property>]
    let ``the vector ReLU and sigmoid backward passes equal their scalar definitions bit for bit`` (s: Sizes) =
        let random = Random s.Seed
        let z = values random s.Length
        if s.Length > 0 then z[s.Seed % s.Length] <- 0.0 // the kink belongs to the flat side
        let a = values random s.Length |> Array.map abs
        let g = values random s.Length
        let relu = Array.zeroCreate s.Length
        VectorKernels.ReluBackward(ReadOnlySpan z, ReadOnlySpan g, Span relu)
        let sigmoid = Array.zeroCreate s.Length
        VectorKernels.SigmoidBackward(ReadOnlySpan a, ReadOnlySpan g, Span sigmoid)
        relu = Array.map2 (fun zi gi -> if zi > 0.0 then gi else 0.0) z g
        && sigmoid = Array.map2 (fun ai gi -> gi * ai * (1.0 - ai)) a g

[<Fact>]
let ``adding scaled rows refuses rows or a y shorter than the count and width ask for, naming the sizes`` () =
    let error =
        Assert.Throws<ArgumentException>(fun () ->
            VectorKernels.MultiplyAddRows(ReadOnlySpan(Array.zeroCreate<float> 2), ReadOnlySpan(Array.zeroCreate<float> 5), 3, Span(Array.zeroCreate<float> 3)))
    Assert.Contains("2 rows of 3 need 6 elements and y 3, but hold 5 and 3", error.Message)
    Assert.Throws<ArgumentException>(fun () ->
        VectorKernels.MultiplyAddRows(ReadOnlySpan(Array.zeroCreate<float> 1), ReadOnlySpan(Array.zeroCreate<float> 3), 3, Span(Array.zeroCreate<float> 2)))
    |> ignore
