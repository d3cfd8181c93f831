# ovs-rteflow: hardware flow offload for OVS-DPDK through rte_flow.
# Each target is one script in scripts/; see README.md.

.PHONY: all deps tree build check check-series demo bench export clean

all: build

deps:
	@scripts/deps.sh

tree: deps
	@scripts/tree.sh

build: tree
	@scripts/build.sh

check:
	@scripts/check.sh

check-series: tree
	@scripts/check-series.sh

demo: build
	@scripts/demo.sh

bench: build
	@scripts/bench.sh

export:
	@scripts/export.sh

clean:
	@scripts/clean.sh
