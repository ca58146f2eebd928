#!/usr/bin/env bash
# scripts/fuzz.sh [SECONDS]
# The libFuzzer targets of tests/fuzz/ (preset "fuzz": clang, ASan + UBSan, build-fuzz/):
#  1. installs what is missing (scripts/setup.sh dev) and builds them;
#  2. replays each committed corpus, tests/fuzz/corpus/<target>/ (seeds and past crashes: a
#     regression test, as ctest does in the normal build);
#  3. fuzzes each target for SECONDS (default 30) from that corpus, on $RANKPOOL_FUZZ_JOBS
#     processes (default: one per core).
# New inputs and crash inputs go to a scratch folder outside the repository, $RANKPOOL_FUZZ_WORK
# (default: a new folder under /tmp), so the committed corpus is only read and the tree stays
# clean. Exit 1 on any crash, sanitizer report, leak, hang (-timeout) or out-of-memory, printing
# where its input was saved; add a fixed one to tests/fuzz/corpus/<target>/ as crash-<what>.
# A crash or hang inside libhdf5 itself (its innermost frame there, on memory that is not
# rankpool's; Debian's 1.10.8 has some on damaged files, see tests/fuzz/README.md) is listed
# with its input but does not fail the run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$repo"

seconds=${1:-30}
[[ $seconds == -h || $seconds == --help ]] && { usage; exit 0; }
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || ((seconds < 1)); then
  die "SECONDS per target: not a positive number: $seconds (see --help)" 2
fi
jobs=${RANKPOOL_FUZZ_JOBS:-$(nproc)}
targets=(url_list input_spec h5_reader)
# Per input: -timeout seconds, -rss_limit_mb (also the largest single malloc).
limits=(-timeout=10 -rss_limit_mb=2048)

setup dev
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --parallel "$jobs"

work=${RANKPOOL_FUZZ_WORK:-$(mktemp -d /tmp/rankpool-fuzz.XXXXXX)}
mkdir -p "$work/tmp"
echo "fuzz: scratch folder $work"
# fuzz_h5_reader writes each input to a temporary file; a crashed run leaves its own here.
export TMPDIR="$work/tmp"
# An absurd malloc that libhdf5 asks for from a damaged file returns NULL, as glibc's would,
# rather than ending the run in ASan.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS="suppressions=$repo/tests/fuzz/lsan.supp:print_suppressions=0"
binary() { echo "$repo/build-fuzz/tests/fuzz/fuzz_$1"; }

# The innermost stack frame of a sanitizer or libFuzzer report that is not the sanitizer
# runtime, libFuzzer, libc, libstdc++ or zlib: where the fault is.
innermost_frame() {
  grep -E '^ +#[0-9]+ ' "$1" |
    grep -vE '__sanitizer|__asan|__lsan|__ubsan|__interceptor_|fuzzer::|in (malloc|calloc|realloc|free|abort|raise|operator new)\b|libc\.so|libstdc\+\+|libz\.so|/sysdeps/|string/\.\./|stdlib/|nptl/|signal/' |
    head -n 1 || true
}

# A fault inside libhdf5 is rankpool's all the same when the memory it hit is rankpool's: a
# buffer rankpool allocated (ASan's "allocated by" stack) or a variable on rankpool's stack.
memory_is_rankpools() {
  sed -n '/allocated by thread\|is located in stack of thread/,$p' "$1" | grep -qE 'rankpool::|/src/(h5|util|square|fetch)/'
}

failed=0
echo "== regression: the committed corpus"
for t in "${targets[@]}"; do
  log="$work/$t.replay.log"
  if "$(binary "$t")" "${limits[@]}" -runs=0 "tests/fuzz/corpus/$t" >"$log" 2>&1 && ! grep -q HDF5-DIAG "$log"; then
    echo "fuzz: $t: $(ls "tests/fuzz/corpus/$t" | wc -l) inputs pass"
  else
    echo "fuzz: $t: FAILED on its committed corpus (log: $log):" >&2
    grep -E 'ERROR|HDF5-DIAG|broken promise|Running|SUMMARY' "$log" | head -n 20 >&2 || true
    failed=1
  fi
done
((failed == 0)) || exit 1

echo "== fuzzing: $seconds s per target, $jobs processes"
for t in "${targets[@]}"; do
  mkdir -p "$work/$t/corpus" "$work/$t/artifacts"
  dict=()
  [[ -f "tests/fuzz/$t.dict" ]] && dict=(-dict="tests/fuzz/$t.dict")
  # Fork mode goes on after a crash, so one run finds every crash it can (and a known one in
  # libhdf5 does not end the search); each is classified below. New inputs go to the first
  # folder, the scratch one.
  "$(binary "$t")" "${limits[@]}" "${dict[@]}" -max_total_time="$seconds" -fork="$jobs" \
    -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -print_final_stats=1 \
    -artifact_prefix="$work/$t/artifacts/" "$work/$t/corpus" "tests/fuzz/corpus/$t" >"$work/$t.log" 2>&1 || true
  echo "fuzz: $t: $(grep -E '^#[0-9]+: cov: ' "$work/$t.log" | tail -n 1 || true)"
  for input in "$work/$t/artifacts"/*; do
    [[ -e "$input" ]] || continue
    report="$input.report"
    replayed=0
    "$(binary "$t")" "${limits[@]}" "$input" >"$report" 2>&1 || replayed=$?
    frame=$(innermost_frame "$report")
    if ((replayed == 0)) && [[ "$(basename "$input")" == @(timeout|oom|slow-unit)-* ]]; then
      # Time and memory also depend on the machine's load at the time: only a repeatable one counts.
      echo "fuzz: $t: did not repeat on replay, not counted: $input"
    elif [[ "$frame" == *libhdf5* ]] && ! memory_is_rankpools "$report"; then
      echo "fuzz: $t: a fault inside libhdf5, not rankpool's: $input ($(grep -m1 -E 'ERROR|SUMMARY' "$report" || true))"
    else
      echo "fuzz: $t: FOUND $(basename "$input" | cut -d- -f1): $input (report: $report)" >&2
      grep -m1 -E 'ERROR|broken promise|SUMMARY' "$report" >&2 || true
      echo "  innermost frame: ${frame:-(none)}" >&2
      failed=1
    fi
  done
done
if ((failed)); then
  echo "fuzz: FAILED; reproduce with build-fuzz/tests/fuzz/fuzz_<target> <input>" >&2
  exit 1
fi
echo "fuzz: no crash in rankpool's code"
