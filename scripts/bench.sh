#!/bin/bash
# 'make bench': the PMD's cost per packet with and without flow offload,
# for unpatched Open vSwitch 3.1.0 and for the series, side by side in one
# run on simnic ports, and a plain DPDK rx->tx forwarder as the floor.
#
#   scripts/bench.sh            the full run; writes bench/results/DATE.md
#                               and its plots (an hour or more)
#   scripts/bench.sh smoke      a few seconds per configuration, small N,
#                               capacity included, into build/bench (what
#                               'make check' runs)
#   scripts/bench.sh capacity   a NIC whose table is too small, skewed
#                               traffic whose hot set moves: which flows
#                               hold the NIC (bench/results/DATE-capacity.md)
#
# Environment: BENCH_SIZES (megaflow counts, default "1 1000 10000 100000"),
# BENCH_MASKS ("1 8"), BENCH_REPEATS (5), BENCH_SECONDS (measurement time,
# 5), BENCH_CONFIGS ("floor base-off base-on series-off series-on"; also
# "series-on-noread": the series' offload with the NIC's counters never
# read, to see what reading them costs the PMD), BENCH_REWRITE_CONFIGS
# ("base-off-rw base-on-rw series-off-rw series-on-rw": the same with rules
# that rewrite headers and decrement the TTL, measured at the largest N
# in one subtable), BENCH_PROFILE_CONFIGS ("series-on-ixgbe series-on-i40e
# series-on-mlx5": the series' offload with the generator port taking
# rules as that driver does, see simnic's README) and BENCH_PROFILE_POINTS
# ("10000:8 100000:1", megaflows:subtables, each among the sizes and
# masks measured, where the profiles are compared with (c) and (d)) and
# BENCH_SWITCH_CONFIGS ("series-on-switch series-on-mixed": the generator
# port is the PF of a simnic switch and the sink a representor of its
# VF, so that the series forwards in the NIC every megaflow, or half of
# them while the other half goes to a sink outside the switch; measured
# at every N like BENCH_CONFIGS).
#
# Capacity (scripts/bench.sh capacity): BENCH_CAPACITY_POINTS ("100000:1.1
# 100000:0.8", flows:Zipf exponent of simnic's generator), BENCH_CAPACITY_RULES
# (8192, the generator port's table), BENCH_CAPACITY_ROTATE (20: the hot set
# moves every so many seconds; each measurement lasts three periods),
# BENCH_CAPACITY_CONFIGS ("base-on series-on-first series-on
# series-on-unlimited": 3.1, the series with the NIC left to the first
# megaflows (hw-offload-max-evictions=0), the series, and the series with a
# table that holds every megaflow) and BENCH_REPEATS (2).
#
# Each measurement starts its own ovsdb-server and ovs-vswitchd (or
# dpdk-testpmd for the floor) with a private run directory, DPDK with
# --no-pci, one PMD on CPU 1 and every other thread on CPU 0; traffic
# never leaves the process: a simnic generator port feeds the bridge, a
# simnic sink port takes its output.  Repeats are interleaved: each round
# measures every configuration once.
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"
# shellcheck source=scripts/ovs-run.sh
. "$TOP/scripts/ovs-run.sh"
need_root "the benchmark"

mode=full
case ${1:-} in
    smoke) mode=smoke ;;
    capacity) mode=capacity ;;
    "") ;;
    *) die "unknown argument '$1' (usage: $(basename "$0") [smoke|capacity])" ;;
esac

if [ $mode = smoke ]; then
    SIZES=${BENCH_SIZES:-"1000"}
    MASKS=${BENCH_MASKS:-"1 8"}
    REPEATS=${BENCH_REPEATS:-1}
    SECONDS_PER_RUN=${BENCH_SECONDS:-1}
    PROFILE_POINTS=${BENCH_PROFILE_POINTS-"1000:8"}
    OUT_DIR=$BUILD_DIR/bench
elif [ $mode = capacity ]; then
    REPEATS=${BENCH_REPEATS:-2}
    OUT_DIR=$TOP/bench/results
