#!/usr/bin/python3
"""Turns the raw results of scripts/bench.sh into a Markdown report and
plots.

    bench-report.py RESULTS.tsv full|smoke

Writes RESULTS.md next to the .tsv (and, for a full run, RESULTS-cycles.png
and RESULTS-insertion.png), and prints the Markdown."""

import collections
import os
import platform
import statistics
import subprocess
import sys

CONFIGS = ["floor", "base-off", "base-on", "series-off", "series-on",
           "series-on-noread"]
NAMES = {
    "floor": "(e) DPDK rx->tx floor",
    "base-off": "(a) OVS 3.1, offload off",
    "base-on": "(b) OVS 3.1, hw-offload",
    "series-off": "(c) series, offload off",
    "series-on": "(d) series, hw-offload",
    "series-on-noread": "(d') as (d), NIC counters never read",
}
# The same with header-rewriting rules, at one point.
REWRITE_CONFIGS = ["base-off-rw", "base-on-rw", "series-off-rw",
                   "series-on-rw"]
REWRITE_NAMES = {
    "base-off-rw": "(a) OVS 3.1, offload off",
    "base-on-rw": "(b) OVS 3.1, hw-offload",
    "series-off-rw": "(c) series, offload off",
    "series-on-rw": "(d) series, hw-offload",
}
# (d) with the generator port taking rules as these drivers do.
PROFILES = ["ixgbe", "i40e", "mlx5"]
# The generator port is the PF of a simnic switch, the sink a representor:
# the series forwards in the NIC every megaflow, or half of them.
SWITCH_CONFIGS = ["series-on-switch", "series-on-mixed"]
SWITCH_NAMES = {
    "series-on-switch": "(f) series, full offload",
    "series-on-mixed": "(f') series, half full, half partial",
}


def read(path):
    rows = []
    with open(path) as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            rows.append(dict(zip(header, line.rstrip("\n").split("\t"))))
    return rows


def number(value):
    try:
        return float(value)
    except ValueError:
        return None


def summary(values):
    """(median, min, max) of the numbers in 'values', or None."""
    values = [v for v in values if v is not None]
    if not values:
        return None
    return statistics.median(values), min(values), max(values)


def fmt(s, digits=0):
    if s is None:
        return "-"
    med, lo, hi = s
    if lo == hi:
        return "%.*f" % (digits, med)
    return "%.*f [%.*f-%.*f]" % (digits, med, digits, lo, digits, hi)


def ratio(a, b):
    if a is None or b is None or not b[0]:
        return None
    return a[0] / b[0]


def version(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True,
                              check=False).stdout.strip()
    except OSError:
        return "?"


