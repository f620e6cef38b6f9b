#!/bin/sh
# Mutation testing of the library's math with Stryker.NET (docs/testing.md). Not part of CI: a run over every
# math folder takes well over an hour on 2 cores. Usage, from the repository root:
#   tools/mutation/run.sh                        # the folders listed in tools/mutation/stryker-config.json
#   tools/mutation/run.sh '**/Losses/*.cs'       # one glob instead (relative to src/Nn)
# Reports land in src/Nn/StrykerOutput/<date>/reports/ (mutation-report.json and .md).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
dotnet tool restore >/dev/null
cd src/Nn
if [ $# -gt 0 ]; then
  dotnet stryker --config-file ../../tools/mutation/stryker-config.json --mutate "$1"
else
  dotnet stryker --config-file ../../tools/mutation/stryker-config.json
fi
