#!/bin/bash
# Usage: check.sh [STEP]...
#
# Runs every test of the project, or only the steps named (see STEPS), and
# ends with one line of totals: "N passed, M failed".  A test that skips did not run: it counts as
# failed.  Tests that cannot run here are left out by title, each with its
# reason, in check-exclude.txt.  Exits non-zero on any failure.
set -uo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"

# OVS autotest keywords whose tests cover the userspace datapath.  Autotest
# reads "-k a,b" as a AND b, so each group is one -k.
AUTOTEST_GROUPS='dpif-netdev offload ofproto-dpif pmd cmap mpsc-queue id-fpool rcu'
AUTOTEST_PATH=utilities:vswitchd:ovsdb:vtep:tests:ipsec
# The steps of a whole run, in order; step S is function check_S.
STEPS='shellcheck checkpatch simnic simnic_fuzz simnic_testpmd ovs_autotests ovs_dpdk ovs_dpdk_offloads bench_smoke'
EXCLUDE_FILE=$TOP/scripts/check-exclude.txt
LOG_DIR=$BUILD_DIR/check

passed=0
failed=0
skipped=0
failures=

# Prints "NUMBER<TAB>TITLE" for every test that 'testsuite -k ...' selects.
list_tests() {
    local suite=$1
    shift
    "$suite" -C "$OVS_TREE/tests" --list "$@" \
        | sed -n 's/^ *\([0-9][0-9]*\): [^ ]*  *\(.*\)$/\1\t\2/p'
}

excluded_titles() {
    sed -e 's/#.*//' -e '/^[[:space:]]*$/d' -e 's/ *|.*//' "$EXCLUDE_FILE"
}

# Reads autotest's progress output and prints "NUMBER<TAB>RESULT" for each
# test, RESULT being ok, skipped or FAILED.
results_of() {
    sed -n 's/^ *\([0-9][0-9]*\): .*  *\(ok\|skipped\|FAILED\|expected failure\)\( (.*)\)\{0,1\}$/\1\t\2/p' "$1"
}

