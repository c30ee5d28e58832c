#!/usr/bin/env bash
# run_fuzzers.sh - coverage-guided fuzzing of every harness in a -DENMA_FUZZ=ON build.
#
#   tests/fuzz/run_fuzzers.sh BUILD_DIR [NAME...]
#
# Each harness fuzzes for ENMA_FUZZ_SECONDS (default: ENMA_FUZZ_BUDGET seconds of wall time,
# 240 by default, shared out over the harnesses on ENMA_FUZZ_PARALLEL cores, at least 30 s
# each), ASan+UBSan on, starting from its seed corpus tests/fuzz/corpus/NAME. New inputs go to
# a temporary directory, never into the repository. A crash, leak, timeout or out-of-memory
# fails the run and prints the reproducer (hex and base64) and the command that replays it.
# A developer runs longer with e.g. ENMA_FUZZ_SECONDS=3600.
set -euo pipefail
build=${1:?usage: $0 BUILD_DIR [NAME...]}
shift
here=$(cd "$(dirname "$0")" && pwd)
if (($#)); then
  names=("$@")
else
  mapfile -t names < <(cd "$here" && ls ./*_fuzz.cpp | sed 's|^\./||; s|_fuzz\.cpp$||')
fi
parallel=${ENMA_FUZZ_PARALLEL:-2}
budget=${ENMA_FUZZ_BUDGET:-240}
seconds=${ENMA_FUZZ_SECONDS:-$((budget * parallel / ${#names[@]}))}
((seconds >= 30)) || seconds=30
work=$(mktemp -d "${TMPDIR:-/tmp}/enma-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# fuzz NAME - one harness for $seconds; its log in $work/NAME.log, crashes as $work/NAME-*.
fuzz() {
  local name=$1 binary=$build/tests/fuzz/${1}_fuzz status=0
  mkdir -p "$work/$name"
  "$binary" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$work/$name-" \
    "$work/$name" "$here/corpus/$name" >"$work/$name.log" 2>&1 || status=$?
  echo "$status" >"$work/$name.status"
}

# report NAME STATUS - one line on success; the log tail and the reproducer on failure.
report() {
  local name=$1 status=$2 artifact
  if ((status == 0)); then
    echo "fuzz $name: ok, $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' \
      "$work/$name.log" | grep -o '[0-9]*$') runs in ${seconds}s"
    return 0
  fi
  echo "fuzz $name: FAILED (exit $status)"
  tail -n 60 "$work/$name.log"
  for artifact in "$work/$name"-*; do
    [[ -f $artifact ]] || continue
    echo "--- reproducer $(basename "$artifact") ($(stat -c %s "$artifact") bytes), base64:"
    base64 -w 76 "$artifact" | head -n 200
    echo "--- hex:"
    od -A d -t x1z -v "$artifact" | head -n 40
    echo "--- replay: save the base64 above, base64 -d >crash, then $build/tests/fuzz/${name}_fuzz crash"
    echo "--- then add it to tests/fuzz/corpus/$name/ as a regression input"
  done
  return 1
}

for name in "${names[@]}"; do
  [[ -x $build/tests/fuzz/${name}_fuzz ]] || {
    echo "no harness $build/tests/fuzz/${name}_fuzz (configure with -DENMA_FUZZ=ON)" >&2
    exit 2
  }
done
echo "fuzzing ${#names[@]} harnesses, ${seconds}s each, $parallel at a time"
for name in "${names[@]}"; do
  while (($(jobs -rp | wc -l) >= parallel)); do wait -n || true; done
  fuzz "$name" &
done
wait
failed=0
for name in "${names[@]}"; do
  report "$name" "$(cat "$work/$name.status")" || failed=1
done
exit $failed