else
    SIZES=${BENCH_SIZES:-"1 1000 10000 100000"}
    MASKS=${BENCH_MASKS:-"1 8"}
    REPEATS=${BENCH_REPEATS:-5}
    SECONDS_PER_RUN=${BENCH_SECONDS:-5}
    PROFILE_POINTS=${BENCH_PROFILE_POINTS-"10000:8 100000:1"}
    OUT_DIR=$TOP/bench/results
fi
CONFIGS=${BENCH_CONFIGS:-"floor base-off base-on series-off series-on"}
REWRITE_CONFIGS=${BENCH_REWRITE_CONFIGS-"base-off-rw base-on-rw series-off-rw series-on-rw"}
PROFILE_CONFIGS=${BENCH_PROFILE_CONFIGS-"series-on-ixgbe series-on-i40e series-on-mlx5"}
SWITCH_CONFIGS=${BENCH_SWITCH_CONFIGS-"series-on-switch series-on-mixed"}
if [ $mode = smoke ]; then
    CAPACITY_POINTS=${BENCH_CAPACITY_POINTS:-"5000:1.1"}
    CAPACITY_RULES=${BENCH_CAPACITY_RULES:-256}
    CAPACITY_ROTATE=${BENCH_CAPACITY_ROTATE:-3}
    CAPACITY_CONFIGS=${BENCH_CAPACITY_CONFIGS:-"series-on-first series-on"}
else
    CAPACITY_POINTS=${BENCH_CAPACITY_POINTS:-"100000:1.1 100000:0.8"}
    CAPACITY_RULES=${BENCH_CAPACITY_RULES:-8192}
    CAPACITY_ROTATE=${BENCH_CAPACITY_ROTATE:-20}
    CAPACITY_CONFIGS=${BENCH_CAPACITY_CONFIGS:-"base-on series-on-first series-on series-on-unlimited"}
fi
BIG_FRAME=1518
BASE_TREE=$BUILD_DIR/ovs-base
SIMNIC_PLUGIN=$BUILD_DIR/simnic/librte_net_simnic.so
RUN_DIR=$BUILD_DIR/bench-run
PREFIX=ovsbench
# How long a configuration may take to set up its megaflows and rules.
SETUP_TIMEOUT=${BENCH_SETUP_TIMEOUT:-300}

mkdir -p "$OUT_DIR"
stamp=$(date -u '+%Y-%m-%d-%H%M')
RAW=$OUT_DIR/$stamp.tsv
RAW_CAPACITY=$OUT_DIR/$stamp-capacity.tsv
if [ $mode = smoke ]; then
    RAW=$OUT_DIR/smoke.tsv
    RAW_CAPACITY=$OUT_DIR/smoke-capacity.tsv
fi

progress() {
    printf '%s bench: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2
}

# --- One OVS measurement -----------------------------------------------------

ovs_pid=

stop_ovs() {
    ovs_stop "$RUN_DIR"
    rm -rf "/var/run/dpdk/$PREFIX"
}

testpmd_pid=

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    stop_ovs
    [ -n "$testpmd_pid" ] && kill "$testpmd_pid" 2>/dev/null
    rm -rf "/var/run/dpdk/$PREFIX"
    exit $rc
}

# Prints EAL's memory arguments: hugepages if there are enough free ones.
eal_memory_args() {
    local free
    free=$(awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo)
    if [ "${free:-0}" -ge 512 ]; then
        echo "--socket-mem 1024"
    else
        echo "--no-huge --legacy-mem -m 1024"
    fi
}

# Writes the OpenFlow rules for N megaflows in M subtables to file $3, with
# actions $4 (e.g. "output:2"; "A|B" gives flow i actions A if i is even,
# B if odd).  Flow i of simnic's generator comes from
# 10.0.0.1 + i, UDP port 1024 + i mod 64512.  Each rule matches one flow's
# source address; in group g = i mod M it also matches the flow's source
# port under the mask 0xffff << g, so that the megaflows of group g share a
# mask of their own.
write_rules() {
    local n=$1 m=$2
    "$PYTHON3" - "$n" "$m" "$4" >"$3" <<'EOF'
import sys
n, m, actions = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3].split("|")
for i in range(n):
    a = 0x0a000001 + i
    ip = "%d.%d.%d.%d" % (a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255)
    match = "priority=10,in_port=1,udp,nw_src=%s" % ip
    if m > 1:
        mask = (0xffff << (i % m)) & 0xffff
        port = (1024 + i % 64512) & mask
        match += ",tp_src=0x%x/0x%x" % (port, mask)
    print(match + ",actions=" + actions[i % len(actions)])
