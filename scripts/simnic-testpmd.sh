#!/bin/bash
# simnic's rte_flow conformance suite, driven by DPDK's own reference
# client: dpdk-testpmd (Debian's dpdk-dev 22.11).
#
#   scripts/simnic-testpmd.sh                 run every case
#   scripts/simnic-testpmd.sh NAME...         run the named cases only
#   scripts/simnic-testpmd.sh --update NAME...
#                                             run the named cases and write
#                                             their transcripts as expected
#   scripts/simnic-testpmd.sh --list          list the cases
#
# A case is simnic/tests/testpmd/NAME.testpmd:
#
#   # vdevs: net_simnic0,gen=flows:4 net_simnic1,sink=1
#   # testpmd: --rxq=4 --txq=4        (optional: more testpmd arguments)
#   # counts: approximate             (optional: see "Normalization")
#   # Any other comment line is for the reader and is not sent.
#   flow create 0 ingress pattern eth / end actions count / end
#   start
#   #! sleep 0.3                      (runner directive, see below)
#   stop
#   #! min-duration 0.2               (runner directive, see below)
#   flow create 0 ingress pattern eth / end actions count / end
#   flow list 0
#
# Each case runs one testpmd in interactive mode (-i) with the commands fed
# through its standard input, one at a time as testpmd would read them
# from a terminal.  Standard input rather than --cmdline-file because
# testpmd then echoes every command after its prompt, so the transcript
# reads "testpmd> command" then that command's output, and because the
# runner can pause: "#! sleep S" waits until testpmd has read every command
# before it, then S more seconds (e.g. to let traffic run between "start"
# and "stop").  stdout is line buffered (stdbuf) and stderr (where testpmd
# reports errors) unbuffered, both into one file: the lines keep their order.
# "#! min-duration S" checks that the command after it takes at least S
# seconds: the runner waits until testpmd is idle at its prompt, sends the
# command and the one after it (which the case must have), and measures
# until testpmd reads that one.  The case fails if less than S passed.
# Not while forwarding prints packets after the prompt.  Nothing shows in
# the transcript.
#
# Normalization (scripts/testpmd-normalize.py), before the transcript is
# compared with NAME.expected:
#   * only what lies between the first and the last "testpmd> " prompt is
#     kept: no EAL start-up noise, no shutdown;
#   * carriage returns and trailing blanks go;
#   * pointers in testpmd's error reports ("cause: 0x7ffd...") become
#     "cause: <ptr>", rates (Rx-pps ...) become <n>;
#   * packets that "set verbose 1" dumps are taken out of the text (the
#     forwarding thread prints them while the main thread echoes commands,
#     so they interleave at any point) and replaced, after the "Done." of
#     the "stop" that ends their run, by the list of distinct packets
#     (port/queue, the packet line with its FDIR mark or none, ol_flags),
#     each with how many times it was received;
#   * with "# counts: approximate" (for gen= ports, whose rate depends on
#     timing) those repetition counts and the numbers in packet statistics,
#     flow counters and xstats become "<n>" unless they are 0, and a flow
#     counter's bytes become "<n> (hits x S)" when they are S bytes per hit.
#     Zero stays zero, and which packets carry which mark stays exact.
#
# testpmd runs with EAL options -l 0-1 (one forwarding core, so packet
# dumps never interleave with each other) --no-pci (the machine's NICs are
# never touched) --no-huge -m 512, simnic's plugin loaded with -d, and a
# file prefix of its own whose run directory is removed afterwards; then
# -i --no-mlockall --total-num-mbufs=4096 and the case's arguments.
# Command lines must stay under 500 characters and hold no '?' or tab
# (testpmd's line editor would take them as help or completion requests).
#
# Normalized transcripts go to build/simnic-testpmd/NAME.out, and the raw
# output of a case that failed to NAME.raw.
# Ends with "N passed, M failed"; exits non-zero if any case failed.
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"

CASE_DIR=$TOP/simnic/tests/testpmd
LOG_DIR=$BUILD_DIR/simnic-testpmd
PLUGIN=$BUILD_DIR/simnic/librte_net_simnic.so
TESTPMD=${TESTPMD:-dpdk-testpmd}
CASE_TIMEOUT=60		# seconds for one testpmd run
ECHO_TIMEOUT=20		# seconds to wait for testpmd to read commands

# Prints the comment at the top of this script.
help_text() {
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
}

usage() {
    help_text >&2
    exit 2
}

update=false
list=false
names=()
for arg in "$@"; do
    case $arg in
        --update) update=true ;;
        --list) list=true ;;
        -h|--help) help_text; exit 0 ;;
        -*) echo "$(basename "$0"): unknown option '$arg'" >&2; usage ;;
        *) names+=("$(basename "${arg%.testpmd}")") ;;
    esac
done

