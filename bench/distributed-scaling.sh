#!/bin/sh
# The data-parallel speed figures of docs/distributed.md: Network B on Fashion-MNIST, batch 256, 1 thread per rank.
# PAIRS times, EPOCHS epochs each, in turn: one rank (Trainer.Train in one process); two ranks (mpiexec.mpich -n 2,
# sums through shared memory); two ranks with NN_MPI_SHARED_MEMORY=0 (sums through MPI's collectives); one and two
# ranks with the runtime's default tiered compilation; one and two ranks of the program compiled ahead of time
# (NativeAOT, when the build succeeds: it needs gcc or clang); two ranks bound to a core each. Every two-rank run measures the
# sum's latency and bandwidth and prints each rank's step phase by phase, waiting apart from moving; every run prints
# what each epoch cost each rank (processor time, the JIT's compiling, page faults). Then, to tell the processes'
# contention for the machine from the sums' cost: one rank of batch 128 alone, pinned to each CPU in turn, and two
# such one-rank jobs side by side. Every run that goes through DistributedTrainer also prints where each rank ran (its
# pass's processor time against its wall time, preemptions, page faults, CPUs). Needs MPICH, taskset (util-linux) and
# the Debian package dataset-fashion-mnist. Measure on a quiet machine (/proc/loadavg below about 1.5): a sum of
# 0.94 MB between two processes that must both be running is the first thing a busy machine slows down.
# Usage (from the repository root): bench/distributed-scaling.sh [PAIRS] [EPOCHS]
set -eu
pairs=${1:-2}
epochs=${2:-3}
data=/usr/share/datasets/fashion-mnist
dotnet build -c Release bench/Nn.Distributed.Benchmarks >/dev/null
program=bench/Nn.Distributed.Benchmarks/bin/Release/net10.0/Nn.Distributed.Benchmarks.dll
# The same program compiled ahead of time (NativeAOT; needs a C toolchain such as Debian's gcc): its first epoch has no
# compiling in it, which tells the compiler's share of a first epoch from the first touches of fresh memory.
native=$(mktemp -d)
if ! dotnet publish -c Release -r linux-x64 -p:NnAheadOfTime=true -o "$native" bench/Nn.Distributed.Benchmarks >"$native/publish.log" 2>&1; then
  echo "(the ahead-of-time build failed, so its runs are left out; see $native/publish.log)"
  native=
fi
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs; $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git rev-parse --short HEAD)"
i=1
while [ "$i" -le "$pairs" ]; do
  echo; echo "## one rank, run $i"
  mpiexec.mpich -n 1 dotnet "$program" "$data" "$epochs"
  echo; echo "## two ranks, run $i"
  mpiexec.mpich -n 2 dotnet "$program" "$data" "$epochs"
  echo; echo "## two ranks through MPI's collectives (the path across machines), run $i"
  NN_MPI_SHARED_MEMORY=0 mpiexec.mpich -n 2 dotnet "$program" "$data" "$epochs"
  # The runtime's default tiered compilation, which the nn program and this benchmark turn off (docs/distributed.md,
  # "The runtime's compiler"): its recompiling on background threads has no idle CPU when every CPU runs a rank.
  echo; echo "## one rank, the runtime's default tiered compilation (DOTNET_TieredCompilation=1), run $i"
  DOTNET_TieredCompilation=1 mpiexec.mpich -n 1 dotnet "$program" "$data" "$epochs"
  echo; echo "## two ranks, the runtime's default tiered compilation (DOTNET_TieredCompilation=1), run $i"
  DOTNET_TieredCompilation=1 mpiexec.mpich -n 2 dotnet "$program" "$data" "$epochs"
  if [ -n "$native" ]; then
    echo; echo "## one rank, compiled ahead of time (NativeAOT), run $i"
    mpiexec.mpich -n 1 "$native/Nn.Distributed.Benchmarks" "$data" "$epochs"
    echo; echo "## two ranks, compiled ahead of time (NativeAOT), run $i"
    mpiexec.mpich -n 2 "$native/Nn.Distributed.Benchmarks" "$data" "$epochs"
  fi
  # The launcher's placement: each rank (and its runtime's own threads) kept on one core, so the two never share one.
  echo; echo "## two ranks, each bound to a core (mpiexec -bind-to core), run $i"
  mpiexec.mpich -bind-to core -n 2 dotnet "$program" "$data" "$epochs"
  # What two processes computing at once cost each other, without any sum between them: one rank's share of a
  # two-rank batch (128 rows) alone, then two such one-rank jobs side by side, each timed phase by phase ("phases":
  # through DistributedTrainer, whose sums on one rank are copies) to set beside the two-rank run's phases.
  echo; echo "## one rank, batch 128 (a two-rank run's share of a batch), alone, run $i"
  mpiexec.mpich -n 1 dotnet "$program" "$data" "$epochs" 128 phases
  # Whether the two CPUs compute at the same speed: the same pass pinned to each in turn. Its "on its CPU" row is the
  # processor time; a CPU whose pass takes longer there is slower (its host core busy elsewhere), not descheduled.
  for cpu in $(seq 0 $(($(nproc --all) - 1))); do
    echo; echo "## one rank, batch 128, pinned to CPU $cpu (taskset -c $cpu), alone, run $i"
    taskset -c "$cpu" mpiexec.mpich -n 1 dotnet "$program" "$data" "$epochs" 128 phases
  done
  echo; echo "## two one-rank jobs of batch 128 side by side (no sums between them), run $i"
  side=$(mktemp -d)
  mpiexec.mpich -n 1 dotnet "$program" "$data" "$epochs" 128 phases >"$side/first" &
  mpiexec.mpich -n 1 dotnet "$program" "$data" "$epochs" 128 phases >"$side/second"
  wait
  cat "$side/first"; echo "# the other job:"; cat "$side/second"
  rm -r "$side"
  i=$((i + 1))
done
[ -z "$native" ] || rm -r "$native"
