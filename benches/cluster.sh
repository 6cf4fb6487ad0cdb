#!/usr/bin/env bash
# A generated district planned in one process against split → parts on 2
# workers → merge (issue 31), and through linli.dask on a 2-worker
# LocalCluster. Prints wall seconds and peak memory (max RSS) of each step.
#   benches/cluster.sh HOUSEHOLDS [PARTS] [PYTHON]
# PYTHON: a python with the package installed (pip install "./python[dask]").
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-4000000}
PARTS=${2:-8}
PY=${3:-}
B=target/release/linli
cargo build --release --quiet
W=${TMPDIR:-/tmp}/linli-cluster-$N
mkdir -p "$W"
[ -d "$W/scenario" ] || $B synth --households "$N" --seed 1 --out "$W/scenario" --quiet
timed() { # label, command…
  local label=$1; shift
  /usr/bin/time -f "$label %e s %M KB" "$@" 2>&1 >/dev/null | tail -1
}
rm -rf "$W/single" "$W/parts" "$W/plans" "$W/merged"
timed "single process:" $B plan "$W/scenario" --out "$W/single" --quiet
t0=$(date +%s.%N)
timed "split:" $B split "$W/scenario" --by community --parts "$PARTS" --out "$W/parts" --quiet
mkdir -p "$W/plans"
ls -d "$W"/parts/part-* | xargs -P 2 -I{} sh -c \
  '/usr/bin/time -f "  plan $(basename {}): %e s %M KB" '"$B"' plan {} --out '"$W"'/plans/$(basename {}) --quiet 2>&1 >/dev/null | tail -1'
timed "merge:" $B merge "$W"/plans/part-* --out "$W/merged" --quiet
t1=$(date +%s.%N)
echo "split → 2 parallel plans → merge: $(echo "$t1 - $t0" | bc) s"
if [ -n "$PY" ]; then
  rm -rf "$W/dask" "$W/dask.work"
  timed "linli.dask, LocalCluster 2 workers:" "$PY" -m linli.dask "$W/scenario" --workers 2 --by community --parts "$PARTS" --out "$W/dask"
fi
