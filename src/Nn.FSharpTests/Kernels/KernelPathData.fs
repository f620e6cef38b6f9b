/// Theory data for tests that run on one kernel path each: a path this CPU cannot run becomes a skipped test case
/// that says why, never a passed one.
module Nn.Tests.Kernels.KernelPathData

open System
open Nn.Kernels
open Xunit.Sdk

/// One theory case on <c>path</c>, skipped (with the reason) where the CPU cannot run it.
[<AttributeUsage(AttributeTargets.Method, AllowMultiple = true)>]
type OnPathAttribute(path: KernelPath) as this =
    inherit DataAttribute()

    do
        if not (KernelSelection.IsSupported path) then
            this.Skip <- sprintf "this CPU cannot run the %A kernel path (it runs %s)" path (String.Join(", ", KernelSelection.Supported()))

    override _.GetData(_) = Seq.singleton [| box path |]
