/// An element-wise activation that runs a test's code inside a pass, once: what a user's activation may do (run a
/// network of its own, say) while the library's pass that called it is half done.
module Nn.Tests.Kernels.NestingActivation

open System.Numerics
open System.Threading
open Nn

/// What the activation runs at its next call on this thread, once. Per thread, since test classes run at once and
/// each runs its passes on its own thread (or on teams that run their parts on the calling thread).
let private nested = new ThreadLocal<(unit -> unit) option>(fun () -> None)

/// Makes the activation run `inner` at its next call on this thread.
let runNext (inner: unit -> unit) = nested.Value <- Some inner

/// Whether the activation has run what `runNext` gave it (or was given nothing).
let ran () = nested.Value.IsNone

/// tanh, which at its first call after `runNext` on its thread runs what it was given first.
type Nesting =
    interface IElementwiseActivation with
        static member Name = "nesting-tanh"
        static member Value<'T when 'T :> IFloatingPointIeee754<'T>>(z: 'T) =
            match nested.Value with
            | Some run ->
                nested.Value <- None
                run ()
            | None -> ()
            'T.Tanh z
        static member Derivative<'T when 'T :> IFloatingPointIeee754<'T>>(_z: 'T, a: 'T) = 'T.One - a * a