print("priority=0,actions=drop")
EOF
}

# Starts ovsdb-server and ovs-vswitchd of tree $1 in $RUN_DIR, with
# other_config:hw-offload=$2, a bridge with a generator port of $3 flows of
# $4-byte frames (port 1) and a sink port (port 2), and the rules of file
# $5; the NIC's counters read every $6 ms; $7, if any, is the generator
# port's simnic profile; $8 is added to its gen spec, $9 to its devargs;
# $10 holds more other_config settings (key=value, separated by spaces);
# $11, if any, replaces the sink port's devargs; $12, if any, are the
# devargs of a third port (port 3).
start_ovs() {
    local tree=$1 offload=$2 n=$3 size=$4 rules=$5 interval=${6:-1000}
    local profile=${7:+,profile=$7} gen_more=${8-} devargs_more=${9-}
    local sink=${11:-net_simnic_sink,sink=1} third=${12-}
    local -a more_config
    read -r -a more_config <<<"${10-}"

    # --no-pci: DPDK never takes the machine's own NIC.  Everything but the
    # PMD runs on CPU 0; the PMD has CPU 1 to itself.  The flow limit and
    # idle time are raised so that 100k megaflows stay.
    OVS_CPUS=0 ovs_start "$RUN_DIR" "$tree" \
        dpdk-init=true \
        dpdk-extra="--no-pci $(eal_memory_args) --file-prefix=$PREFIX -d $SIMNIC_PLUGIN" \
        pmd-cpu-mask=0x2 \
        n-handler-threads=1 \
        n-revalidator-threads=1 \
        flow-limit=1000000 \
        max-idle=3600000 \
        hw-offload="$offload" \
        hw-offload-stats-interval="$interval" \
        "${more_config[@]}"
    ovs-vsctl add-br br0 -- set bridge br0 datapath_type=netdev \
        -- set-fail-mode br0 secure
    ovs-ofctl del-flows br0
    ovs-ofctl add-flows br0 "$rules"
    # The revalidators start with a flow limit of 10000 that they raise by
    # 1000 per round, and lower when a dump of the flows takes long, which
    # it does with 100k flows on a shared CPU: megaflows then come and go
    # and the PMD spends its time in upcalls.  Admit all the megaflows at
    # once and keep them: the benchmark measures the steady state.
    ovs-appctl upcall/set-flow-limit 1000000 >/dev/null
    ovs-appctl revalidator/pause
    if [ -n "$third" ]; then
        ovs-vsctl add-port br0 third -- set Interface third type=dpdk \
            ofport_request=3 options:dpdk-devargs="$third"
    fi
    ovs-vsctl add-port br0 sink -- set Interface sink type=dpdk \
            ofport_request=2 options:dpdk-devargs="$sink" \
        -- add-port br0 gen -- set Interface gen type=dpdk ofport_request=1 \
            options:dpdk-devargs="net_simnic_gen,gen=flows:$n/size:$size$gen_more$profile$devargs_more"
}

# Prints a figure of the PMD in the pmd-stats-show output on stdin: $1 is
# the label.
pmd_stat_of() {
    awk -v label="$1" '
        /^pmd thread/ { pmd = 1 } /^main thread/ { pmd = 0 }
        pmd && index($0, label ":") {
            sub(".*" label ": *", ""); print $1 + 0; exit }'
}

# Prints the PMD's cycles of kind $1 ("idle", "processing") in the
# pmd-stats-show output on stdin (exact: awk would round large numbers).
pmd_cycles_of() {
    sed -n "/^pmd thread/,/^main thread/s/^ *$1 cycles: \([0-9]*\).*/\1/p"
}

# Prints how many frames the simnic switch of the running OVS forwarded
# or dropped by its rules (transfer rules: no host Rx queue sees them).
switch_forwarded() {
    "$PYTHON3" "$TOP/scripts/dpdk-xstat.py" "$PREFIX" \
        switch_rx_forwarded switch_rx_dropped | awk '{ n += $1 } END { print n }'
}

