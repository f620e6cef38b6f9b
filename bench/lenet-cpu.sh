#!/bin/sh
# LeNet-5 training steps on one thread by thread CPU time, this tree against BASE (a git revision, default origin/main),
# alternating PAIRS times with ROUNDS rounds each (docs/benchmarks.md, LeNet-5). BASE gets this tree's LeNetStepCpu.cs and
# Timing.cs and a line in its Program.cs naming the mode, so any base that has LeNetBenchmarks works.
# Usage (from the repository root): bench/lenet-cpu.sh [BASE] [PAIRS] [ROUNDS]
set -eu
base=${1:-origin/main}
pairs=${2:-3}
rounds=${3:-9}
root=$(pwd)
work=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git worktree add --detach "$work/base" "$base" >/dev/null
cp bench/Nn.Benchmarks/LeNetStepCpu.cs bench/Nn.Benchmarks/Timing.cs "$work/base/bench/Nn.Benchmarks/"
if ! grep -q '"lenet-cpu"' "$work/base/bench/Nn.Benchmarks/Program.cs"; then
  sed -i '0,/^if (args is \["lenet-profile"/s//if (args is ["lenet-cpu", ..])\n{\n    LeNetStepCpu.Run(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture));\n    return;\n}\n\nif (args is ["lenet-profile"/' "$work/base/bench/Nn.Benchmarks/Program.cs"
fi
dotnet build -c Release bench/Nn.Benchmarks >/dev/null
dotnet build -c Release "$work/base/bench/Nn.Benchmarks" >/dev/null
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs; $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "base: $(git rev-parse --short "$base"); this tree: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' + uncommitted changes')"
i=1
while [ "$i" -le "$pairs" ]; do
  printf 'before: '; dotnet run -c Release --no-build --project "$work/base/bench/Nn.Benchmarks" -- lenet-cpu "$rounds"
  printf 'after:  '; dotnet run -c Release --no-build --project bench/Nn.Benchmarks -- lenet-cpu "$rounds"
  i=$((i + 1))
done
