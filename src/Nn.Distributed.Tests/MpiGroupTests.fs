module Nn.Distributed.Tests.MpiGroupTests

open System
open Nn.Distributed.Tests.Mpi
open Xunit

[<Fact>]
let ``two ranks get the exact sums and the same bits of every sum`` () =
    use dir = new TempDirectory()
    match ranks 2 "sums" dir.Path with
    | [ first; second ] ->
        Assert.Equal<string list>(first, second)
        Assert.Equal("size 2", first[0])
        // Rank r contributes r + 1 + i: 1 + 2 + 2i.
        Assert.Equal("3 5 7 9 11", first[1])
        // i·2⁻³⁰ twice plus 0 + 1, exact in double.
        Assert.Equal(sprintf "double0 1 double999 %s" ((1.0 + 2.0 * 999.0 * Math.Pow(2.0, -30.0)).ToString("R", Globalization.CultureInfo.InvariantCulture)), first[4])
    | other -> failwithf "expected two ranks, got %A" other

[<Fact>]
let ``three ranks, not a power of two, also agree bit for bit`` () =
    use dir = new TempDirectory()
    let results = ranks 3 "sums" dir.Path
    Assert.All(results, fun r -> Assert.Equal<string list>(results[0], r))
    Assert.Equal("6 9 12 15 18", results[0][1])

[<Fact>]
let ``each rank's block of a sum, gathered, is the whole sum, and gathering keeps every bit of each block`` () =
    for n in [ 2; 3 ] do
        use dir = new TempDirectory()
        let results = ranks n "sums" dir.Path
        Assert.All(results, fun r -> Assert.Equal<string list>(results[0], r))
        Assert.Contains("summed blocks true", results[0])
        Assert.Contains("weighted blocks true", results[0])
        Assert.Contains("gathered bits true", results[0])

[<Fact>]
let ``MPI's collectives, the path across machines, give the same sums and blocks as the shared memory of one machine`` () =
    for n in [ 2; 3 ] do
        use shared = new TempDirectory()
        use apart = new TempDirectory()
        let viaMemory = ranks n "sums" shared.Path
        let viaCollectives = ranksWith collectives n "sums" apart.Path
        Assert.All(viaCollectives, fun r -> Assert.Equal<string list>(viaCollectives[0], r))
        // The integer and double sums are exact, so the paths agree to the bit whatever order they add in; so do
        // two ranks' float sums (a + b = b + a). Three ranks' floats may be added in another order, so differ by rounding.
        let comparable (lines: string list) = if n = 2 then lines else lines |> List.filter (fun l -> not (l.StartsWith "floats"))
        Assert.Equal<string list>(comparable viaMemory[0], comparable viaCollectives[0])
        Assert.Contains("gathered bits true", viaCollectives[0])
        Assert.Contains("weighted blocks true", viaCollectives[0])

[<Fact>]
let ``with NN_MPI_BARRIER=sleep a rank that waits long for another in a shared-memory sum sleeps instead of spinning, and the sums are exact`` () =
    for n in [ 2; 3 ] do
        use dir = new TempDirectory()
        let results = ranksWith [ "NN_MPI_BARRIER", "sleep" ] n "late-rank" dir.Path
        let total = n * (n + 1) / 2
        Assert.All(results, fun r -> Assert.Equal(sprintf "sum %d" total, r[2]))
        for r in results |> List.filter (fun r -> r[0] = "late false") do
            // Five waits of about 300 ms each: spinning would spend them on the CPU, sleeping spends a few spins' worth.
            let parts = r[1].Split ' '
            let wall, onCpu = Double.Parse(parts[1], Globalization.CultureInfo.InvariantCulture), Double.Parse(parts[4], Globalization.CultureInfo.InvariantCulture)
            Assert.True(wall > 1.0, sprintf "%d ranks: %s" n r[1])
            Assert.True(onCpu < wall / 4.0, sprintf "%d ranks: %s" n r[1])

[<Fact>]
let ``ranks sharing a machine count each other, and each rank's team takes only its share of the processors`` () =
    // Two ranks asking for 4 threads each on a machine of P processors: each may start min(4, P / 2) - 1 workers, so the
    // job never runs more threads than processors (none at all where a rank's share is one processor).
    for n in [ 2; 3 ] do
        use dir = new TempDirectory()
        let results = ranks n "team-share" dir.Path
        for lines in results do
            Assert.Equal(sprintf "ranks here %d" n, lines[0])
            let processors = int (lines[1].Split(' ')[1])
            Assert.Equal(sprintf "workers %d" (Nn.Kernels.WorkerPool.WorkersFor(4, max 1 (processors / n))), lines[2])