# Prints a figure of pmd-stats-show for the PMD: $1 is the label.
pmd_stat() {
    ovs-appctl dpif-netdev/pmd-stats-show | pmd_stat_of "$1"
}

# Prints the number of rules the offload code of configuration $1 has
# installed.
rules_installed() {
    case $1 in
        series-on*)
            ovs-appctl dpif-netdev/offload-stats-show \
                | sed -n 's/^  Rules in use: //p' ;;
        base-on*)
            ovs-appctl dpctl/offload-stats-show \
                | sed -n 's/^ *Total *Inserted offloads: *//p' ;;
        *) echo 0 ;;
    esac
}

# Prints how many megaflows the series' offload left in software.
megaflows_refused() {
    ovs-appctl dpif-netdev/offload-stats-show \
        | sed -n 's/^  Megaflows in software: //p'
}

# Waits until the datapath has $2 megaflows and, for configuration $1 with
# offload, until they all have rules, or, on a NIC profile, until each has
# a rule or was refused one.  Prints the rule insertion rate (rules per
# second, from the first rule to the last) or "-".
wait_setup() {
    local config=$1 n=$2 start=$SECONDS first='' last='' t rules=0 offload=false
    local done=0
    case $config in *-on*) offload=true ;; esac
    while :; do
        t=$(date +%s.%N)
        if $offload; then
            rules=$(rules_installed "$config")
            rules=${rules:-0}
            [ -z "$first" ] && [ "$rules" -gt 0 ] && first=$t
            done=$rules
            case $config in
                series-on-ixgbe|series-on-i40e|series-on-mlx5)
                    done=$((rules + $(megaflows_refused))) ;;
            esac
        fi
        if [ "$(pmd_stat 'miss with success upcall')" -ge "$n" ] \
           && { ! $offload || [ "$done" -ge "$n" ]; }; then
            last=$t
            break
        fi
        [ $((SECONDS - start)) -lt "$SETUP_TIMEOUT" ] \
            || die "$config: $(pmd_stat 'miss with success upcall') megaflows and $rules rules after ${SETUP_TIMEOUT}s, not $n"
        sleep 0.05
    done
    if $offload && [ -n "$first" ]; then
        "$PYTHON3" -c "d = $last - $first; print('%.0f' % ($n / d) if d > 0.01 else '-')"
    else
        echo -
    fi
}

# Prints the insertion latency percentiles "P50 P99" (microseconds) that
# configuration $1 reports and the worker's mean time per installation
# (microseconds), or "- - -".
insert_latency() {
    local stats
    case $1 in
        series-on*)
            stats=$(ovs-appctl dpif-netdev/offload-stats-show)
            echo "$(echo "$stats" | sed -n 's/^  Insertion latency (us): mean [0-9]*, p50 \([0-9]*\), p99 \([0-9]*\).*/\1 \2/p') $(echo "$stats" | sed -n 's/^  Installation time (us): mean \([0-9.]*\),.*/\1/p')" ;;
        base-on*)
            # 3.1 reports a mean only.
            echo "$(ovs-appctl dpctl/offload-stats-show \
                    | sed -n 's/^ *Total *Cumulative Average latency (us): *//p') - -" ;;
        *) echo "- - -" ;;
    esac
}

