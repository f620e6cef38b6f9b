#!/bin/sh
# The before/after thread-scaling table of issue 16 (docs/benchmarks.md, "Thread scaling"): builds this tree's
# benchmarks and those of BASE (a git revision, default origin/main) with this tree's ThreadScaling.cs
# copied in, then runs the two alternately, PAIRS times each, ROUNDS rounds per run.
# Usage (from the repository root): bench/thread-scaling.sh [BASE] [PAIRS] [ROUNDS]
set -eu
base=${1:-origin/main}
pairs=${2:-2}
rounds=${3:-5}
root=$(pwd)
work=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git worktree add --detach "$work/base" "$base" >/dev/null
# Only the benchmark itself is copied: this tree's Program.cs names modes (b-profile, lenet-profile) an older base
# lacks. A base before the 'scaling' mode existed needs its Program.cs given that branch by hand.
cp bench/Nn.Benchmarks/ThreadScaling.cs bench/Nn.Benchmarks/SynchronisationCost.cs bench/Nn.Benchmarks/CrossCoreProbe.cs "$work/base/bench/Nn.Benchmarks/"
dotnet build -c Release bench/Nn.Benchmarks >/dev/null
dotnet build -c Release "$work/base/bench/Nn.Benchmarks" >/dev/null
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs; $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "base: $(git rev-parse --short "$base"); this tree: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' + uncommitted changes')"
i=1
while [ "$i" -le "$pairs" ]; do
  echo; echo "## before ($base), run $i"
  dotnet run -c Release --no-build --project "$work/base/bench/Nn.Benchmarks" -- scaling "$rounds"
  echo; echo "## after (this tree), run $i"
  dotnet run -c Release --no-build --project bench/Nn.Benchmarks -- scaling "$rounds"
  i=$((i + 1))
done
