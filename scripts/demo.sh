#!/bin/bash
# The demo: two network namespaces that ping each other through an OVS-DPDK
# bridge built from the series, on simnic ports with hw-offload=true: the
# megaflows become rte_flow rules in simnic, which marks their packets, and
# the PMD finds their flows by mark.  Everything runs from build/, with a
# private run directory; everything it creates is removed on exit, also on
# failure or Ctrl-C.
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"
# shellcheck source=scripts/ovs-run.sh
. "$TOP/scripts/ovs-run.sh"
need_root "the demo"

DEMO_DIR=$BUILD_DIR/demo
PREFIX=rfdemo                      # names of namespaces, veths, bridge
NS_A=$PREFIX-a
NS_B=$PREFIX-b
IP_A=10.231.0.1
IP_B=10.231.0.2
BRIDGE=br-$PREFIX
SIMNIC_PLUGIN=$BUILD_DIR/simnic/librte_net_simnic.so

created_ns=
created_veth=

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    ovs_stop "$DEMO_DIR" --cleanup
    rm -rf "/var/run/dpdk/$PREFIX"
    for ns in $created_ns; do ip netns del "$ns" 2>/dev/null; done
    for veth in $created_veth; do ip link del "$veth" 2>/dev/null; done
    [ $rc = 0 ] || echo "demo: FAILED (logs in $DEMO_DIR)" >&2
    exit $rc
}

step() {
    printf '\n==> %s\n' "$*"
}

# Makes namespace $1 with address $2 on one end of a veth pair; the other
# end, named $3, stays in the root namespace for OVS.
add_host() {
    ip netns add "$1"
    created_ns="$created_ns $1"
    ip link add "$3" type veth peer name eth0 netns "$1"
    created_veth="$created_veth $3"
    ip link set "$3" up
    ip -n "$1" addr add "$2/24" dev eth0
    ip -n "$1" link set eth0 up
    ip -n "$1" link set lo up
}

start_ovs() {
    # --no-pci: DPDK must never take the machine's own NIC.  --no-huge: the
    # demo reserves no hugepages; simnic's ports on Linux interfaces do not
    # need them.  EAL treats --no-huge as legacy memory, which rules out
    # the --in-memory mode OVS adds unless told --legacy-mem.  -d loads
    # simnic.
    ovs_start "$DEMO_DIR" "$OVS_TREE" \
        dpdk-init=true \
        dpdk-extra="--no-pci --no-huge --legacy-mem -m 1024 --file-prefix=$PREFIX -d $SIMNIC_PLUGIN" \
        pmd-cpu-mask=0x1 \
        hw-offload=true
}

# Adds simnic port $1, which sends and receives on Linux interface $2.
add_simnic_port() {
    ovs-vsctl add-port "$BRIDGE" "$1" -- set Interface "$1" type=dpdk \
        options:dpdk-devargs="net_simnic_$1,iface=$2"
}

# Prints simnic's rule counters of every DPDK port, read through DPDK's
# telemetry socket.
show_simnic_xstats() {
    local port
    for port in 0 1; do echo "/ethdev/xstats,$port"; done \
        | dpdk-telemetry.py -f "$PREFIX" 2>/dev/null \
        | "$PYTHON3" -c '
import json, sys
port = 0
for line in sys.stdin:
    if line.startswith("{"):
        x = json.loads(line).get("/ethdev/xstats") or {}
        print("port %d: rx_good_packets=%d rules_installed=%d flow_hits=%d"
              % (port, x.get("rx_good_packets", 0),
                 x.get("rules_installed", 0), x.get("flow_hits", 0)))
        port += 1'
}

# Waits up to 10 s until the NIC has a rule for a flow of each direction.
wait_offloaded() {
    for _ in $(seq 100); do
        [ "$(ovs-appctl dpctl/dump-flows -m type=offloaded \
             | grep -c 'eth_type(0x0800).*offload:mark')" -ge 2 ] && return 0
        sleep 0.1
    done
    die "the ICMP megaflows were not offloaded"
}

main() {
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    [ -x "$OVS_TREE/vswitchd/ovs-vswitchd" ] || die "OVS is not built: run 'make build'"

    step "namespaces $NS_A ($IP_A) and $NS_B ($IP_B) on veth pairs"
    add_host "$NS_A" "$IP_A" "$PREFIX-pa"
    add_host "$NS_B" "$IP_B" "$PREFIX-pb"

    step "simnic, the software NIC with rte_flow: $SIMNIC_PLUGIN"
    "$TOP/scripts/simnic.sh" >"$BUILD_DIR/simnic-build.log" 2>&1 \
        || die "building simnic failed; see $BUILD_DIR/simnic-build.log"

    step "ovsdb-server and ovs-vswitchd from $OVS_TREE, run directory $DEMO_DIR"
    start_ovs
    ovs-vsctl add-br "$BRIDGE" -- set bridge "$BRIDGE" datapath_type=netdev
    add_simnic_port dpdk-a "$PREFIX-pa"
    add_simnic_port dpdk-b "$PREFIX-pb"
    ovs-vsctl show

    step "ping $IP_B from $NS_A: the first packets make the megaflows"
    ip netns exec "$NS_A" ping -c 3 -i 0.2 -W 2 "$IP_B"
    wait_offloaded

    step "ovs-appctl dpctl/dump-flows -m type=offloaded: the NIC has their rules"
    ovs-appctl dpctl/dump-flows -m type=offloaded

    step "ping again: simnic marks the packets, the PMD maps marks to flows"
    ip netns exec "$NS_A" ping -c 5 -i 0.2 -W 2 "$IP_B"

    step "simnic's counters (DPDK telemetry)"
    show_simnic_xstats

    step "ovs-appctl dpif-netdev/offload-stats-show"
    ovs-appctl dpif-netdev/offload-stats-show

    step "ovs-appctl dpif-netdev/pmd-stats-show: 'phwol hits' are packets found by mark"
    ovs-appctl dpif-netdev/pmd-stats-show

    step "demo passed; tearing down"
}

main "$@"
