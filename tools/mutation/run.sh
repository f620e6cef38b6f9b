#!/bin/sh
# Mutation testing of the library's math with Stryker.NET, one group of folders at a time (docs/testing.md).
# Not part of CI: each group takes from half an hour to well over an hour on 2 cores. Usage, from the repository root:
#   tools/mutation/run.sh GROUP [OUTPUT [STRYKER-OPTION...]]
# GROUP is one of the groups below; OUTPUT is where the reports go (default src/Nn/StrykerOutput/<date>, also when
# given as ''); any further arguments go to Stryker as they are (e.g. --log-to-file --verbosity debug, whose log
# names every mutant's result as it is tested, so a run stopped early still tells what it found).
# Every mutant of the whole project is compiled in (Stryker places them all and only tests those it is asked
# to), so each group restricts both what it mutates and which tests run: the test namespaces that exercise
# the group's folders. A mutant killed only by some other test therefore counts as survived here.
set -eu
[ $# -ge 1 ] || { sed -n '2,10p' "$0"; exit 2; }
group=$1
skip=
output=${2-}
shift $(($# < 2 ? $# : 2))
extra="$*"
case "$group" in
  activations-losses-checking)
    mutate="**/Activations/*.cs **/Losses/*.cs **/Checking/*.cs"
    tests="Nn.Tests.Activations Nn.Tests.Losses Nn.Tests.Checking Nn.Tests.Networks" ;;
  networks)
    mutate="**/Networks/Propagation.cs **/Networks/StackPropagation.cs **/Networks/Backprop.cs"
    tests="Nn.Tests.Networks Nn.Tests.Checking Nn.Tests.Kernels.FusedSgdTests"
    # The two thread-split theories of DenseRowPassesTests call DenseRowPasses and the kernels directly, none of
    # this group's files, and take 30 of the namespace's 75 s uninstrumented: they would only slow the coverage pass.
    # The tests comparing a threaded pass with one thread's ("... of one thread", "equal one thread's ...") do reach
    # Propagation's row-pass and two-region branches, but under the coverage pass's per-test recording one case of
    # them ran for 24 minutes (2026-11-30, load 50); left out, those branches' mutants count as not covered.
    skip="equal the one-thread pass;one thread" ;;
  layers)
    mutate="**/Layers/*.cs"
    tests="Nn.Tests.Layers Nn.Tests.Networks.Conv Nn.Tests.Checking Nn.Tests.Serialization.ModelFileLayerFieldTests Nn.Tests.Validation.LimitsTests"
    # Builds 4,096 dense layers to test the network's layer limit (3 s uninstrumented, the slowest but one in the
    # group): it is about Architecture, not the layers' math, yet it covers every dense-layer constructor mutant.
    skip="more layers than the layer limit" ;;
  optimisers-training)
    mutate="**/Optimisers/*.cs **/Optimisers/Schedules/*.cs **/Training/FusedSgdSteps.cs **/Training/DeferredSgdSteps.cs **/Training/DeferredSgd.cs **/Training/OptimizerSteps.cs **/Training/ParallelUpdate.cs **/Training/SubnormalFlush.cs"
    tests="Nn.Tests.Optimisers Nn.Tests.Kernels.FusedSgdTests Nn.Tests.Training.DeferredSgdTests Nn.Tests.Training.DeferredSgdRegionsTests Nn.Tests.Training.ParallelUpdateTests Nn.Tests.Training.StepStrategyTests Nn.Tests.Training.OptimizerStepsTests Nn.Tests.Training.SubnormalFlushTests"
    # As in networks: DeferredSgdTests' comparisons of threaded blocks with one thread's train wide first layers
    # through the instrumented kernels; their deferred-block arithmetic is also what the one-thread cases check.
    # DeferredSgdRegionsTests (small blocks on 2 and 3 threads) stay in: they are quick and reach the block's regions.
    skip="one thread" ;;
  *) echo "unknown group '$group': activations-losses-checking, networks, layers or optimisers-training" >&2; exit 2 ;;
esac
case $output in ''|/*) ;; *) output="$PWD/$output" ;; esac
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
dotnet tool restore >/dev/null
cd src/Nn
set -f
set -- $extra
for glob in $mutate; do set -- "$@" --mutate "$glob"; done
filter=
for name in $tests; do filter="${filter:+$filter|}FullyQualifiedName~$name"; done
# The 784-50-10 gradient check takes about 80,000 forward passes of a 784-input network: with every mutant's
# switch compiled into the kernels it runs for hours, and every mutant it covers would wait for it.
filter="($filter)&FullyQualifiedName!~784-50-10"
IFS=';'
for name in $skip; do filter="$filter&FullyQualifiedName!~$name"; done
unset IFS
exec dotnet stryker --config-file ../../tools/mutation/stryker-config.json --skip-version-check "$@" \
  --test-case-filter "$filter" ${output:+--output "$output"}
