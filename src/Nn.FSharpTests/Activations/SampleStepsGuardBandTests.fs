/// Guard bands (Kernels/GuardedBuffers) around what the activations' sample steps write: the σ and σ' that the
/// convolution kernels call through function pointers on one sample's values, the backward step in place in the
/// gradient as those kernels call it, for every built-in activation and a user's element-wise one, on every kernel path
/// this CPU runs, in float and double.
module Nn.Tests.Activations.SampleStepsGuardBandTests

open System
open System.Numerics
open System.Reflection
open System.Reflection.Emit
open Nn
open Nn.Kernels
open Nn.Tests.Kernels.GuardedBuffers
open Nn.Tests.Kernels.KernelPathData
open Xunit

/// A user's element-wise activation: z above zero, half of it below.
type private HalfLeaky =
    interface IElementwiseActivation with
        static member Name = "half-leaky"
        static member Value<'T when 'T :> IFloatingPointIeee754<'T>>(z: 'T) = if 'T.Sign z > 0 then z else z / 'T.CreateChecked 2
        static member Derivative<'T when 'T :> IFloatingPointIeee754<'T>>(z: 'T, _a: 'T) = if 'T.Sign z > 0 then 'T.One else 'T.CreateChecked 0.5

/// σ over one sample through the step's pointer: the pointer, z and a.
type private ForwardCall<'T> = delegate of nativeint * ReadOnlySpan<'T> * Span<'T> -> unit

/// σ' in place through the step's pointer: the pointer, z, a and the gradient.
type private BackwardCall<'T> = delegate of nativeint * ReadOnlySpan<'T> * ReadOnlySpan<'T> * Span<'T> -> unit

/// A delegate that calls the managed function pointer it is handed first with the arguments that follow: F# has no
/// syntax for calling a function pointer, and the steps are only reachable as one.
let private caller<'Call when 'Call :> Delegate> (spans: string list) (element: Type) =
    let parameters = spans |> List.map (fun name -> (nonNull (typeof<obj>.Assembly.GetType(name, true))).MakeGenericType(element)) |> Array.ofList
    let none = nonNull (typeof<obj>.Assembly.GetType("System.Void", true))
    let call = DynamicMethod("CallSampleStep", none, Array.append [| typeof<nativeint> |] parameters, typeof<HalfLeaky>.Module)
    let il = call.GetILGenerator()
    for i in 1 .. parameters.Length do
        il.Emit(OpCodes.Ldarg, int16 i)
    il.Emit(OpCodes.Ldarg_0)
    il.EmitCalli(OpCodes.Calli, CallingConventions.Standard, none, parameters, null)
    il.Emit(OpCodes.Ret)
    call.CreateDelegate(typeof<'Call>) :?> 'Call

/// The function pointer held in a SampleActivation's field, which reflection gives as an address.
let private pointer (steps: SampleActivation<'T>) (field: string) =
    (nonNull (typeof<SampleActivation<'T>>.GetField field)).GetValue(box steps) :?> nativeint

/// Each activation with σ(z) of one sample and the gradient σ' makes of g in place, given z and a, in double.
let private activations: (Activation * (float[] -> float[]) * (float[] -> float[] -> float[] -> float[])) list =
    let elementwise f = Array.map f
    [ Activation.Identity, elementwise id, (fun _ _ g -> g)
      Activation.Relu, elementwise (max 0.0), (fun z _ g -> Array.map2 (fun z g -> if z > 0.0 then g else 0.0) z g)
      Activation.Sigmoid, elementwise sigmoid, (fun _ a g -> Array.map2 (fun a g -> g * a * (1.0 - a)) a g)
      Activation.Tanh, elementwise tanh, (fun _ a g -> Array.map2 (fun a g -> g * (1.0 - a * a)) a g)
      Activation.Softmax,
      (fun z -> let e = z |> Array.map (fun v -> exp (v - Array.max z)) in let sum = Array.sum e in e |> Array.map (fun v -> v / sum)),
      (fun _ a g -> let projection = Array.fold2 (fun s a g -> s + a * g) 0.0 a g in Array.map2 (fun a g -> a * (g - projection)) a g)
      Activation.Elementwise<HalfLeaky>(),
      elementwise (fun z -> if z > 0.0 then z else z / 2.0),
      (fun z _ g -> Array.map2 (fun z g -> if z > 0.0 then g else g * 0.5) z g) ]

let private sampleSteps<'T when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'T: (new: unit -> 'T) and 'T: struct and 'T :> ValueType> path =
    let forward = caller<ForwardCall<'T>> [ "System.ReadOnlySpan`1"; "System.Span`1" ] typeof<'T>
    let backward = caller<BackwardCall<'T>> [ "System.ReadOnlySpan`1"; "System.ReadOnlySpan`1"; "System.Span`1" ] typeof<'T>
    let rounding = tolerance<'T> 1e-6 1e-14
    for activation, value, derivative in activations do
        let steps = activation.SampleSteps<'T>()
        // A sample has at least one value (TensorPrimitives refuses an empty sigmoid, and a softmax's maximum).
        for length in lengths |> List.filter (fun length -> length > 0) do
            let where = $"{activation.Name}'s sample step on {path} in {typeName<'T>}, {length} values"
            let z, a = guarded<'T> "z" (uniform 1 length), guarded<'T> "a" (uniform 2 length)
            let zs = toFloats z.Values
            runGuarded ("σ of " + where) [ a ] [ z ] (fun () -> forward.Invoke(pointer steps "Forward", z.Input, a.Span))
            assertValues ("σ of " + where) rounding (value zs) a
            let gradient = guarded<'T> "the gradient" (uniform 3 length)
            let expected = derivative zs (toFloats a.Values) (toFloats gradient.Values)
            runGuarded ("σ' of " + where) [ gradient ] [ z; a ] (fun () -> backward.Invoke(pointer steps "Backward", z.Input, a.Input, gradient.Span))
            assertValues ("σ' of " + where) rounding expected gradient

[<Theory>]
[<OnPath(KernelPath.Auto)>]
[<OnPath(KernelPath.Portable)>]
[<OnPath(KernelPath.Vector128)>]
[<OnPath(KernelPath.Vector256)>]
[<OnPath(KernelPath.Vector512)>]
let ``an activation's sample steps write exactly the sample's values and nothing around them`` (path: KernelPath) =
    use _ = KernelScope.Enter path
    sampleSteps<float32> path
    sampleSteps<float> path
