/// Every vector path this CPU runs against Portable: the element-wise kernels bit for bit, the sums (matrix products,
/// dot products, transcendental functions) within stated rounding, whole training runs of a few steps within a
/// stated tolerance, and on every path the same bits for any thread count. A path the CPU cannot run is a skipped case.
module Nn.Tests.Kernels.KernelPathTests

open System
open System.Numerics
open System.Runtime.Intrinsics
open Nn
open Nn.Kernels
open Nn.Tests.Kernels.KernelPathData
open Xunit

let private values (seed: int) n =
    let random = Random seed
    Array.init n (fun _ -> random.NextDouble() * 4.0 - 2.0)

/// Lengths around every vector width and its multiples, and a long one.
let private lengths = [ 0; 1; 3; 4; 7; 8; 15; 16; 17; 31; 33; 64; 1000 ]

/// Runs f on the path for the kernels that read the thread's path.
let private on (path: KernelPath) (f: unit -> 'R) =
    use _ = KernelScope.Enter path
    f ()

/// |a − b| ≤ bound for every pair.
let private assertAbsolute (bound: float) (expected: float[]) (actual: float[]) (label: string) =
    Assert.Equal(expected.Length, actual.Length)
    for i in 0 .. expected.Length - 1 do
        if not (abs (actual[i] - expected[i]) <= bound) then
            failwithf "%s: element %d is %.17g on the vector path, %.17g on Portable (bound %.3g)" label i actual[i] expected[i] bound

/// |a − b| ≤ tolerance · (|b| + scale) for every pair.
let private assertWithin (tolerance: float) (scale: float) (expected: float[]) (actual: float[]) (label: string) =
    Assert.Equal(expected.Length, actual.Length)
    for i in 0 .. expected.Length - 1 do
        if not (abs (actual[i] - expected[i]) <= tolerance * (abs expected[i] + scale)) then
            failwithf "%s: element %d is %.17g on the vector path, %.17g on Portable" label i actual[i] expected[i]

/// The layout GeneratedChecks names a bad parameter by; the updates below stay finite, so any will do.
let private anyArchitecture = Architecture.Input(4).Dense(2, Activation.Sigmoid)

[<Theory>]
[<OnPath(KernelPath.Vector128)>]
[<OnPath(KernelPath.Vector256)>]
[<OnPath(KernelPath.Vector512)>]
let ``the element-wise kernels give Portable's bits on every vector path`` (path: KernelPath) =
    for n in lengths do
        let x, y, z = values n n, values (n + 1) n, values (n + 2) n
        let a = 0.37
        let both (kernel: KernelPath -> float[]) = kernel KernelPath.Portable, kernel path
        let equal label (portable: float[], vector: float[]) = Assert.True((portable = vector), sprintf "%s, length %d" label n)
        both (fun p -> let r = Array.zeroCreate n in VectorKernels.MultiplyAdd(a, ReadOnlySpan x, ReadOnlySpan y, Span r, p); r) |> equal "axpy"
        both (fun p -> let r = Array.zeroCreate n in VectorKernels.Multiply(a, ReadOnlySpan x, Span r, p); r) |> equal "scale"
        both (fun p -> on p (fun () -> let r = Array.zeroCreate n in VectorKernels.ReluBackward(ReadOnlySpan x, ReadOnlySpan y, Span r); r)) |> equal "ReLU backward"
        both (fun p -> on p (fun () -> let r = Array.zeroCreate n in VectorKernels.SigmoidBackward(ReadOnlySpan x, ReadOnlySpan y, Span r); r)) |> equal "sigmoid backward"
        both (fun p ->
            on p (fun () ->
                let theta, m, v = Array.copy x, Array.copy y, Array.map abs z
                VectorKernels.AdamUpdate(Span theta, ReadOnlySpan z, Span m, Span v, 0.9, 0.999, 0.01, 1e-8)
                Array.concat [ theta; m; v ]))
        |> equal "Adam"
        both (fun p -> on p (fun () -> let theta = Array.copy x in GeneratedChecks.UpdateChecked(Span theta, ReadOnlySpan y, 0.1, anyArchitecture); theta))
        |> equal "generated θ − η g"
        for bad in [ nan; infinity; -infinity ] do
            for at in [ 0; n / 2; n - 1 ] |> List.filter (fun i -> i >= 0 && i < n) |> List.distinct do
                let spoiled = Array.copy x
                spoiled[at] <- bad
                Assert.False(VectorKernels.AllFinite(ReadOnlySpan spoiled, path))
        Assert.True(VectorKernels.AllFinite(ReadOnlySpan x, path))

/// Adam's kernel flushes m, v and θ' to a zero of their sign when subnormal, in every lane alike.
/// Elements 0, 10, 20, … start with a subnormal m and a zero gradient (element 10's m negative), so β₁m is subnormal.
let private adamNearTheSubnormalRange (path: KernelPath) (tiny: 'T) (negativeTiny: 'T) (scale: float -> 'T) =
    let n = 67
    let theta = Array.init n (fun i -> if i % 3 = 0 then tiny else scale (float (i - 30) * 1e-3))
    let gradient = Array.init n (fun i -> if i % 2 = 0 then scale 0.0 else scale (float (i - 33) * 1e-20))
    let m = Array.init n (fun i -> if i = 10 then negativeTiny elif i % 5 = 0 then tiny else scale (float (i - 20) * 1e-37))
    let v = Array.init n (fun i -> if i % 4 = 0 then tiny else scale (float i * 1e-36))
    on path (fun () ->
        let theta', m', v' = Array.copy theta, Array.copy m, Array.copy v
        VectorKernels.AdamUpdate(Span theta', ReadOnlySpan gradient, Span m', Span v', scale 0.9, scale 0.999, scale 1e-3, scale 1e-8)
        Array.concat [ theta'; m'; v' ])

[<Theory>]
[<OnPath(KernelPath.Portable)>]
[<OnPath(KernelPath.Vector128)>]
[<OnPath(KernelPath.Vector256)>]
[<OnPath(KernelPath.Vector512)>]
let ``Adam's update leaves no subnormal in θ or the moments, with Portable's bits on every path`` (path: KernelPath) =
    let floats = adamNearTheSubnormalRange path 1e-40f -1e-40f float32
    let doubles = adamNearTheSubnormalRange path 1e-310 -1e-310 id
    Assert.DoesNotContain(floats, fun x -> Single.IsSubnormal x)
    Assert.DoesNotContain(doubles, fun x -> Double.IsSubnormal x)
    // m' of elements 0 and 10 (after the 67 entries of θ') is β₁m, subnormal, flushed to a zero of m's sign.
    Assert.True(floats[67] = 0.0f && not (Single.IsNegative floats[67]), sprintf "m'[0] = %g" floats[67])
    Assert.True(floats[77] = 0.0f && Single.IsNegative floats[77], sprintf "m'[10] = %g" floats[77])
    Assert.True(doubles[77] = 0.0 && Double.IsNegative doubles[77], sprintf "m'[10] = %g" doubles[77])
    Assert.Equal<float32[]>(adamNearTheSubnormalRange KernelPath.Portable 1e-40f -1e-40f float32, floats)
    Assert.Equal<float[]>(adamNearTheSubnormalRange KernelPath.Portable 1e-310 -1e-310 id, doubles)

[<Theory>]
[<OnPath(KernelPath.Vector128)>]
[<OnPath(KernelPath.Vector256)>]
[<OnPath(KernelPath.Vector512)>]
let ``the span operations of layers, losses and rules agree with Portable on every vector path`` (path: KernelPath) =
    for n in lengths |> List.filter (fun n -> n > 0) do
        let x, y = values (3 * n) n, values (3 * n + 1) n
        let run (f: unit -> float[]) = on KernelPath.Portable f, on path f
        let map (op: float[] -> float[] -> unit) () = let r = Array.zeroCreate n in op x r; r
        let exact label (portable: float[], vector: float[]) = Assert.True((portable = vector), sprintf "%s, length %d" label n)
        run (map (fun x r -> TensorKernels.Add(ReadOnlySpan x, ReadOnlySpan y, Span r))) |> exact "add"
        run (map (fun x r -> TensorKernels.Subtract(ReadOnlySpan x, 0.25, Span r))) |> exact "subtract"
        run (map (fun x r -> TensorKernels.Multiply(ReadOnlySpan x, ReadOnlySpan y, Span r))) |> exact "multiply"
        run (map (fun x r -> TensorKernels.Divide(ReadOnlySpan x, 3.0, Span r))) |> exact "divide"
        run (map (fun x r -> TensorKernels.MultiplyAdd(ReadOnlySpan x, 0.5, ReadOnlySpan y, Span r))) |> exact "multiply-add"
        run (map (fun x r -> TensorKernels.Max(ReadOnlySpan x, 0.0, Span r))) |> exact "ReLU"
        // The vector exp, tanh and sigmoid approximate to within a few units in the last place of double.
        let close label (portable: float[], vector: float[]) = assertWithin 1e-14 0.0 portable vector (sprintf "%s, length %d" label n)
        run (map (fun x r -> TensorKernels.Exp(ReadOnlySpan x, Span r))) |> close "exp"
        run (map (fun x r -> TensorKernels.Tanh(ReadOnlySpan x, Span r))) |> close "tanh"
        run (map (fun x r -> TensorKernels.Sigmoid(ReadOnlySpan x, Span r))) |> close "sigmoid"
        // Sums run in another order: each is within n·1.1e-16·Σ|terms| of the exact sum, and a term is at most |2|·|2|.
        let sums () = [| TensorKernels.Sum(ReadOnlySpan x); TensorKernels.Dot(ReadOnlySpan x, ReadOnlySpan y); TensorKernels.SumOfSquares(ReadOnlySpan x); TensorKernels.Max(ReadOnlySpan x) |]
        let portable, vector = run sums
        assertAbsolute (4.0 * float (n * n + 1) * 2.3e-16) portable vector (sprintf "sums, length %d" n)
        Assert.Equal(on KernelPath.Portable (fun () -> TensorKernels.IndexOfMax(ReadOnlySpan x)), on path (fun () -> TensorKernels.IndexOfMax(ReadOnlySpan x)))

[<Fact>]
let ``IndexOfMax gives the index TensorPrimitives gives on every path and length, with ties, signed zeros, infinities and NaN`` () =
    // Values from a small set, so that short spans often hold ties, both zeros, infinities or a NaN.
    let special = [| Double.NegativeInfinity; -1.0; -0.0; 0.0; 1.0; 2.0; Double.PositiveInfinity; Double.NaN |]
    let random = Random 17
    for n in [ 1 .. 40 ] @ [ 64; 100 ] do
        for _ in 1 .. 60 do
            let x = Array.init n (fun _ -> special[random.Next(if random.Next 4 = 0 then special.Length else special.Length - 1)])
            let expected = Numerics.Tensors.TensorPrimitives.IndexOfMax(ReadOnlySpan x)
            let single = Array.map float32 x
            let expectedSingle = Numerics.Tensors.TensorPrimitives.IndexOfMax(ReadOnlySpan single)
            for path in KernelSelection.Supported() do
                Assert.True((expected = on path (fun () -> TensorKernels.IndexOfMax(ReadOnlySpan x))), sprintf "%A on %A" x path)
                Assert.True((expectedSingle = on path (fun () -> TensorKernels.IndexOfMax(ReadOnlySpan single))), sprintf "%A (float) on %A" x path)

[<Theory>]
[<OnPath(KernelPath.Vector128)>]
[<OnPath(KernelPath.Vector256)>]
[<OnPath(KernelPath.Vector512)>]
let ``the single-sample product and the generated code's helpers agree with Portable within rounding on every vector path`` (path: KernelPath) =
    for n in lengths do
        for rows in [ 1; 4; 9 ] do
            let w, x = values (n + rows) (rows * n), values (n - rows) n
            let run (f: unit -> float[]) = on KernelPath.Portable f, on path f
            // Each sum is within n·1.1e-16·Σ|terms| of the exact one, and a term is at most |2|·|2|.
            let close label (portable: float[], vector: float[]) =
                assertAbsolute (4.0 * float (n * n + 1) * 2.3e-16) portable vector (sprintf "%s, %d × %d" label rows n)
            run (fun () -> let z = Array.zeroCreate rows in VectorKernels.MultiplyRows(ReadOnlySpan w, rows, n, ReadOnlySpan x, Span z); z) |> close "W x"
            run (fun () -> let z = Array.zeroCreate rows in GeneratedKernels.MultiplyRows(ReadOnlySpan w, ReadOnlySpan x, Span z, rows, n); z) |> close "generated W x"
            run (fun () -> [| GeneratedKernels.Dot(ReadOnlySpan x, ReadOnlySpan x) |]) |> close "generated dot"
            if rows >= 4 then
                run (fun () ->
                    let mutable s0, s1, s2, s3 = 0.0, 0.0, 0.0, 0.0
                    GeneratedKernels.Dot4(ReadOnlySpan(x), ReadOnlySpan(w, 0, 4 * n), &s0, &s1, &s2, &s3)
                    [| s0; s1; s2; s3 |])
                |> close "generated dot ×4"
                run (fun () -> let y = Array.copy x in GeneratedKernels.AddScaled4(ReadOnlySpan(w, 0, 4 * n), 0.1, 0.2, 0.3, 0.4, Span y); y) |> close "generated axpy ×4"
            run (fun () -> let y = Array.copy x in GeneratedKernels.AddScaled(ReadOnlySpan(w, 0, n), 0.3, Span y); y) |> close "generated axpy"
            run (fun () -> let y = Array.zeroCreate n in GeneratedKernels.Scale(ReadOnlySpan(w, 0, n), 0.3, Span y); y) |> close "generated scale"

/// Reference C = A·B from the packed layouts the micro-kernels read, in double.
let private packedProduct (a: float[]) (b: float[]) mr nr kc =
    Array.init (mr * nr) (fun t -> let i, j = t / nr, t % nr in Seq.sum (seq { for p in 0 .. kc - 1 -> a[p * mr + i] * b[p * nr + j] }))

/// Checks a tile of mr rows and nr columns (its vectors times their lanes) against the packed product.
let private checkTile (kernel: string) (mr: int) (nr: int) (run: 'T[] -> 'T[] -> int -> 'T[] -> int -> bool -> unit) (toT: float -> 'T) (ofT: 'T -> float) (tolerance: float) =
    for kc in [ 1; 2; 7; 64; 256 ] do
        let a, b = values kc (mr * kc) |> Array.map toT, values (kc + 1) (kc * nr) |> Array.map toT
        let expected = packedProduct (Array.map ofT a) (Array.map ofT b) mr nr kc
        let ldc = nr + 3
        let start = values (kc + 2) (mr * ldc) |> Array.map toT
        let c = Array.copy start
        run a b kc c ldc false
        let added = Array.copy start
        run a b kc added ldc true
        for i in 0 .. mr - 1 do
            for j in 0 .. nr - 1 do
                let bound = tolerance * (4.0 * float kc + 1.0)
                Assert.True(abs (ofT c[i * ldc + j] - expected[i * nr + j]) <= bound, sprintf "%s %s: C[%d, %d] at depth %d" kernel typeof<'T>.Name i j kc)
                Assert.True(abs (ofT added[i * ldc + j] - (expected[i * nr + j] + ofT start[i * ldc + j])) <= bound, sprintf "%s %s: C[%d, %d] += at depth %d" kernel typeof<'T>.Name i j kc)
            // Only the tile is written: the padding of each row of C keeps its values.
            Assert.Equal<'T seq>(start[i * ldc + nr .. i * ldc + ldc - 1], c[i * ldc + nr .. i * ldc + ldc - 1])

[<Fact>]
let ``both Vector128 tiles, ARM64's 8 × 3 vectors and x86's 6 × 2, compute the packed product in float and double`` () =
    checkTile "8 × 3" MicroKernels128.RowsWide (MicroKernels128.VectorsWide * Vector128<float32>.Count) (fun a b kc c ldc add -> MicroKernels128.KernelWide<float32>(&a[0], &b[0], kc, &c[0], ldc, add)) float32 float 1.2e-7
    checkTile "8 × 3" MicroKernels128.RowsWide (MicroKernels128.VectorsWide * Vector128<float>.Count) (fun a b kc c ldc add -> MicroKernels128.KernelWide<float>(&a[0], &b[0], kc, &c[0], ldc, add)) id id 2.3e-16
    checkTile "6 × 2" MicroKernels128.RowsNarrow (MicroKernels128.VectorsNarrow * Vector128<float32>.Count) (fun a b kc c ldc add -> MicroKernelTiles.Tile6x2<Lanes128<float32>, Vector128<float32>, float32>(&a[0], &b[0], kc, &c[0], ldc, add)) float32 float 1.2e-7
    checkTile "6 × 2" MicroKernels128.RowsNarrow (MicroKernels128.VectorsNarrow * Vector128<float>.Count) (fun a b kc c ldc add -> MicroKernelTiles.Tile6x2<Lanes128<float>, Vector128<float>, float>(&a[0], &b[0], kc, &c[0], ldc, add)) id id 2.3e-16

[<Fact>]
let ``the wider tiles, Vector256's 6 × 2 and Vector512's 8 × 2 vectors, compute the packed product in float and double where the CPU has them`` () =
    if Vector256.IsHardwareAccelerated then
        checkTile "6 × 2 (256)" MicroKernels.Rows256 (2 * Vector256<float32>.Count) (fun a b kc c ldc add -> MicroKernelTiles.Tile6x2<Lanes256<float32>, Vector256<float32>, float32>(&a[0], &b[0], kc, &c[0], ldc, add)) float32 float 1.2e-7
        checkTile "6 × 2 (256)" MicroKernels.Rows256 (2 * Vector256<float>.Count) (fun a b kc c ldc add -> MicroKernelTiles.Tile6x2<Lanes256<float>, Vector256<float>, float>(&a[0], &b[0], kc, &c[0], ldc, add)) id id 2.3e-16
    if Vector512.IsHardwareAccelerated then
        checkTile "8 × 2 (512)" MicroKernels.Rows512 (2 * Vector512<float32>.Count) (fun a b kc c ldc add -> MicroKernelTiles.Tile8x2<Lanes512<float32>, Vector512<float32>, float32>(&a[0], &b[0], kc, &c[0], ldc, add)) float32 float 1.2e-7
        checkTile "8 × 2 (512)" MicroKernels.Rows512 (2 * Vector512<float>.Count) (fun a b kc c ldc add -> MicroKernelTiles.Tile8x2<Lanes512<float>, Vector512<float>, float>(&a[0], &b[0], kc, &c[0], ldc, add)) id id 2.3e-16

let private digits = lazy (Digits.Load<float>().Train.Select(ReadOnlySpan [| 0..255 |]))

let private toFloat32 (data: Dataset<float>) = Dataset.FromTargets(data.Inputs.Convert<float32>(), data.Targets.Convert<float32>())

/// A few steps of a dense network (SGD, float), a convolutional one (momentum, float) and a dense one with batch
/// normalisation (Adam, double) on <c>path</c> over <c>threads</c> threads; the parameters of each, in double.
let private train (path: KernelPath) (threads: int) =
    let data = digits.Value
    let options = TrainingOptions(1, 32, 3UL, Threads = threads, Kernels = path)
    let dense = Network.Create<float32>(Architecture.Input(64).Dense(48, Activation.Relu).Dense(10, Activation.Softmax), Initializer.He, 1UL)
    let conv = Network.Create<float32>(Architecture.Input(1, 8, 8).Conv2D(6, 3, 3, Activation.Relu, padding = 1).MaxPool2D(2).Dense(10, Activation.Softmax), Initializer.He, 2UL)
    let normalised = Network.Create<float>(Architecture.Input(64).Dense(40, Activation.Tanh).BatchNorm().Dense(10, Activation.Softmax), Initializer.He, 3UL)
    let asDouble (network: Network<float32>) = network.Parameters.ToArray() |> Array.map float
    [ Trainer.Train(dense, Loss.SoftmaxCrossEntropy, Sgd(0.1), toFloat32 data, options).Network |> asDouble
      Trainer.Train(conv, Loss.SoftmaxCrossEntropy, Momentum(0.05), toFloat32 data, options).Network |> asDouble
      Trainer.Train(normalised, Loss.SoftmaxCrossEntropy, Adam(0.01), data, options).Network.Parameters.ToArray() ]

[<Theory>]
[<OnPath(KernelPath.Portable)>]
[<OnPath(KernelPath.Vector128)>]
[<OnPath(KernelPath.Vector256)>]
[<OnPath(KernelPath.Vector512)>]
let ``eight training steps on a path give its one-thread network bit for bit on two threads`` (path: KernelPath) =
    Assert.Equal<float[] list>(train path 1, train path 2)

[<Theory>]
[<OnPath(KernelPath.Vector128)>]
[<OnPath(KernelPath.Vector256)>]
[<OnPath(KernelPath.Vector512)>]
let ``eight training steps on a vector path give Portable's networks within rounding`` (path: KernelPath) =
    let portable = train KernelPath.Portable 1
    let vector = train path 1
    // Float products differ by a few units of 6e-8 per step between fused and plain multiply–adds; eight steps of
    // SGD or momentum keep that below 1e-4 of a unit-sized weight. Adam in double divides by √v, which can turn a
    // rounding difference of 1e-16 in a tiny gradient into 1e-9 of its step.
    assertWithin 1e-4 1.0 portable[0] vector[0] "dense, SGD, float"
    assertWithin 1e-4 1.0 portable[1] vector[1] "conv, momentum, float"
    assertWithin 1e-8 1.0 portable[2] vector[2] "batch-normalised, Adam, double"

[<Theory>]
[<OnPath(KernelPath.Portable)>]
[<OnPath(KernelPath.Vector128)>]
[<OnPath(KernelPath.Vector256)>]
[<OnPath(KernelPath.Vector512)>]
let ``max(z, 0), ReLU's forward pass, keeps a NaN as NaN and gives T.Max's bits elsewhere on every path, Portable included`` (path: KernelPath) =
    // 37 elements, so that NaN falls in the whole vectors and in the tail of every width.
    let z = Array.init 37 (fun i -> match i % 6 with | 0 -> nan | 1 -> -0.0 | 2 -> -infinity | 3 -> infinity | 4 -> -1.5 | _ -> float i)
    let a = on path (fun () -> let a = Array.zeroCreate z.Length in TensorKernels.Max(ReadOnlySpan z, 0.0, Span a); a)
    for i in 0 .. z.Length - 1 do
        let expected = Double.Max(z[i], 0.0)
        if Double.IsNaN expected then Assert.True(Double.IsNaN a[i], sprintf "max(NaN, 0) at %d on %A is %g" i path a[i])
        else Assert.Equal(BitConverter.DoubleToInt64Bits expected, BitConverter.DoubleToInt64Bits a[i])
    let single = on path (fun () -> let a = Array.zeroCreate 37 in TensorKernels.Max(ReadOnlySpan(Array.map float32 z), 0.0f, Span a); a)
    Assert.All(Seq.indexed single |> Seq.filter (fun (i, _) -> i % 6 = 0), fun (i, v) -> Assert.True(Single.IsNaN v, sprintf "float max(NaN, 0) at %d on %A" i path))
