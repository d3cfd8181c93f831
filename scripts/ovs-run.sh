# shellcheck shell=bash
# Starting and stopping an Open vSwitch of a built tree, with all its files
# in a directory of its own: for the demo and the benchmark.  Sourced after
# common.sh, not run.

# The PATH without any tree's programs, for ovs_start to put one tree's
# first.
OVS_ORIG_PATH=${OVS_ORIG_PATH:-$PATH}

# The pid of the ovs-vswitchd that ovs_start started last, for the caller.
# shellcheck disable=SC2034
ovs_pid=

# ovs_start DIR TREE [KEY=VALUE]...
#
# Starts ovsdb-server and ovs-vswitchd of built tree TREE, their database,
# sockets, pidfiles and logs in DIR (emptied first), with each KEY=VALUE
# set in Open_vSwitch's other_config before ovs-vswitchd starts.  Both run
# on the CPUs of OVS_CPUS (a taskset list), if set.  Exports what OVS's
# tools need to find them, puts TREE's programs first on PATH, and sets
# ovs_pid to ovs-vswitchd's pid.
ovs_start() {
    local dir=$1 tree=$2 kv
    local -a on_cpus=() settings=()
    shift 2

    rm -rf "$dir"
    mkdir -p "$dir"
    export OVS_RUNDIR=$dir OVS_LOGDIR=$dir OVS_DBDIR=$dir
    export OVS_SYSCONFDIR=$dir OVS_PKGDATADIR=$tree
    export PATH=$tree/utilities:$tree/vswitchd:$tree/ovsdb:$OVS_ORIG_PATH
    if [ -n "${OVS_CPUS-}" ]; then
        on_cpus=(taskset -c "$OVS_CPUS")
    fi
    for kv; do
        settings+=("other_config:$kv")
    done

    ovsdb-tool create "$dir/conf.db" "$tree/vswitchd/vswitch.ovsschema"
    "${on_cpus[@]}" ovsdb-server --detach --no-chdir --pidfile --log-file \
        --remote="punix:$dir/db.sock" "$dir/conf.db"
    ovs-vsctl --no-wait init
    if [ $# -gt 0 ]; then
        ovs-vsctl --no-wait set Open_vSwitch . "${settings[@]}"
    fi
    "${on_cpus[@]}" ovs-vswitchd --detach --no-chdir --pidfile --log-file \
        2>"$dir/ovs-vswitchd.stderr" \
        || die "ovs-vswitchd did not start: $(tail -5 "$dir/ovs-vswitchd.log")"
    ovs_pid=$(cat "$dir/ovs-vswitchd.pid")
}

# ovs_stop DIR [--cleanup]
#
# Stops the ovs-vswitchd and ovsdb-server that ovs_start started in DIR, by
# the pids in their pidfiles: SIGTERM, SIGKILL after 10 s.  With --cleanup,
# first asks ovs-vswitchd to exit and remove its datapaths, and with them
# the datapath's tap device.
ovs_stop() {
    local dir=$1 name pid

    if [ "${2-}" = --cleanup ] && [ -f "$dir/ovs-vswitchd.pid" ]; then
        timeout 10 ovs-appctl exit --cleanup >/dev/null 2>&1 || true
    fi
    for name in ovs-vswitchd ovsdb-server; do
        [ -f "$dir/$name.pid" ] || continue
        pid=$(cat "$dir/$name.pid")
        kill "$pid" 2>/dev/null || continue
        for _ in $(seq 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null || true
    done
    # shellcheck disable=SC2034
    ovs_pid=
}