# Measures configuration $1 (base-off, base-on, series-off, series-on, ...)
# with $2 megaflows in $3 subtables and $4-byte frames; appends a line to
# $RAW.  The traffic is what the generator sent: the packets the PMD
# received and those the NIC's switch forwarded without it.  Cycles per
# packet are the PMD's processing cycles per packet of the traffic (for
# the configurations without a switch, OVS's "avg processing cycles per
# packet"); host cycles per packet count the PMD's idle cycles too, in
# which simnic generates and, as a switch, forwards frames: the NIC's
# work, done on the host's CPU by the emulation.
measure_ovs() {
    local config=$1 n=$2 m=$3 size=$4 round=$5 tree offload rate
    local interval=1000
    local rules=$RUN_DIR.rules cycles packets rss huge actions=output:2
    local lat_p50 lat_p99 install stats
    local switch=false gen_devargs='' sink='' third='' forwarded=0
    local busy idle figures
    case $config in
        base-*) tree=$BASE_TREE ;;
        series-*) tree=$OVS_TREE ;;
    esac
    case $config in *-on*) offload=true ;; *) offload=false ;; esac
    local profile='' hits nic_share
    [ "$config" = series-on-noread ] && interval=3600000
    case $config in
        series-on-ixgbe|series-on-i40e|series-on-mlx5)
            profile=${config#series-on-} ;;
    esac
    # Header rewriting: the actions read and write L3 and L4 headers.
    case $config in
        *-rw) actions=mod_dl_dst:02:aa:00:00:00:01,mod_tp_dst:9999,dec_ttl,output:2 ;;
    esac
    # A switch: the generator is its PF, the sink the representor of its
    # VF 0; in the mixed load every other flow goes to a sink outside the
    # switch, which the NIC cannot forward to.
    case $config in
        series-on-switch|series-on-mixed)
            switch=true
            gen_devargs=,switch=sw0
            sink=net_simnic_vf0,switch=sw0,representor=vf0,sink=1 ;;
    esac
    if [ "$config" = series-on-mixed ]; then
        actions="output:2|output:3"
        third=net_simnic_out,sink=1
    fi

    write_rules "$n" "$m" "$rules" "$actions"
    start_ovs "$tree" "$offload" "$n" "$size" "$rules" "$interval" \
        "$profile" '' "$gen_devargs" '' "$sink" "$third"
    rate=$(wait_setup "$config" "$n")
    # Let the generator's first pass after the last rule change end, so
    # that simnic classifies on the NIC's clock (see simnic's README).
    sleep 1
    ovs-appctl dpif-netdev/pmd-stats-clear >/dev/null
    $switch && forwarded=$(switch_forwarded)
    sleep "$SECONDS_PER_RUN"
    # One reading, so that the figures are of the same moment.
    stats=$(ovs-appctl dpif-netdev/pmd-stats-show)
    $switch && forwarded=$(($(switch_forwarded) - forwarded))
    cycles=$(echo "$stats" \
             | sed -n '/^pmd thread/,/^main thread/s/^ *avg processing cycles per packet: \([0-9.]*\).*/\1/p')
    packets=$(echo "$stats" | pmd_stat_of 'packets received')
    busy=$(echo "$stats" | pmd_cycles_of processing)
    idle=$(echo "$stats" | pmd_cycles_of idle)
    # Traffic Mpps, host cycles per packet, the share the NIC forwarded
    # and, with a switch, the PMD's processing cycles per packet.
    figures=$("$PYTHON3" -c "
t = ${packets:-0} + $forwarded
print('%.3f' % (t / $SECONDS_PER_RUN / 1e6),
      '%.1f' % ((${busy:-0} + ${idle:-0}) / t) if t else '-',
      '%.3f' % ($forwarded / t) if t else '-',
      '%.1f' % (${busy:-0} / t) if t else '-')")
    $switch && cycles=${figures##* }
    # The share of the packets that the PMD found by their mark.
    hits=$(echo "$stats" | pmd_stat_of 'phwol hits')
    nic_share=$("$PYTHON3" -c "p = ${packets:-0}; print('%.3f' % (${hits:-0} / p) if p else '-')")
    rss=$(ps -o rss= -p "$ovs_pid" | tr -d ' ')
    huge=$(awk '/^HugePages_Total:/ { t = $2 } /^HugePages_Free:/ { f = $2 }
                /^Hugepagesize:/ { s = $2 } END { print (t - f) * s / 1024 }' /proc/meminfo)
    read -r lat_p50 lat_p99 install < <(insert_latency "$config")
    stop_ovs
    read -r -a figures <<<"$figures"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
        "$config" "$n" "$m" "$size" "$round" "${cycles:--}" \
        "${figures[0]}" "$rss" "$huge" "$rate" "$lat_p50" "$lat_p99" \
        "$install" "$nic_share" "${figures[1]}" "${figures[2]}" >>"$RAW"
    progress "$config N=$n masks=$m size=$size round $round: ${cycles:-?} cycles/packet, ${figures[1]} host cycles/packet, NIC share $nic_share, forwarded by the NIC ${figures[2]}, ${figures[0]} Mpps, insertion ${rate} rules/s"
}

# --- Capacity: a NIC too small for the megaflows ----------------------------

# Prints the figures of the running OVS that the capacity timeline records:
# packets the PMD received, of which found by mark, rules given to hotter
# megaflows, rules in use.
capacity_sample() {
    local config=$1 stats offload
    stats=$(ovs-appctl dpif-netdev/pmd-stats-show)
    printf '%s\t%s' "$(echo "$stats" | pmd_stat_of 'packets received')" \
        "$(echo "$stats" | pmd_stat_of 'phwol hits')"
    case $config in
        series-*)
            offload=$(ovs-appctl dpif-netdev/offload-stats-show)
            printf '\t%s\t%s\n' \
                "$(echo "$offload" | sed -n 's/^  Rules given to hotter megaflows: //p')" \
                "$(echo "$offload" | sed -n 's/^  Rules in use: //p')" ;;
        *) printf '\t-\t%s\n' "$(rules_installed "$config")" ;;
    esac
}