def main():
    path, mode = sys.argv[1], sys.argv[2]
    rows = read(path)
    base = os.path.splitext(path)[0]

    # (config, megaflows, masks, frame) -> metric -> list of values.
    data = collections.defaultdict(lambda: collections.defaultdict(list))
    points = set()
    for r in rows:
        masks = r["masks"] if r["config"] != "floor" else "*"
        key = (r["config"], int(r["megaflows"]), masks, int(r["frame"]))
        for metric in ("cycles_per_packet", "mpps", "rss_kb", "hugepages_mb",
                       "insert_per_s", "insert_p50_us", "insert_p99_us",
                       "install_us", "nic_share", "host_cycles_per_packet",
                       "nic_forwarded"):
            data[key][metric].append(number(r.get(metric, "-")))
        if (r["config"] != "floor" and r["config"] not in REWRITE_CONFIGS
                and r["config"] not in SWITCH_CONFIGS):
            points.add((int(r["megaflows"]), r["masks"], int(r["frame"])))

    def get(config, n, masks, frame, metric="cycles_per_packet"):
        if config == "floor":
            masks = "*"
        return summary(data[(config, n, masks, frame)][metric])

    configs = [c for c in CONFIGS if any(k[0] == c for k in data)]
    out = []
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    rounds = max(int(r["round"]) for r in rows) if rows else 0
    out.append("# OVS-DPDK flow offload benchmark (%s)" % mode)
    out.append("")
    out.append("- results: `%s`" % os.path.basename(path))
    out.append("- machine: %d CPUs, %s; kernel %s" % (os.cpu_count(), cpu,
                                                     platform.release()))
    out.append("- DPDK %s; Open vSwitch 3.1.0 from Debian's "
               "openvswitch-source, unpatched and with the series"
               % version(["pkg-config", "--modversion", "libdpdk"]))
    out.append("- one PMD on CPU 1, every other thread on CPU 0; a simnic "
               "generator port (classification on the NIC's clock) -> the "
               "bridge -> a simnic sink port; %d rounds, each measuring "
               "every configuration once" % rounds)
    out.append("- figures: median [min-max] over the rounds")
    out.append("")
    out.append("## PMD cycles per packet")
    out.append("")
    out.append("| megaflows | masks | frame | " +
               " | ".join(NAMES[c] for c in configs) +
               " | d/e | b/d | c/d | c/a |")
    out.append("|" + "---:|" * (3 + len(configs) + 4))
    for n, masks, frame in sorted(points, key=lambda p: (p[2], p[1], p[0])):
        cells = [fmt(get(c, n, masks, frame)) for c in configs]
        d = get("series-on", n, masks, frame)
        e = get("floor", n, masks, frame)
        b = get("base-on", n, masks, frame)
        c = get("series-off", n, masks, frame)
        a = get("base-off", n, masks, frame)
        ratios = [ratio(d, e), ratio(b, d), ratio(c, d), ratio(c, a)]
        out.append("| %d | %s | %d | %s | %s |" % (
            n, masks, frame, " | ".join(cells),
            " | ".join("-" if x is None else "%.2f" % x for x in ratios)))
    out.append("")
    out.append("d/e: the series' offload against the floor (target <= 3); "
               "b/d: how many times fewer cycles than 3.1's offload "
               "(target >= 3 at 100k); c/d: how many times fewer than "
               "software (target >= 1); c/a: the series without offload "
               "against 3.1 without (target: within noise of 1).")
    out.append("")

    out += switch_table(data, get)
    out += rewrite_table(data, get)
    out += profile_table(data, get)
    out += targets(points, get)

    out.append("## Packets per second at the sink (millions)")
    out.append("")
    out.append("| megaflows | masks | frame | " +
               " | ".join(NAMES[c] for c in configs if c != "floor") + " |")
    out.append("|" + "---:|" * (3 + len(configs) - ("floor" in configs)))
    for n, masks, frame in sorted(points, key=lambda p: (p[2], p[1], p[0])):
        out.append("| %d | %s | %d | %s |" % (n, masks, frame, " | ".join(
            fmt(get(c, n, masks, frame, "mpps"), 2)
            for c in configs if c != "floor")))
    out.append("")

    out.append("## Rule insertion and memory")
    out.append("")
    out.append("| config | megaflows | masks | rules/s | worker rules/s | "
               "latency p50 (us) | latency p99 (us) | RSS (MiB) | "
               "hugepages (MiB) |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for config in configs:
        if config == "floor":
            continue
        for n, masks, frame in sorted(points):
            if frame != 64:
                continue
            rss = get(config, n, masks, frame, "rss_kb")
            rss = rss and tuple(v / 1024 for v in rss)
            inst = get(config, n, masks, frame, "install_us")
            inst = inst and tuple(1e6 / v for v in (inst[0], inst[2],
                                                    inst[1]) if v)
            out.append("| %s | %d | %s | %s | %s | %s | %s | %s | %s |" % (
                NAMES[config], n, masks,
                fmt(get(config, n, masks, frame, "insert_per_s")),
                fmt(inst if inst and len(inst) == 3 else None),
                fmt(get(config, n, masks, frame, "insert_p50_us")),
                fmt(get(config, n, masks, frame, "insert_p99_us")),
                fmt(rss), fmt(get(config, n, masks, frame, "hugepages_mb"))))
    out.append("")
    out.append("Insertion: rules per second from the first rule to the "
               "last (bounded by the rate of upcalls, which make the "
               "megaflows), the rate a worker can install rules at (the "
               "inverse of its mean time per installation), and the "
               "offload code's own latency figures, from a megaflow's "
               "installation to its rule's (3.1 reports a mean only, "
               "shown as p50).  Memory: "
               "ovs-vswitchd's resident set and the hugepages in use, at "
               "the end of the measurement.")

    text = "\n".join(out) + "\n"
    with open(base + ".md", "w") as f:
        f.write(text)
    print(text)

    if mode == "full":
        plot(base, points, configs, get)


def switch_table(data, get):
    """Full offload: the PMD's processing cycles per packet of the traffic
    (0 when the NIC forwards it all), the PMD core's cycles per packet
    (simnic's emulated switch included), the share the NIC forwarded and
    the packets per second at the sinks, beside (d) and the floor."""
    points = sorted({(k[1], k[2], k[3]) for k in data
                     if k[0] in SWITCH_CONFIGS})
    if not points:
        return []
    configs = [c for c in SWITCH_CONFIGS if any(k[0] == c for k in data)]
    head = ["(e) floor", "(d) series, hw-offload"] + [SWITCH_NAMES[c]
                                                      for c in configs]
    out = ["## Full offload: the NIC's switch forwards", "",
           "The generator port is the PF of a simnic switch and the sink "
           "the representor of its VF 0; in (f') every other flow goes to "
           "a sink outside the switch, so half the megaflows are fully "
           "offloaded and half classified (MARK).  PMD: the PMD's "
           "processing cycles per packet of the traffic (what Open "
           "vSwitch pays; the PMD never receives a fully offloaded "
           "packet).  Host: all the PMD core's cycles per packet, idle "
           "ones included: simnic generates and forwards frames inside "
           "rte_eth_rx_burst(), so this is the emulated NIC's work, which "
           "a real NIC does in hardware.  In (f') the PMD's figure also "
           "holds what simnic spends forwarding the other half in the same "
           "bursts (an upper bound).  NIC: the share of the traffic the "
           "switch forwarded.", "",
           "| megaflows | masks | frame | " +
           " | ".join("%s PMD | host | NIC | Mpps" % h for h in head) + " |",
           "|" + "---:|" * (3 + 4 * len(head))]
    for n, masks, frame in points:
        cells = []
        for config in ["floor", "series-on"] + configs:
            cells.append(" | ".join(
                fmt(get(config, n, masks, frame, metric), digits)
                for metric, digits in (
                    ("cycles_per_packet", 0),
                    ("host_cycles_per_packet", 0),
                    ("nic_forwarded", 2), ("mpps", 2))))
        out.append("| %d | %s | %d | %s |" % (n, masks, frame,
                                              " | ".join(cells)))
    out += ["", "Target (brief): fully offloaded flows cost the PMD 0 "
            "cycles.", ""]
    return out


def rewrite_table(data, get):
    """The header-rewriting point: each configuration's cycles, and the
    series' offload against the floor (target <= 2)."""
    points = sorted({(k[1], k[2], k[3]) for k in data
                     if k[0] in REWRITE_CONFIGS})
    if not points:
        return []
    configs = [c for c in REWRITE_CONFIGS if any(k[0] == c for k in data)]
    out = ["## PMD cycles per packet, header-rewriting rules", "",
           "Each rule's actions are `mod_dl_dst`, `mod_tp_dst`, `dec_ttl`, "
           "`output`: what the PMD does past classification reads and "
           "writes L2, L3 and L4 headers.", "",
           "| megaflows | masks | frame | " +
           " | ".join(REWRITE_NAMES[c] for c in configs) +
           " | (e) floor | d/e | b/d | c/d |",
           "|" + "---:|" * (3 + len(configs) + 4)]
    for n, masks, frame in points:
        d = get("series-on-rw", n, masks, frame)
        e = get("floor", n, masks, frame)
        b = get("base-on-rw", n, masks, frame)
        c = get("series-off-rw", n, masks, frame)
        out.append("| %d | %s | %d | %s | %s | %s |" % (
            n, masks, frame,
            " | ".join(fmt(get(c_, n, masks, frame)) for c_ in configs),
            fmt(e), " | ".join("-" if x is None else "%.2f" % x
                               for x in (ratio(d, e), ratio(b, d),
                                         ratio(c, d)))))
    out += ["", "d/e: target <= 2 for header-rewriting flows.", ""]
    return out


def profile_table(data, get):
    """The NIC profiles: cycles and the share of packets found by their
    mark, beside (c) and (d) at the same point; no profile may be slower
    than (c)."""
    points = sorted({(k[1], k[2], k[3]) for k in data
                     if k[0].startswith("series-on-")
                     and k[0][len("series-on-"):] in PROFILES})
    if not points:
        return []
    head = ["(c) offload off", "(d) generic"] + PROFILES
    out = ["## PMD cycles per packet on NIC profiles", "",
           "The generator port takes rules as ixgbe's, i40e's or mlx5's PMD "
           "does (simnic's `profile` devarg): NIC share is the share of "
           "the packets that the PMD found by their mark.  Target: no "
           "profile slower than (c).", "",
           "| megaflows | masks | " +
           " | ".join("%s cycles | NIC share" % h for h in head) +
           " | slower than (c) |",
           "|" + "---:|" * (2 + 2 * len(head) + 1)]
    for n, masks, frame in points:
        configs = ["series-off", "series-on"] + ["series-on-" + p
                                                 for p in PROFILES]
        c = get("series-off", n, masks, frame)
        cells, slower = [], []
        for name, config in zip(head, configs):
            cycles = get(config, n, masks, frame)
            cells.append("%s | %s" % (
                fmt(cycles), fmt(get(config, n, masks, frame, "nic_share"),
                                 2)))
            if config != "series-off" and cycles and c and cycles[0] > c[0]:
                slower.append(name)
        out.append("| %d | %s | %s | %s |" % (
            n, masks, " | ".join(cells), ", ".join(slower) or "none"))
    out.append("")
    return out


def targets(points, get):
    """The targets of the project's brief and of its benchmark issue, each
    with the figures it was judged on (medians)."""
    lines = ["## Targets", "",
             "| target | judged on | result |", "|---|---|---|"]

    def row(name, on, ok):
        lines.append("| %s | %s | %s |" % (name, on,
                                           "-" if ok is None
                                           else "met" if ok else "NOT met"))

    def med(config, n, masks, frame=64, metric="cycles_per_packet"):
        s = get(config, n, masks, frame, metric)
        return s[0] if s else None

    small = sorted({(n, m) for n, m, f in points if f == 64})
    worst = None
    for n, m in small:
        d, e = med("series-on", n, m), med("floor", n, m)
        if d and e:
            r = d / e
            worst = r if worst is None or r > worst else worst
    row("(d) <= 3x (e) at every N", "max d/e %.2f" % worst
        if worst is not None else "-", None if worst is None else worst <= 3)
    row("(d) <= 1.5x (e) (issue)", "max d/e %.2f" % worst
        if worst is not None else "-", None if worst is None else worst <= 1.5)
    row("output-only (d) <= 1.25x (e) (brief)", "max d/e %.2f" % worst
        if worst is not None else "-",
        None if worst is None else worst <= 1.25)
    top = max((n for n, m in small), default=None)
    rw, e = med("series-on-rw", top, "1"), med("floor", top, "1")
    row("header-rewriting (d) <= 2x (e) at %s (brief)" % top,
        "d/e %.2f" % (rw / e) if rw and e else "-",
        rw / e <= 2 if rw and e else None)
    for m in ("1", "8"):
        b, d = med("base-on", top, m), med("series-on", top, m)
        ok = b / d >= 3 if b and d else None
        row(">= 3x fewer cycles than (b) at %s, %s subtable%s"
            % (top, m, "" if m == "1" else "s"),
            "b/d %.2f" % (b / d) if b and d else "-", ok)
    slower = [(n, m) for n, m in small
              if med("series-on", n, m) and med("series-off", n, m)
              and med("series-on", n, m) > med("series-off", n, m)]
    row("(d) never slower than software (c)",
        "slower at %s" % slower if slower else "all N", not slower)
    c, d = med("series-off", top, "8"), med("series-on", top, "8")
    row("(d) <= 1/4 of (c) at %s, 8 subtables (issue)" % top,
        "c/d %.2f" % (c / d) if c and d else "-",
        c / d >= 4 if c and d else None)
    worst_b = min((med("base-on", n, m) / med("series-on", n, m)
                   for n, m in small
                   if med("base-on", n, m) and med("series-on", n, m)),
                  default=None)
    row("(d) >= 1.3x fewer cycles than (b) at every N (issue)",
        "min b/d %.2f" % worst_b if worst_b else "-",
        worst_b >= 1.3 if worst_b else None)
    full = [med("series-on-switch", n, m) for n, m in small
            if med("series-on-switch", n, m) is not None]
    row("fully offloaded flows: 0 PMD cycles (brief)",
        "(f) at most %.1f cycles per packet" % max(full) if full else "-",
        max(full) == 0 if full else None)
    inst = med("series-on", top, "1", 64, "install_us")
    rate = 1e6 / inst if inst else None
    row("insertion >= 100k rules/s (issue)",
        "a worker installs %.0f rules/s" % rate if rate else "-",
        rate >= 100000 if rate else None)
    ca = [med("series-off", n, m) / med("base-off", n, m) for n, m in small
          if med("series-off", n, m) and med("base-off", n, m)]
    row("(c) within noise (+-15%) of (a) (issue)",
        "c/a %.2f-%.2f" % (min(ca), max(ca)) if ca else "-",
        all(0.85 <= x <= 1.15 for x in ca) if ca else None)
    lines.append("")
    return lines


def plot(base, points, configs, get):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(12, 5), sharey=True)
    for ax, masks in zip(axes, ("1", "8")):
        ns = sorted({p[0] for p in points if p[1] == masks and p[2] == 64})
        for config in configs:
            ys = [get(config, n, masks, 64) for n in ns]
            xs = [n for n, y in zip(ns, ys) if y]
            ys = [y for y in ys if y]
            if not ys:
                continue
            ax.errorbar(xs, [y[0] for y in ys],
                        yerr=[[y[0] - y[1] for y in ys],
                              [y[2] - y[0] for y in ys]],
                        marker="o", capsize=3, label=NAMES[config])
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("megaflows")
        ax.set_title("%s subtable%s, 64-byte frames"
                     % (masks, "" if masks == "1" else "s"))
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("PMD cycles per packet")
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(base + "-cycles.png", dpi=100)

    fig, ax = plt.subplots(figsize=(6, 4))
    for config in ("base-on", "series-on"):
        if config not in configs:
            continue
        ns = sorted({p[0] for p in points if p[1] == "1" and p[2] == 64})
        ys = [get(config, n, "1", 64, "insert_per_s") for n in ns]
        xs = [n for n, y in zip(ns, ys) if y]
        ys = [y[0] for y in ys if y]
        if ys:
            ax.plot(xs, ys, marker="o", label=NAMES[config])
    ax.set_xscale("log")
    ax.set_xlabel("megaflows")
    ax.set_ylabel("rules per second")
    ax.set_title("Rule insertion rate (1 subtable)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(base + "-insertion.png", dpi=100)


if __name__ == "__main__":
    main()
