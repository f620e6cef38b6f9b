#!/bin/sh
# The data-parallel speed figures of docs/distributed.md: Network B on Fashion-MNIST, batch 256, 1 thread per rank,
# one rank (Trainer.Train in one process), two ranks (mpiexec.mpich -n 2; sums through shared memory) and two ranks
# with NN_MPI_SHARED_MEMORY=0 (sums through MPI's collectives) run in turn PAIRS times, EPOCHS epochs each, with the
# sum's latency and bandwidth measured in every two-rank run. Needs MPICH and the Debian package
# dataset-fashion-mnist. Measure on a quiet machine (/proc/loadavg below about 1.5): a sum of 0.94 MB between two
# processes that must both be running is the first thing a busy machine slows down.
# Usage (from the repository root): bench/distributed-scaling.sh [PAIRS] [EPOCHS]
set -eu
pairs=${1:-2}
epochs=${2:-3}
data=/usr/share/datasets/fashion-mnist
dotnet build -c Release bench/Nn.Distributed.Benchmarks >/dev/null
program=bench/Nn.Distributed.Benchmarks/bin/Release/net10.0/Nn.Distributed.Benchmarks.dll
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs; $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git rev-parse --short HEAD)"
i=1
while [ "$i" -le "$pairs" ]; do
  echo; echo "## one rank, run $i"
  mpiexec.mpich -n 1 dotnet "$program" "$data" "$epochs"
  echo; echo "## two ranks, run $i"
  mpiexec.mpich -n 2 dotnet "$program" "$data" "$epochs"
  echo; echo "## two ranks through MPI's collectives (the path across machines), run $i"
  NN_MPI_SHARED_MEMORY=0 mpiexec.mpich -n 2 dotnet "$program" "$data" "$epochs"
  i=$((i + 1))
done
