#!/bin/bash
# The demo: two network namespaces that ping each other through an OVS-DPDK
# bridge built from the series.  Everything runs from build/, with a private
# run directory; everything it creates is removed on exit, also on failure
# or Ctrl-C.
set -euo pipefail
. "$(dirname "$0")/common.sh"
need_root "the demo"

DEMO_DIR=$BUILD_DIR/demo
PREFIX=rfdemo                      # names of namespaces, veths, bridge
NS_A=$PREFIX-a
NS_B=$PREFIX-b
IP_A=10.231.0.1
IP_B=10.231.0.2
BRIDGE=br-$PREFIX

export OVS_RUNDIR=$DEMO_DIR OVS_LOGDIR=$DEMO_DIR OVS_DBDIR=$DEMO_DIR
export OVS_SYSCONFDIR=$DEMO_DIR OVS_PKGDATADIR=$OVS_TREE
export PATH=$OVS_TREE/utilities:$OVS_TREE/vswitchd:$OVS_TREE/ovsdb:$PATH

created_ns=
created_veth=

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    # 'exit --cleanup' removes the bridge's tap device with the datapath.
    [ -f "$DEMO_DIR/ovs-vswitchd.pid" ] \
        && timeout 10 ovs-appctl exit --cleanup >/dev/null 2>&1
    stop_daemon ovs-vswitchd
    stop_daemon ovsdb-server
    rm -rf "/var/run/dpdk/$PREFIX"
    for ns in $created_ns; do ip netns del "$ns" 2>/dev/null; done
    for veth in $created_veth; do ip link del "$veth" 2>/dev/null; done
    [ $rc = 0 ] || echo "demo: FAILED (logs in $DEMO_DIR)" >&2
    exit $rc
}

# Stops a daemon this demo started, by the pid in its pidfile.
stop_daemon() {
    local pidfile=$DEMO_DIR/$1.pid pid
    [ -f "$pidfile" ] || return 0
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || return 0
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null
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
    rm -rf "$DEMO_DIR"
    mkdir -p "$DEMO_DIR"
    ovsdb-tool create "$DEMO_DIR/conf.db" "$OVS_TREE/vswitchd/vswitch.ovsschema"
    ovsdb-server --detach --no-chdir --pidfile --log-file \
        --remote="punix:$DEMO_DIR/db.sock" "$DEMO_DIR/conf.db"
    ovs-vsctl --no-wait init
    # --no-pci: DPDK must never take the machine's own NIC.  --no-huge: the
    # demo reserves no hugepages; AF_PACKET ports do not need them.  EAL
    # treats --no-huge as legacy memory, which rules out the --in-memory
    # mode OVS adds unless told --legacy-mem.
    ovs-vsctl --no-wait set Open_vSwitch . \
        other_config:dpdk-init=true \
        other_config:dpdk-extra="--no-pci --no-huge --legacy-mem -m 1024 --file-prefix=$PREFIX" \
        other_config:pmd-cpu-mask=0x1
    ovs-vswitchd --detach --no-chdir --pidfile --log-file \
        2>"$DEMO_DIR/ovs-vswitchd.stderr" \
        || die "ovs-vswitchd did not start: $(tail -5 "$DEMO_DIR/ovs-vswitchd.log")"
}

add_dpdk_port() {
    ovs-vsctl add-port "$BRIDGE" "$1" -- set Interface "$1" type=dpdk \
        options:dpdk-devargs="net_af_packet_$1,iface=$2"
}

main() {
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    [ -x "$OVS_TREE/vswitchd/ovs-vswitchd" ] || die "OVS is not built: run 'make build'"

    step "namespaces $NS_A ($IP_A) and $NS_B ($IP_B) on veth pairs"
    add_host "$NS_A" "$IP_A" "$PREFIX-pa"
    add_host "$NS_B" "$IP_B" "$PREFIX-pb"

    step "ovsdb-server and ovs-vswitchd from $OVS_TREE, run directory $DEMO_DIR"
    start_ovs
    ovs-vsctl add-br "$BRIDGE" -- set bridge "$BRIDGE" datapath_type=netdev
    add_dpdk_port dpdk-a "$PREFIX-pa"
    add_dpdk_port dpdk-b "$PREFIX-pb"
    ovs-vsctl show

    step "ping $IP_B from $NS_A through the bridge"
    ip netns exec "$NS_A" ping -c 5 -i 0.2 -W 2 "$IP_B"

    step "ovs-appctl dpctl/dump-flows"
    ovs-appctl dpctl/dump-flows

    step "ovs-appctl dpif-netdev/pmd-stats-show"
    ovs-appctl dpif-netdev/pmd-stats-show

    step "demo passed; tearing down"
}

main "$@"
