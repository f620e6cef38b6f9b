/// Memory the process has not touched yet, for the tests that count a thread's page faults.
module Nn.Distributed.Tests.FreshMemory

open System.Runtime.InteropServices

/// Writes a byte to each of `pages` pages of 4 KB just allocated, so that each page not yet backed faults in on this thread.
let touchFreshPages (pages: int) =
    let memory = Marshal.AllocHGlobal(pages * 4096)
    try
        for page in 0 .. pages - 1 do
            Marshal.WriteByte(memory, page * 4096, 1uy)
    finally
        Marshal.FreeHGlobal memory
