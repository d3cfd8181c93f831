#!/bin/bash
# Runs simnic's micro-benchmark (bench/simnic/bench_simnic.c, built by
# scripts/simnic.sh as build/simnic/bench_simnic) and prints its Markdown
# table with a header saying where it ran.
#
#   scripts/simnic-bench.sh            full run (well under 2 minutes)
#   scripts/simnic-bench.sh quick      a tenth of the Rx packets
#   scripts/simnic-bench.sh record     ... and write bench/simnic/results.md
#
# EAL runs with --no-huge --no-pci on one core (lcore 0); nothing else is
# touched.  Numbers are TSC cycles and operations per second of that core;
# on a shared machine each figure is the best of several rounds.
set -euo pipefail
# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"

RESULTS=$TOP/bench/simnic/results.md

quick=
record=false
for arg in "$@"; do
    case $arg in
        quick) quick=--quick ;;
        record) record=true ;;
        -h|--help)
            echo "usage: $(basename "$0") [quick] [record]" >&2
            exit 2
            ;;
        *) die "unknown argument '$arg' (usage: $(basename "$0") [quick] [record])" ;;
    esac
done

"$TOP/scripts/simnic.sh" build
bench=$BUILD_DIR/simnic/bench_simnic
[ -x "$bench" ] || die "$bench was not built"

out=$(mktemp)
trap 'rm -f "$out"' EXIT
{
    echo "# simnic micro-benchmark"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
    echo "- DPDK: $(pkg-config --modversion libdpdk) (libdpdk-dev $(dpkg-query -W -f='${Version}' libdpdk-dev 2>/dev/null || echo '?'))"
    echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- command: scripts/simnic-bench.sh${quick:+ quick}"
    echo
    SIMNIC_PLUGIN=$BUILD_DIR/simnic/librte_net_simnic.so "$bench" $quick
    cat <<'EOF'

How to read it:

- Every generated flow matches exactly one rule (flows = rules), so Rx
  touches the whole table.  Rule *i* matches flow *i*'s UDP source port
  exactly and its source address under a prefix of 32 - (*i* mod masks)
  bits: *masks* distinct masks, all of priority 0, so a lookup probes
  every mask table.
- create / destroy: `rte_flow_create` / `rte_flow_destroy` per second on
  one thread (tables under 10k rules are filled and emptied repeatedly).
- Rx: TSC cycles per packet of `rte_eth_rx_burst` (bursts of 32) plus
  `rte_pktmbuf_free_bulk`, on a gen port of 64-byte UDP frames.  Host
  clock: every frame is parsed and looked up in rx_burst.  NIC clock:
  each flow's cached verdict is applied (what a real NIC's Rx costs the
  host).  Host minus NIC is the lookup's cost on the host.  With 0 rules
  the host clock skips classification altogether.
- NIC clock, first pass after a change: a rule change invalidates every
  cached verdict; the next pass over the flows classifies each flow once,
  on the host's clock.  (With 1 rule there is 1 flow: the pass is one
  burst of 32 frames, of which one is classified.)
- Each figure is the best of 5 rounds.
EOF
} | tee "$out"

if $record; then
    cp "$out" "$RESULTS"
    info "wrote $RESULTS"
fi