all_cases() {
    local f
    for f in "$CASE_DIR"/*.testpmd; do
        [ -e "$f" ] || continue
        f=${f##*/}
        echo "${f%.testpmd}"
    done
}

if $list; then
    all_cases
    exit 0
fi
if $update && [ ${#names[@]} -eq 0 ]; then
    die "--update rewrites expected transcripts: name the cases to update"
fi
if [ ${#names[@]} -eq 0 ]; then
    mapfile -t names < <(all_cases)
    [ ${#names[@]} -gt 0 ] || die "no cases in $CASE_DIR"
fi
for name in "${names[@]}"; do
    [ -f "$CASE_DIR/$name.testpmd" ] || die "no case $CASE_DIR/$name.testpmd"
done

[ -f "$PLUGIN" ] || die "simnic's plugin $PLUGIN is missing: run scripts/simnic.sh"
command -v "$TESTPMD" >/dev/null \
    || die "$TESTPMD not found: install dpdk-dev (scripts/deps.sh)"
command -v stdbuf >/dev/null || die "stdbuf not found (coreutils)"

mkdir -p "$LOG_DIR"

# EAL keeps a run directory per file prefix; remove ours however we exit.
RUN_DIR=/var/run/dpdk
if [ "$(id -u)" != 0 ]; then
    RUN_DIR=${XDG_RUNTIME_DIR:-/tmp}/dpdk
fi
current_prefix=
cleanup() {
    if [ -n "$current_prefix" ]; then
        rm -rf "${RUN_DIR:?}/$current_prefix"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Number of commands testpmd has read so far from raw output $1: it echoes
# each one, ending the line with "\r\n"; nothing else it prints has "\r".
echoed_commands() {
    tr -cd '\r' <"$1" 2>/dev/null | wc -c
}

# Waits until testpmd has echoed $2 commands into raw output $1, looking
# every $3 seconds (default 0.05).
wait_for_echo() {
    local raw=$1 want=$2 poll=${3:-0.05} deadline=$((SECONDS + ECHO_TIMEOUT))

    while [ "$(echoed_commands "$raw")" -lt "$want" ]; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "simnic-testpmd: testpmd did not read command $want in ${ECHO_TIMEOUT}s" >&2
            return 1
        fi
        sleep "$poll"
    done
}

# Waits until testpmd, having read $2 commands, is idle at its prompt.
wait_for_prompt() {
    local raw=$1 sent=$2 deadline=$((SECONDS + ECHO_TIMEOUT))

    wait_for_echo "$raw" "$sent" 0.01 || return 1
    while [ "$(tail -c 9 "$raw")" != 'testpmd> ' ]; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "simnic-testpmd: testpmd did not come back to its prompt in ${ECHO_TIMEOUT}s" >&2
            return 1
        fi
        sleep 0.01
    done
}

# For "#! min-duration": fails unless command $4, sent to an idle testpmd
# at time $3 ($EPOCHREALTIME), took $5 seconds or more, as seen when
# testpmd reads command number $2 (the next one) into raw output $1.  The
# reading comes late if anything: never less than the command took.
check_duration() {
    local raw=$1 next=$2 start=$3 command=$4 min=$5 end

    wait_for_echo "$raw" "$next" 0.01 || return 1
    end=$EPOCHREALTIME
    if ! awk -v s="$start" -v e="$end" -v m="$min" \
            'BEGIN { exit !(e - s >= m) }'; then
        echo "simnic-testpmd: '$command' took $(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }')s, less than the ${min}s of its '#! min-duration'" >&2
        return 1
    fi
}

# Writes the commands of case file $1 to stdout, honouring "#! sleep S"
# and "#! min-duration S" directives against testpmd's raw output $2.
feed_commands() {
    local file=$1 raw=$2 line sent=0
    local min='' timed='' timed_min='' timed_start=''

    while IFS= read -r line || [ -n "$line" ]; do
        case $line in
            '#! sleep '*)
                wait_for_echo "$raw" "$sent" || return 1
                sleep "${line#'#! sleep '}"
                ;;
            '#! min-duration '*)
                min=${line#'#! min-duration '}
                ;;
            '#!'*)
                echo "simnic-testpmd: unknown directive '$line'" >&2
                return 1
                ;;
            '#'*|'') ;;
            *)
                if [ -n "$min" ]; then
                    wait_for_prompt "$raw" "$sent" || return 1
                    timed_start=$EPOCHREALTIME
                fi
                printf '%s\n' "$line"
                sent=$((sent + 1))
                if [ -n "$timed" ]; then
                    check_duration "$raw" "$sent" "$timed_start" \
                        "$timed" "$timed_min" || return 1
                    timed=''
                fi
                if [ -n "$min" ]; then
                    timed=$line
                    timed_min=$min
                    min=''
                fi
                ;;
        esac
    done <"$file"
    if [ -n "$min$timed" ]; then
        echo "simnic-testpmd: '#! min-duration' needs two commands after it: the timed one and one more" >&2
        return 1
    fi
}

# Value of header field $2 ("# $2: value") of case file $1.
header_field() {
    sed -n "s/^# $2:[[:space:]]*//p" "$1" | head -n 1
}

# Checks case file $1 for what testpmd would mangle.
check_case_file() {
    local file=$1 n=0 line

    [ -n "$(header_field "$file" vdevs)" ] || {
        echo "no '# vdevs:' header line"
        return 1
    }
    while IFS= read -r line || [ -n "$line" ]; do
        n=$((n + 1))
        case $line in '#'*|'') continue ;; esac
        # testpmd's command line editor holds 512 bytes and treats '?'
        # and tabs as requests for help and completion.
        if [ ${#line} -gt 500 ]; then
            echo "line $n is longer than 500 characters"
            return 1
        fi
        case $line in *'?'*|*$'\t'*)
            echo "line $n has a '?' or a tab"
            return 1
            ;;
        esac
    done <"$file"
}


# Runs case $1; leaves the raw output in $LOG_DIR/$1.raw and the
# normalized transcript in $LOG_DIR/$1.out.  Returns non-zero (with a
# reason in $LOG_DIR/$1.err) when testpmd did not run to the end.
run_case() {
    local name=$1
    local file=$CASE_DIR/$name.testpmd
    local raw=$LOG_DIR/$name.raw out=$LOG_DIR/$name.out err=$LOG_DIR/$name.err
    local vdevs extra approx=0 problem eal=() vdev rc feed_rc

    rm -f "$err"
    if ! problem=$(check_case_file "$file"); then
        echo "$file: $problem" >"$err"
        return 1
    fi
    vdevs=$(header_field "$file" vdevs)
    extra=$(header_field "$file" testpmd)
    case $(header_field "$file" counts) in
        approximate) approx=1 ;;
        ''|exact) ;;
        *) echo "$file: '# counts:' is 'exact' or 'approximate'" >"$err"; return 1 ;;
    esac
    for vdev in $vdevs; do
        eal+=(--vdev "$vdev")
    done

    current_prefix=simnic-testpmd-$$-$name
    rm -rf "${RUN_DIR:?}/$current_prefix"
    : >"$raw"
    set +e +o pipefail
    # $extra is a list of testpmd arguments.  The feeder reads the raw
    # output that testpmd writes, on purpose (see wait_for_echo).
    # shellcheck disable=SC2086,SC2094
    feed_commands "$file" "$raw" 2>>"$err" |
        timeout --foreground -k 10 "$CASE_TIMEOUT" stdbuf -oL -eL "$TESTPMD" \
            -l 0-1 --no-pci --no-huge -m 512 \
            --file-prefix "$current_prefix" -d "$PLUGIN" "${eal[@]}" \
            -- -i --no-mlockall --total-num-mbufs=4096 $extra \
            >"$raw" 2>&1
    feed_rc=${PIPESTATUS[0]} rc=${PIPESTATUS[1]}
    set -e -o pipefail
    rm -rf "${RUN_DIR:?}/$current_prefix"
    current_prefix=

    "$PYTHON3" "$TOP/scripts/testpmd-normalize.py" "$approx" <"$raw" >"$out"
    if [ "$rc" = 124 ]; then
        echo "testpmd timed out after ${CASE_TIMEOUT}s (raw output: $raw)" >"$err"
        return 1
    elif [ "$rc" != 0 ]; then
        echo "testpmd exited with status $rc (raw output: $raw)" >"$err"
        tail -n 5 "$raw" >>"$err"
        return 1
    elif [ "$feed_rc" != 0 ]; then
        echo "feeding the commands failed (raw output: $raw)" >>"$err"
        return 1
    fi
    return 0
}

passed=0
failed=0
for name in "${names[@]}"; do
    expected=$CASE_DIR/$name.expected
    out=$LOG_DIR/$name.out
    if ! run_case "$name"; then
        echo "FAIL $name"
        sed 's/^/    /' "$LOG_DIR/$name.err"
        failed=$((failed + 1))
    elif $update; then
        cp "$out" "$expected"
        echo "PASS $name (expected transcript written: ${expected#"$TOP"/})"
        passed=$((passed + 1))
        rm -f "$LOG_DIR/$name.raw"
    elif [ ! -f "$expected" ]; then
        echo "FAIL $name"
        echo "    no ${expected#"$TOP"/}: review $out, then run with --update $name"
        failed=$((failed + 1))
    elif diff_out=$(diff -u --label "$name.expected" --label "$name (this run)" \
                        "$expected" "$out"); then
        echo "PASS $name"
        passed=$((passed + 1))
        rm -f "$LOG_DIR/$name.raw"
    else
        echo "FAIL $name"
        printf '%s\n' "$diff_out" | sed 's/^/    /'
        failed=$((failed + 1))
    fi
done

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