# Measures configuration $1 with a generator of $2 flows whose popularity
# is Zipf with exponent $3 and whose hot set moves every CAPACITY_ROTATE
# seconds, on a port that holds CAPACITY_RULES rules (unless the
# configuration is series-on-unlimited): one line a second for three
# periods in $RAW_CAPACITY, from the moment the generator port is added; the
# PMD's cycles per packet over the second half of the last period.
measure_capacity() {
    local config=$1 n=$2 s=$3 round=$4 tree=$OVS_TREE more='' limit
    local rules=$RUN_DIR.rules start t cycles
    local seconds=$((3 * CAPACITY_ROTATE)) clear_at=$((5 * CAPACITY_ROTATE / 2))
    limit=,max_rules=$CAPACITY_RULES
    case $config in
        base-on) tree=$BASE_TREE ;;
        series-on-first) more=hw-offload-max-evictions=0 ;;
        series-on-unlimited) limit= ;;
    esac

    write_rules "$n" 1 "$rules" output:2
    start_ovs "$tree" true "$n" 64 "$rules" 1000 '' \
        "/zipf:$s/seed:1/rotate:$CAPACITY_ROTATE" "$limit" "$more"
    start=$(date +%s.%N)
    for t in $(seq "$seconds"); do
        sleep "$("$PYTHON3" -c "import time; print(max(0, $start + $t - time.time()))")"
        [ "$t" = "$clear_at" ] && ovs-appctl dpif-netdev/pmd-stats-clear >/dev/null
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$config" "$n" "$s" "$round" "$t" \
            "$(capacity_sample "$config")" >>"$RAW_CAPACITY"
    done
    cycles=$(ovs-appctl dpif-netdev/pmd-stats-show \
             | sed -n '/^pmd thread/,/^main thread/s/^ *avg processing cycles per packet: \([0-9.]*\).*/\1/p')
    printf '%s\t%s\t%s\t%s\tcycles\t%s\t-\t-\t-\n' "$config" "$n" "$s" \
        "$round" "${cycles:--}" >>"$RAW_CAPACITY"
    stop_ovs
    progress "$config flows=$n zipf=$s round $round: ${cycles:-?} cycles/packet at the end"
}

# The capacity measurements and their report; the builds are done.
capacity_run() {
    printf 'config\tflows\tzipf\tround\tsecond\tpackets\tnic_hits\tevicted\trules\n' >"$RAW_CAPACITY"
    progress "capacity: $CAPACITY_CONFIGS; flows:zipf $CAPACITY_POINTS; $CAPACITY_RULES rules; hot set moves every ${CAPACITY_ROTATE}s; $REPEATS rounds"
    for round in $(seq "$REPEATS"); do
        for point in $CAPACITY_POINTS; do
            for config in $CAPACITY_CONFIGS; do
                measure_capacity "$config" "${point%%:*}" "${point##*:}" \
                    "$round"
            done
        done
    done
    "$PYTHON3" "$TOP/scripts/bench-capacity-report.py" "$RAW_CAPACITY" \
        "$CAPACITY_RULES" "$CAPACITY_ROTATE"
}

# Sets the traps and builds what the measurements run.
prepare() {
    trap cleanup EXIT
    trap 'exit 130' INT TERM

    "$TOP/scripts/build.sh" >/dev/null
    "$TOP/scripts/build-base.sh"
    "$TOP/scripts/simnic.sh" >/dev/null
    "$TOP/scripts/hugepages.sh" >/dev/null
}