# Runs the tests numbered $3... of testsuite $2 (label $1) with the given
# job count, rechecks the failures once, one at a time, and adds the
# outcome to the totals.
run_autotests() {
    local label=$1 suite=$2 jobs=$3
    shift 3
    local log=$LOG_DIR/$label.log relog=$LOG_DIR/$label.recheck.log
    local bad n_ok n_skip n_bad

    # Without test numbers, a testsuite runs all its tests: refuse that.
    if [ $# = 0 ]; then
        info "$label: no test selected"
        failed=$((failed + 1))
        failures="$failures $label:none-selected"
        return
    fi
    info "$label: running $# tests"
    "$suite" -C "$OVS_TREE/tests" AUTOTEST_PATH="$AUTOTEST_PATH" \
        -j"$jobs" "$@" >"$log" 2>&1
    bad=$(results_of "$log" | awk -F'\t' '$2 == "FAILED" { print $1 }')
    if [ -n "$bad" ]; then
        # The recheck overwrites the failed tests' directories: keep them.
        cp -r "$OVS_TREE/tests/$(basename "$suite").dir" \
            "$LOG_DIR/$label.first-run.dir" 2>/dev/null || true
        info "$label: rechecking ${bad//$'\n'/ } (first run kept in $LOG_DIR/$label.first-run.dir)"
        # shellcheck disable=SC2086
        "$suite" -C "$OVS_TREE/tests" AUTOTEST_PATH="$AUTOTEST_PATH" \
            $bad >"$relog" 2>&1
        # Keep the first run's results but for the rechecked tests.
        # shellcheck disable=SC2086
        { results_of "$log" | grep -v -w -F "$(printf '%s\tFAILED\n' $bad)";
          results_of "$relog"; } >"$log.results"
    else
        results_of "$log" >"$log.results"
    fi

    count_autotests "$label" "$log" "$relog" $#
}

# Adds to the totals the results in "$2.results" (see results_of) of the
# $4 tests that label $1 selected, logged in $2 and, rechecked, in $3.  A
# selected test without a result (a crash of the testsuite) counts as
# failed.
count_autotests() {
    local label=$1 log=$2 relog=$3 n_selected=$4 n_ok n_skip n_bad

    n_ok=$(awk -F'\t' '$2 == "ok" || $2 == "expected failure"' "$log.results" | wc -l)
    n_skip=$(awk -F'\t' '$2 == "skipped"' "$log.results" | wc -l)
    n_bad=$(( n_selected - n_ok ))
    if [ "$n_bad" -gt 0 ]; then
        failures="$failures $label:$(awk -F'\t' '$2 != "ok" && $2 != "expected failure" { printf " %s", $1 }' "$log.results")"
        grep -E '^ *[0-9]+: .*(FAILED|skipped)' "$relog" "$log" 2>/dev/null | tail -20
    fi
    info "$label: $n_ok passed, $n_bad failed, of which $n_skip skipped (log: $log)"
    passed=$((passed + n_ok))
    failed=$((failed + n_bad))
    skipped=$((skipped + n_skip))
}

# Prints the numbers of the tests of testsuite $1 selected by the -k
# options that follow, less the excluded ones.
selected_tests() {
    local suite=$1
    shift
    list_tests "$suite" "$@" \
        | awk -F'\t' 'FILENAME != "-" { skip[$0] = 1; next }
                      !($2 in skip) { print $1 }' <(excluded_titles) -
}

# The OVS autotests of AUTOTEST_GROUPS, less the excluded ones.
check_ovs_autotests() {
    local suite=$OVS_TREE/tests/testsuite group numbers k_args=
    for group in $AUTOTEST_GROUPS; do
        if [ -z "$(list_tests "$suite" -k "$group")" ]; then
            info "autotest group '$group' selects no test"
            failed=$((failed + 1))
            failures="$failures group:$group"
        fi
        k_args="$k_args -k $group"
    done
    # shellcheck disable=SC2086
    numbers=$(selected_tests "$suite" $k_args)
    # shellcheck disable=SC2086
    run_autotests ovs-autotests "$suite" "$(nproc)" $numbers
}

# OVS's system-dpdk testsuite ('make check-dpdk'), one test at a time as
# upstream runs it.
check_ovs_dpdk() {
    local suite=$OVS_TREE/tests/system-dpdk-testsuite numbers
    if [ "$(id -u)" != 0 ]; then
        info "system-dpdk tests need root: counted as failed"
        failed=$((failed + 1))
        failures="$failures check-dpdk:not-root"
        return
    fi
    "$TOP/scripts/hugepages.sh"
    # The simnic tests skip without the plugin: here they must run.
    export SIMNIC_PLUGIN=$BUILD_DIR/simnic/librte_net_simnic.so
    if [ ! -r "$SIMNIC_PLUGIN" ]; then
        info "check-dpdk: $SIMNIC_PLUGIN is missing: simnic tests count as failed"
        failed=$((failed + 1))
        failures="$failures check-dpdk:no-simnic"
    fi
    numbers=$(selected_tests "$suite")
    # shellcheck disable=SC2086
    run_autotests check-dpdk "$suite" 1 $numbers
}

# Open vSwitch's system-traffic tests with hw-offload=true on simnic ports
# ('make check-dpdk-offloads'), the ports of each test those of one simnic
# switch (SIMNIC_SWITCH, "" for ports of no switch): the megaflows that the
# switch can execute are forwarded by it, the others classified, both
# checked by tests written for software.  Each test runs alone in network
# and mount namespaces of its own (netns-private.sh), so that OFFLOADS_JOBS
# of them can run side by side; each parallel slot calls the testsuite by a
# name of its own, which gives it its own results directory and log.
OFFLOADS_SUITE=system-dpdk-offloads-testsuite
OFFLOADS_JOBS=${OFFLOADS_JOBS:-$(nproc)}

# Runs test $1 of the offloads testsuite, its output in
# $OFFLOADS_LOG_DIR/$1.log.  Called by xargs, in the slot OFFLOADS_SLOT.
run_offloads_test() {
    local name=$OFFLOADS_SUITE-${OFFLOADS_SLOT:-0}

    ln -sfn "$OFFLOADS_SUITE" "$OVS_TREE/tests/$name"
    "$TOP/scripts/netns-private.sh" "$OVS_TREE/tests/$name" \
        -C "$OVS_TREE/tests" AUTOTEST_PATH="$AUTOTEST_PATH" "$1" \
        >"$OFFLOADS_LOG_DIR/$1.log" 2>&1
}

# Runs the offloads tests numbered $2..., $1 at a time, and prints their
# results as results_of does.
run_offloads_tests() {
    local jobs=$1 n
    shift
    export -f run_offloads_test
    export TOP OVS_TREE AUTOTEST_PATH OFFLOADS_SUITE OFFLOADS_LOG_DIR
    # shellcheck disable=SC2016
    printf '%s\n' "$@" \
        | xargs -P "$jobs" -n 1 --process-slot-var=OFFLOADS_SLOT \
              bash -c 'run_offloads_test "$1"' run_offloads_test
    for n; do
        results_of "$OFFLOADS_LOG_DIR/$n.log"
    done
}

# Prints "RULES HITS FORWARDING": the rules installed, the packets found by
# their mark and the rules through which the NIC forwarded at the end over
# the tests that OFFLOAD_SUMMARY_FILE lists, a rechecked test counted once.
offloads_summary() {
    awk '{ rules[$1] = $3; hits[$1] = $5; fwd[$1] = $7 }
         END { for (g in rules) { r += rules[g]; h += hits[g]; f += fwd[g] }
               print r + 0, h + 0, f + 0 }' "$OFFLOAD_SUMMARY_FILE"
}

# The offloads tests, less the excluded ones, rechecked once one at a time
# as run_autotests does.  Fails also unless the run as a whole installed
# rules and found packets by their mark: without both it compared nothing.
check_ovs_dpdk_offloads() {
    local label=check-dpdk-offloads suite=$OVS_TREE/tests/$OFFLOADS_SUITE
    local log=$LOG_DIR/check-dpdk-offloads.log
    local relog=$LOG_DIR/check-dpdk-offloads.recheck.log
    local numbers bad rules hits forwarding n

    if [ "$(id -u)" != 0 ]; then
        info "$label: needs root: counted as failed"
        failed=$((failed + 1))
        failures="$failures $label:not-root"
        return
    fi
    "$TOP/scripts/hugepages.sh"
    export SIMNIC_PLUGIN=$BUILD_DIR/simnic/librte_net_simnic.so
    export SIMNIC_SWITCH=${SIMNIC_SWITCH-sw0}
    OFFLOADS_LOG_DIR=$LOG_DIR/check-dpdk-offloads
    export OFFLOAD_SUMMARY_FILE=$OFFLOADS_LOG_DIR/summary
    rm -rf "$OFFLOADS_LOG_DIR" "$OVS_TREE/tests/$OFFLOADS_SUITE"-*.dir
    mkdir -p "$OFFLOADS_LOG_DIR"
    : >"$OFFLOAD_SUMMARY_FILE"

    numbers=$(selected_tests "$suite")
    if [ -z "$numbers" ]; then
        info "$label: no test selected"
        failed=$((failed + 1))
        failures="$failures $label:none-selected"
        return
    fi
    # shellcheck disable=SC2086
    info "$label: running $(echo $numbers | wc -w) tests, $OFFLOADS_JOBS at a time, each in namespaces of its own"
    # shellcheck disable=SC2086
    run_offloads_tests "$OFFLOADS_JOBS" $numbers >"$log.results"
    for n in $numbers; do
        cat "$OFFLOADS_LOG_DIR/$n.log"
    done >"$log"
    bad=$(awk -F'\t' '$2 == "FAILED" { print $1 }' "$log.results")
    if [ -n "$bad" ]; then
        mkdir -p "$OFFLOADS_LOG_DIR/first-run"
        cp -r "$OVS_TREE/tests/$OFFLOADS_SUITE"-*.dir \
            "$OFFLOADS_LOG_DIR/first-run/" 2>/dev/null || true
        info "$label: rechecking ${bad//$'\n'/ } (first run kept in $OFFLOADS_LOG_DIR/first-run)"
        # shellcheck disable=SC2086
        { awk -F'\t' '$2 != "FAILED"' "$log.results"
          run_offloads_tests 1 $bad; } >"$relog.results"
        for n in $bad; do
            cat "$OFFLOADS_LOG_DIR/$n.log"
        done >"$relog"
        mv "$relog.results" "$log.results"
    fi
    count_autotests "$label" "$log" "$relog" "$(echo "$numbers" | wc -w)"

    read -r rules hits forwarding < <(offloads_summary)
    info "$label: $rules rules installed, $hits packets found by their mark, $forwarding rules forwarding at the end of their tests${SIMNIC_SWITCH:+ (switch $SIMNIC_SWITCH)}"
    if [ "$rules" = 0 ] || [ "$hits" = 0 ] \
       || { [ -n "$SIMNIC_SWITCH" ] && [ "$forwarding" = 0 ]; }; then
        info "$label: nothing was offloaded: the comparison means nothing"
        failed=$((failed + 1))
        failures="$failures $label:nothing-offloaded"
    fi
}

# Prints the sum of the counts on cmocka's "[  $1  ] N test(s)" lines in
# file $2.
cmocka_total() {
    sed -n "s/.*\\[  $1 *\\] \\([0-9]*\\) test.*/\\1/p" "$2" \
        | awk '{ n += $1 } END { print n + 0 }'
}

# Adds the results of cmocka summaries ("[  PASSED  ] N test(s).") in file
# $2 to the totals, for label $1.  A program that exited with $3 != 0 and
# reported no failed test (a crash, a build error, a sanitizer report)
# counts as one failure.
count_cmocka() {
    local label=$1 log=$2 rc=$3 n_ok n_bad n_skip
    n_ok=$(cmocka_total PASSED "$log")
    n_bad=$(cmocka_total FAILED "$log")
    n_skip=$(cmocka_total SKIPPED "$log")
    if [ "$rc" != 0 ] && [ "$n_bad" = 0 ]; then
        n_bad=1
    fi
    n_bad=$((n_bad + n_skip))
    info "$label: $n_ok passed, $n_bad failed, of which $n_skip skipped (log: $log)"
    passed=$((passed + n_ok))
    failed=$((failed + n_bad))
    skipped=$((skipped + n_skip))
    [ "$n_bad" = 0 ] || failures="$failures $label"
}

# Counts a step that is one test, named $1, with its log in $2: passed if
# $3 (the step's exit status) is 0, otherwise failed, with the log's end.
count_one() {
    local label=$1 log=$2 rc=$3

    if [ "$rc" = 0 ]; then
        passed=$((passed + 1))
        info "$label: passed (log: $log)"
    else
        tail -40 "$log"
        failed=$((failed + 1))
        failures="$failures $label"
        info "$label: FAILED (log: $log)"
    fi
}

# The project's shell scripts, checked by shellcheck: one test.
check_shellcheck() {
    local log=$LOG_DIR/shellcheck.log rc=0

    info "shellcheck: scripts/*.sh, .ci/run"
    (cd "$TOP" && shellcheck -x scripts/*.sh .ci/run) >"$log" 2>&1 || rc=$?
    count_one shellcheck "$log" "$rc"
}

# Open vSwitch's checkpatch on every patch of the series: no warning.
# (Whether each patch also builds on its own takes 'make check-series'.)
check_checkpatch() {
    local log=$LOG_DIR/checkpatch.log rc=0

    info "checkpatch: every patch of the series"
    # Quiet, it prints nothing for a clean patch; warnings alone fail too.
    python3 "$OVS_TREE/utilities/checkpatch.py" -q "$PATCH_DIR"/*.patch \
        >"$log" 2>&1 || rc=$?
    [ -s "$log" ] && [ "$rc" = 0 ] && rc=1
    count_one checkpatch "$log" "$rc"
}

# simnic's unit tests, in a normal, an ASan + UBSan and a TSan build.
check_simnic() {
    local log=$LOG_DIR/simnic.log rc=0
    info "simnic: unit tests, also built with ASan + UBSan and with TSan"
    "$TOP/scripts/simnic.sh" test asan tsan >"$log" 2>&1 || rc=$?
    [ "$rc" = 0 ] || tail -20 "$log"
    count_cmocka simnic "$log" "$rc"
}

# simnic's rte_flow parser under libFuzzer for a bounded time: one test,
# failed by any crash, leak or sanitizer report.
check_simnic_fuzz() {
    local log=$LOG_DIR/simnic-fuzz.log rc=0
    info "simnic-fuzz: ${SIMNIC_FUZZ_SECONDS:-30} s of libFuzzer on the rte_flow parser"
    "$TOP/scripts/simnic.sh" fuzz "${SIMNIC_FUZZ_SECONDS:-30}" >"$log" 2>&1 \
        || rc=$?
    count_one simnic-fuzz "$log" "$rc"
}

# simnic against DPDK's reference rte_flow client, dpdk-testpmd.
check_simnic_testpmd() {
    local log=$LOG_DIR/simnic-testpmd.log rc=0 n_ok n_bad
    info "simnic-testpmd: rte_flow conformance cases"
    "$TOP/scripts/simnic-testpmd.sh" >"$log" 2>&1 || rc=$?
    n_ok=$(sed -n 's/^\([0-9]*\) passed, [0-9]* failed$/\1/p' "$log" | tail -1)
    n_bad=$(sed -n 's/^[0-9]* passed, \([0-9]*\) failed$/\1/p' "$log" | tail -1)
    n_ok=${n_ok:-0}
    n_bad=${n_bad:-0}
    if [ "$rc" != 0 ] && [ "$n_bad" = 0 ]; then
        n_bad=1
    fi
    [ "$n_bad" = 0 ] || { grep -A15 '^FAIL' "$log" | head -40; failures="$failures simnic-testpmd"; }
    info "simnic-testpmd: $n_ok passed, $n_bad failed (log: $log)"
    passed=$((passed + n_ok))
    failed=$((failed + n_bad))
}

# The benchmark's baseline, unpatched Open vSwitch, builds in the
# background at the lowest priority while the tests before the bench smoke
# run: they leave a core idle much of the time (autotests wait on daemons,
# one system test runs at a time), and the build takes minutes.
BASE_BUILD_PID=

start_base_build() {
    nice -n 19 "$TOP/scripts/build-base.sh" >"$LOG_DIR/build-base.log" 2>&1 &
    BASE_BUILD_PID=$!
}

# A short run of the benchmark (scripts/bench.sh smoke), so that it never
# rots: one test, failed if any configuration cannot be measured (or the
# baseline does not build).
check_bench_smoke() {
    local log=$LOG_DIR/bench-smoke.log rc=0
    info "bench-smoke: every benchmark configuration, small and short"
    if [ "$(id -u)" != 0 ]; then
        info "bench-smoke: needs root: counted as failed"
        failed=$((failed + 1))
        failures="$failures bench-smoke:not-root"
        return
    fi
    if [ -n "$BASE_BUILD_PID" ] && ! wait "$BASE_BUILD_PID"; then
        cp "$LOG_DIR/build-base.log" "$log"
        rc=1
    else
        "$TOP/scripts/bench.sh" smoke >"$log" 2>&1 || rc=$?
    fi
    count_one bench-smoke "$log" "$rc"
}

main() {
    local start=$SECONDS step steps=${*:-$STEPS}

    for step; do
        case " $STEPS " in
        *" $step "*) ;;
        *) die "unknown step '$step' (steps: $STEPS)" ;;
        esac
    done
    "$TOP/scripts/deps.sh" || exit 1
    "$TOP/scripts/tree.sh" || exit 1
    "$TOP/scripts/build.sh" || exit 1
    make -C "$OVS_TREE" -s tests/testsuite tests/system-dpdk-testsuite \
        tests/system-dpdk-offloads-testsuite \
        >/dev/null || die "could not generate the testsuites"
    rm -rf "$LOG_DIR"
    mkdir -p "$LOG_DIR"
    case " $steps " in
    *" bench_smoke "*) start_base_build ;;
    esac

    for step in $steps; do
        "check_$step"
    done

    info "finished in $(( (SECONDS - start) / 60 )) min $(( (SECONDS - start) % 60 )) s"
    [ -z "$failures" ] || info "failed:$failures"
    [ "$skipped" = 0 ] || info "$skipped tests skipped: counted as failed"
    echo "$passed passed, $failed failed"
    [ "$failed" = 0 ]
}

main "$@"
