/// The repository's F# projects are compiled without explicit tail calls (Directory.Build.props). On .NET 10.0.12 a
/// tail call made through the runtime's helpers can hand its callee stale spans when a collection moves their arrays
/// during the call site's first use, and a test computing a loss in tail position read a cost of 1 or 2.5 instead of
/// 2.125 in 4 of 12 runs of this suite (docs/fsharp.md). This holds that the setting reaches the compiled tests.
module Nn.Tests.Package.TailCallTests

open System
open System.Reflection
open System.Reflection.Emit
open Xunit

/// Every IL opcode by its encoding: one byte, or 0xFE and a second byte.
let private opcodes =
    typeof<OpCodes>.GetFields(BindingFlags.Public ||| BindingFlags.Static)
    |> Array.map (fun field -> field.GetValue null :?> OpCode)
    |> Array.map (fun code -> int (uint16 code.Value), code)
    |> dict

/// The bytes of an opcode's operand (a switch's table aside, which `operandEnd` measures).
let private operandSize (code: OpCode) =
    match code.OperandType with
    | OperandType.InlineNone -> 0
    | OperandType.ShortInlineBrTarget
    | OperandType.ShortInlineI
    | OperandType.ShortInlineVar -> 1
    | OperandType.InlineVar -> 2
    | OperandType.InlineI8
    | OperandType.InlineR -> 8
    | _ -> 4

/// The opcodes of a method body in order, decoded one instruction at a time so that operand bytes are never read as
/// opcodes.
let private instructions (il: byte[]) =
    let rec decode at found =
        if at >= il.Length then
            List.rev found
        else
            let value, width = if il[at] = 0xFEuy then 0xFE00 ||| int il[at + 1], 2 else int il[at], 1
            let code = opcodes[value]
            let next =
                if code = OpCodes.Switch then
                    let targets = BitConverter.ToInt32(il, at + width)
                    at + width + 4 + 4 * targets
                else
                    at + width + operandSize code
            decode next (code :: found)
    decode 0 []

let private tailCallers (assembly: Assembly) =
    [ for t in assembly.GetTypes() do
          for m in t.GetMethods(BindingFlags.Public ||| BindingFlags.NonPublic ||| BindingFlags.Static ||| BindingFlags.Instance ||| BindingFlags.DeclaredOnly) do
              match m.GetMethodBody() with
              | null -> ()
              | body ->
                  match body.GetILAsByteArray() with
                  | null -> ()
                  | il when instructions il |> List.contains OpCodes.Tailcall -> yield $"{t.FullName}.{m.Name}"
                  | _ -> () ]

/// A call in tail position of a function that takes spans, as the loss test had one: compiled with tail calls, F# marks it `tail.`.
let private spanCost (z: float[]) (y: float[]) =
    let a = Array.copy z
    Nn.Loss.Quadratic.SumOfCosts(ReadOnlySpan z, ReadOnlySpan a, ReadOnlySpan y, z.Length, Nn.Activation.Identity)

[<Fact>]
let ``the tests are compiled without explicit tail calls, not even where a function ends by passing spans`` () =
    Assert.Equal(0.0, spanCost [| 1.0 |] [| 1.0 |])
    Assert.Empty(tailCallers (Assembly.GetExecutingAssembly()))

[<Fact>]
let ``the decoder finds the tail prefix where a compiler emits one`` () =
    // FSharp.Core is compiled with tail calls: its combinators end in them.
    Assert.NotEmpty(tailCallers typeof<list<int>>.Assembly)