# --- The floor: dpdk-testpmd forwarding gen -> sink --------------------------

measure_floor() {
    local n=$1 size=$2 round=$3 fifo=$RUN_DIR/testpmd.in out=$RUN_DIR/testpmd.out
    local cycles
    rm -rf "$RUN_DIR"
    mkdir -p "$RUN_DIR"
    mkfifo "$fifo"
    # shellcheck disable=SC2046
    taskset -c 0,1 dpdk-testpmd -l 0,1 --no-pci $(eal_memory_args) \
        --file-prefix=$PREFIX -d "$SIMNIC_PLUGIN" \
        --vdev "net_simnic_gen,gen=flows:$n/size:$size" \
        --vdev net_simnic_sink,sink=1 -- -i --no-mlockall \
        --forward-mode=io --nb-cores=1 --burst=32 --record-core-cycles \
        <"$fifo" >"$out" 2>&1 &
    testpmd_pid=$!
    {
        echo start
        sleep $((SECONDS_PER_RUN + 1))
        echo stop
        echo quit
    } >"$fifo"
    wait "$testpmd_pid" || true
    testpmd_pid=
    rm -rf "/var/run/dpdk/$PREFIX"
    cycles=$(sed -n 's/.*CPU cycles\/packet=\([0-9.]*\).*/\1/p' "$out" | tail -1)
    [ -n "$cycles" ] || die "dpdk-testpmd reported no cycles per packet; see $out"
    printf 'floor\t%s\t-\t%s\t%s\t%s\t-\t-\t-\t-\t-\t-\t-\t-\t%s\t-\n' "$n" \
        "$size" "$round" "$cycles" "$cycles" >>"$RAW"
    progress "floor N=$n size=$size round $round: $cycles cycles/packet"
}

# --- The run -----------------------------------------------------------------

main() {
    prepare

    printf 'config\tmegaflows\tmasks\tframe\tround\tcycles_per_packet\tmpps\trss_kb\thugepages_mb\tinsert_per_s\tinsert_p50_us\tinsert_p99_us\tinstall_us\tnic_share\thost_cycles_per_packet\tnic_forwarded\n' >"$RAW"
    progress "configurations: $CONFIGS $SWITCH_CONFIGS; megaflows: $SIZES; masks: $MASKS; $REPEATS rounds of ${SECONDS_PER_RUN}s"
    for round in $(seq "$REPEATS"); do
        for m in $MASKS; do
            for n in $SIZES; do
                for config in $CONFIGS; do
                    if [ "$config" = floor ]; then
                        [ "$m" = "${MASKS%% *}" ] \
                            && measure_floor "$n" 64 "$round"
                    else
                        measure_ovs "$config" "$n" "$m" 64 "$round"
                    fi
                done
                for config in $SWITCH_CONFIGS; do
                    measure_ovs "$config" "$n" "$m" 64 "$round"
                done
            done
        done
        # One point with large frames: the largest N, one subtable.
        n=${SIZES##* }
        for config in $CONFIGS; do
            if [ "$config" = floor ]; then
                measure_floor "$n" $BIG_FRAME "$round"
            else
                measure_ovs "$config" "$n" 1 $BIG_FRAME "$round"
            fi
        done
        # One point with header-rewriting rules: the largest N, one
        # subtable, beside the floor measured above.
        for config in $REWRITE_CONFIGS; do
            measure_ovs "$config" "$n" 1 64 "$round"
        done
        # The NIC profiles, at the points where (c) and (d) are measured.
        for point in $PROFILE_POINTS; do
            for config in $PROFILE_CONFIGS; do
                measure_ovs "$config" "${point%%:*}" "${point##*:}" 64 \
                    "$round"
            done
        done
    done

    if awk -F'\t' 'NR > 1 && $6 == "-" { bad = 1 } END { exit !bad }' "$RAW"; then
        die "some configurations gave no cycles per packet; see $RAW"
    fi
    "$PYTHON3" "$TOP/scripts/bench-report.py" "$RAW" "$mode"
    [ $mode = smoke ] && capacity_run
    return 0
}

if [ $mode = capacity ]; then
    prepare
    capacity_run
else
    main "$@"
fi
