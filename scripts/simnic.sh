#!/bin/bash
# Builds simnic, the software NIC (DPDK vdev net_simnic, an EAL plugin),
# and optionally runs its tests.
#
#   scripts/simnic.sh              build build/simnic/librte_net_simnic.so
#   scripts/simnic.sh asan         ... and build/simnic-asan (ASan + UBSan)
#   scripts/simnic.sh test         build, then run build/simnic/test_simnic
#   scripts/simnic.sh test asan    ... and the sanitizer build's tests too
#   scripts/simnic.sh test tsan    ... and ThreadSanitizer's (build/simnic-tsan)
#   scripts/simnic.sh fuzz [SECS]  build the libFuzzer target with clang
#                                  (build/simnic-fuzz) and run it for SECS
#                                  seconds (default 30) from generated seeds
#                                  and build/simnic-fuzz/corpus
#
# Quiet when all goes well, except for cmocka's summary lines when testing
# ("[  PASSED  ] N test(s).") and the fuzzer's summary; full logs go to
# build/simnic*/*.log.  Exits non-zero on any failure, a fuzzer crash
# included (its input is kept in build/simnic-fuzz/artifacts/).
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"

SRC_DIR=$TOP/simnic
DPDK_SRC=$BUILD_DIR/dpdk-src

usage() {
    echo "usage: $(basename "$0") [test] [asan] [tsan] [fuzz [SECONDS]]" >&2
    exit 2
}

run_tests=false
with_asan=false
with_tsan=false
run_fuzz=false
fuzz_seconds=30
prev=
for arg in "$@"; do
    case $arg in
        test) run_tests=true ;;
        asan) with_asan=true ;;
        tsan) with_tsan=true ;;
        fuzz) run_fuzz=true ;;
        build) ;;
        -h|--help) usage ;;
        *)
            if [ "$prev" = fuzz ] && [[ $arg =~ ^[1-9][0-9]*$ ]]; then
                fuzz_seconds=$arg
            else
                echo "$(basename "$0"): unknown argument '$arg'" >&2
                usage
            fi
            ;;
    esac
    prev=$arg
done

# Prints the end of log file $1, then dies with message $2.
die_with_log() {
    echo "---- last lines of $1 ----" >&2
    tail -n 40 "$1" >&2
    echo "----" >&2
    die "$2 (full log: $1)"
}

# Configures build directory $1 once, with extra meson options $2..., and
# builds it.  ninja reconfigures by itself when meson.build changes.
build_dir() {
    local dir=$1
    shift
    local log=$dir/build.log

    if [ ! -f "$dir/build.ninja" ]; then
        rm -rf "$dir"
        mkdir -p "$dir"
        meson setup "$dir" "$SRC_DIR" -Ddpdk_src="$DPDK_SRC" "$@" \
            >"$log" 2>&1 || die_with_log "$log" "meson setup of $dir failed"
    fi
    ninja -C "$dir" >"$log" 2>&1 \
        || die_with_log "$log" "build of $dir failed"
    # The build must stay free of warnings (-Wall -Wextra).
    if grep -q 'warning:' "$log"; then
        grep 'warning:' "$log" >&2
        die "build of $dir has warnings (full log: $log)"
    fi
}

# Runs the test program of build directory $1 with environment $2...
run_test_dir() {
    local dir=$1
    shift
    local log=$dir/test_simnic.log
    local rc=0

    [ -x "$dir/test_simnic" ] || die "$dir/test_simnic was not built (is libcmocka-dev installed?)"
    env "$@" SIMNIC_PLUGIN="$dir/librte_net_simnic.so" \
        "$dir/test_simnic" >"$log" 2>&1 || rc=$?
    # Sanitizers may report without changing the exit status.
    if grep -qE 'runtime error:|ERROR: (Address|Leak)Sanitizer|WARNING: ThreadSanitizer' "$log"; then
        rc=1
    fi
    grep -E '^\[ *(=+|PASSED|FAILED|SKIPPED) *\]' "$log" \
        | sed "s|^|$(basename "$dir"): |" || true
    if [ "$rc" != 0 ]; then
        grep -E 'runtime error:|Sanitizer|^\[  (ERROR|LINE) |^    #[0-3] ' "$log" >&2 || true
        die "tests in $dir failed (exit $rc; full log: $log)"
    fi
}

command -v meson >/dev/null || die "meson is not installed"
command -v ninja >/dev/null || die "ninja is not installed"
pkg-config --exists libdpdk || die "libdpdk-dev is not installed (no pkg-config libdpdk)"

"$TOP/scripts/dpdk-source.sh" >/dev/null \
    || die "scripts/dpdk-source.sh could not fetch the DPDK driver headers"

build_dir "$BUILD_DIR/simnic"
if $with_asan; then
    # Shared libraries with ASan need undefined symbols left to the loader.
    build_dir "$BUILD_DIR/simnic-asan" -Db_sanitize=address,undefined \
        -Db_lundef=false
fi

# Runs the fuzz target of build directory $1 for $2 seconds.
run_fuzz_dir() {
    local dir=$1 seconds=$2
    local log=$dir/fuzz.log
    local rc=0

    rm -rf "$dir/seeds"
    "$PYTHON3" "$SRC_DIR/tests/fuzz_seeds.py" "$dir/seeds" \
        || die "cannot write the fuzzer's seed corpus"
    mkdir -p "$dir/corpus" "$dir/artifacts"
    # ASan: leaks count as crashes; UBSan aborts (-fno-sanitize-recover).
    ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        "$dir/fuzz_flow_parse" -max_total_time="$seconds" -timeout=20 \
        -rss_limit_mb=4096 -print_final_stats=1 \
        -artifact_prefix="$dir/artifacts/" \
        "$dir/corpus" "$dir/seeds" >"$log" 2>&1 || rc=$?
    if grep -qE 'runtime error:|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)' "$log"; then
        rc=1
    fi
    if [ "$rc" != 0 ]; then
        echo "---- last lines of $log ----" >&2
        tail -n 60 "$log" >&2
        echo "----" >&2
        die "fuzz_flow_parse failed (exit $rc); reproduce with: $dir/fuzz_flow_parse $dir/artifacts/<crash file>"
    fi
    echo "$(basename "$dir"): $(grep -E '^Done [0-9]+ runs' "$log"), $(grep -oE 'cov: [0-9]+' "$log" | tail -n 1), corpus $(find "$dir/corpus" -type f | wc -l) inputs: no crash"
}

if $with_tsan; then
    build_dir "$BUILD_DIR/simnic-tsan" -Db_sanitize=thread -Db_lundef=false
fi

if $run_fuzz; then
    command -v clang >/dev/null || die "clang is not installed"
    [ -x "$PYTHON3" ] || die "$PYTHON3 is not installed"
    # The driver's sources go into the target itself, instrumented.
    CC=clang build_dir "$BUILD_DIR/simnic-fuzz" -Dfuzz=enabled \
        -Dtests=disabled -Db_sanitize=address,undefined -Db_lundef=false
fi

if $run_tests; then
    run_test_dir "$BUILD_DIR/simnic"
    if $with_asan; then
        run_test_dir "$BUILD_DIR/simnic-asan" \
            ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 \
            UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
    fi
    if $with_tsan; then
        run_test_dir "$BUILD_DIR/simnic-tsan" \
            TSAN_OPTIONS=halt_on_error=0:report_signal_unsafe=0
    fi
fi

if $run_fuzz; then
    run_fuzz_dir "$BUILD_DIR/simnic-fuzz" "$fuzz_seconds"
fi
