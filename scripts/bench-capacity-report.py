#!/usr/bin/python3
"""Turns the timeline of 'scripts/bench.sh capacity' into a Markdown report.

    bench-capacity-report.py RESULTS.tsv RULES ROTATE

RESULTS.tsv has a line per configuration, point, round and second: the
packets that the PMD received so far and, of those, the ones it found by
their mark (the NIC classified them), the rules given to hotter megaflows
and the rules in use; and a line per measurement with the PMD's cycles per
packet at the end.  The generator's hot set moves every ROTATE seconds; the
port holds RULES rules.  Writes RESULTS.md next to the .tsv and prints it.

The best share the NIC can classify is that of the RULES most popular flows
of the Zipf distribution the generator draws from."""

import collections
import os
import statistics
import sys

NAMES = {
    "base-on": "(b) OVS 3.1, hw-offload",
    "series-on-first": "(d) series, first megaflows keep the NIC",
    "series-on": "(g) series, hottest megaflows hold the NIC",
    "series-on-unlimited": "(d) series, table for every megaflow",
}
# Seconds at the end of a period over which its steady share is averaged.
STEADY_SECONDS = 5


def best_share(flows, s, rules):
    """The share of the frames of the 'rules' most popular of 'flows'."""
    weights = [(r + 1) ** -s for r in range(flows)]
    return sum(weights[:rules]) / sum(weights)


def read(path):
    """Returns {(config, flows, zipf): {round: [(second, packets, hits,
    evicted, rules)]}} and {(config, flows, zipf): [cycles]}."""
    timeline = collections.defaultdict(lambda: collections.defaultdict(list))
    cycles = collections.defaultdict(list)
    with open(path) as f:
        next(f)
        for line in f:
            config, flows, zipf, rnd, second, *rest = line.split("\t")
            key = (config, int(flows), float(zipf))
            if second == "cycles":
                if rest[0].strip() not in ("", "-"):
                    cycles[key].append(float(rest[0]))
                continue
            packets, hits, evicted, rules = (
                None if v.strip() in ("", "-") else int(v) for v in rest)
            timeline[key][rnd].append(
                (int(second), packets or 0, hits or 0, evicted, rules))
    return timeline, cycles


def shares(samples):
    """The NIC's share of each second's packets, by second."""
    out = {}
    for (t0, p0, h0, _, _), (t1, p1, h1, _, _) in zip(samples, samples[1:]):
        if p1 > p0:
            out[t1] = (h1 - h0) / (p1 - p0)
    return out


def period_figures(samples, best, rotate, period):
    """Steady share / best, seconds to 90% and 95% of best, evictions per
    second, over period 'period' (0: from the start; 1, 2: after the
    hot set moved)."""
    share = shares(samples)
    start, end = period * rotate, (period + 1) * rotate
    steady = [share[t] for t in range(end - STEADY_SECONDS + 1, end + 1)
              if t in share]
    reach = {}
    for goal in (0.90, 0.95):
        reach[goal] = next((t - start for t in range(start + 1, end + 1)
                            if share.get(t, 0) >= goal * best), None)
    evicted = [e for t, _, _, e, _ in samples
               if e is not None and t in (start or 1, end)]
    rate = ((evicted[-1] - evicted[0]) / (end - (start or 1))
            if len(evicted) == 2 else None)
    return (statistics.mean(steady) / best if steady else None,
            reach[0.90], reach[0.95], rate)


def fmt(v, form="%.2f"):
    return "-" if v is None else form % v


def fmt_reach(values, rotate):
    """Seconds to reach a share in each round, '>' the period if never."""
    return " / ".join(">%d" % rotate if v is None else "%d" % v
                      for v in values)


def report(path, rules, rotate):
    """Writes and prints the report; returns the measurements in which the
    PMD received no packet."""
    timeline, cycles = read(path)
    points = sorted({(k[1], k[2]) for k in timeline}, key=lambda p: -p[1])
    out = ["# Capacity: who holds a NIC too small for the megaflows", "",
           "simnic generator port, one PMD, 64 B UDP; each flow its own "
           "megaflow; flow popularity Zipf (`gen=flows:N/zipf:S/rotate:%d`): "
           "the hot set moves every %d s.  The port holds %d rules "
           "(`max_rules`), but for the unlimited configuration.  Share: "
           "packets the PMD found by their mark (the NIC classified them) "
           "over packets received, per second, divided by the best "
           "possible share (that of the %d most popular flows).  Periods: "
           "0 from the start (megaflows and rules set up), 1 and 2 after "
           "the hot set moved.  Rounds separated by '/'.  Raw data: `%s`."
           % (rotate, rotate, rules, rules, os.path.basename(path)), ""]
    for flows, s in points:
        best = best_share(flows, s, rules)
        out += ["## %d flows, Zipf s=%g: best share %.1f%%" % (
                    flows, s, 100 * best), "",
                "| configuration | steady share / best, periods 0, 1, 2 "
                "| s to 90% after a move | s to 95% after a move "
                "| evictions/s after a move | PMD cycles/packet |",
                "|---|---|---|---|---|---|"]
        by_config = {}
        for config in NAMES:
            runs = timeline.get((config, flows, s))
            if not runs:
                continue
            figures = [[period_figures(samples, best, rotate, p)
                        for p in range(3)] for samples in runs.values()]
            steady = [statistics.mean(
                          [f[p][0] for f in figures if f[p][0] is not None]
                          or [0]) for p in range(3)]
            moves = [f[p] for f in figures for p in (1, 2)]
            rates = [m[3] for m in moves if m[3] is not None]
            cyc = cycles.get((config, flows, s), [])
            by_config[config] = statistics.mean(cyc) if cyc else None
            out.append("| %s | %s | %s | %s | %s | %s |" % (
                NAMES[config],
                ", ".join("%.0f%%" % (100 * v) for v in steady),
                fmt_reach([m[1] for m in moves], rotate),
                fmt_reach([m[2] for m in moves], rotate),
                fmt(statistics.mean(rates), "%.0f") if rates else "-",
                " / ".join("%.0f" % c for c in cyc) or "-"))
        g, d = by_config.get("series-on"), by_config.get("series-on-unlimited")
        out.append("")
        if g and d:
            out.append("(g) / (d) with a table for every megaflow, PMD "
                       "cycles per packet: %.2f" % (g / d))
            out.append("")
    text = "\n".join(out) + "\n"
    with open(os.path.splitext(path)[0] + ".md", "w") as f:
        f.write(text)
    print(text)
    return [key for key, runs in timeline.items()
            if not any(samples[-1][1] for samples in runs.values())]


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    silent = report(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
    for config, flows, zipf in silent:
        print("%s, %d flows, Zipf %g: the PMD received no packet"
              % (config, flows, zipf), file=sys.stderr)
    sys.exit(1 if silent else 0)
