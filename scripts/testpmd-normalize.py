#!/usr/bin/python3
"""Turns the raw output of a dpdk-testpmd session into a stable transcript.

Usage: testpmd-normalize.py APPROX < RAW > TRANSCRIPT

The packets that "set verbose 1" dumps come from the forwarding thread
and interleave with the command output at random: they are taken out and
put back, counted, at the end of the run ("stop") they belong to.  The
transcript goes from the first prompt to the last.  Pointers and rates
are masked.  If APPROX is neither empty nor 0, traffic counts are masked
too (0 stays 0), while counts about rules stay exact: for cases whose
packets come from a generator.

Used by simnic-testpmd.sh.
"""

import re
import sys

PROMPT = "testpmd> "

# One write of the forwarding thread: a "received" header, which says
# where the packets that follow came from, or one packet, in whole lines.
PACKET_RE = re.compile(
    r"(.*?)"
    r"(?:port (\d+)/queue (\d+): received \d+ packets\n"
    r"|((?:restore info:[^\n]*\n)?"
    r"  src=[^\n]*? - Receive queue=0x[0-9a-f]+\n"
    r"  ol_flags:[^\n]*\n"
    r"(?:INVALID mbuf:[^\n]*\n)?))",
    re.S | re.A)

# "stop" ends a run with the statistics that end in "Done.".
RUN_END_RE = re.compile(r"Waiting for lcores to finish\.\.\.\n.*?\nDone\.\n",
                        re.S)


def split_packets(raw):
    """Returns the text without the packets, and the packets as (offset in
    that text, "port P/queue Q", packet) tuples."""
    text = []
    length = 0
    packets = []
    where = "port ?/queue ?"
    pos = 0
    while True:
        m = PACKET_RE.match(raw, pos)
        if not m:
            break
        text.append(m.group(1))
        length += len(m.group(1))
        if m.group(2) is not None:
            where = "port %s/queue %s" % (m.group(2), m.group(3))
        else:
            packets.append((length, where,
                            re.sub(r" +\n", "\n", m.group(4))))
        pos = m.end()
    text.append(raw[pos:])
    return "".join(text), packets


def place_counts(text, packets, approx):
    """Inserts, at the end of each run, the distinct packets received in it
    with their counts."""
    ends = [m.end() for m in RUN_END_RE.finditer(text)]
    last_prompt = text.rfind(PROMPT)
    ends.append(last_prompt if last_prompt >= 0 else len(text))

    runs = {}
    for offset, where, packet in packets:
        end = next((e for e in ends if e >= offset), ends[-1])
        key = "%s\n%s" % (where, packet)
        runs.setdefault(end, {})
        runs[end][key] = runs[end].get(key, 0) + 1

    def order(key):
        m = re.match(r"port (\d+)/queue (\d+)", key, re.A)
        port, queue = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
        return port, queue, key

    for end in sorted(runs, reverse=True):
        run = runs[end]
        block = ["[simnic-testpmd: %d distinct packet(s) received in this "
                 "run]\n" % len(run)]
        for key in sorted(run, key=order):
            where, packet = key.split("\n", 1)
            count = "<n>" if approx else str(run[key])
            block.append("%s: %s x\n%s" % (where, count, packet))
        text = text[:end] + "".join(block) + text[end:]
    return text


def approximate(count):
    return "0" if int(count) == 0 else "<n>"


def approximate_hits(m):
    hits, n_bytes = int(m.group(1)), int(m.group(2))
    if hits > 0 and n_bytes > 0 and n_bytes % hits == 0:
        shown = "<n> (hits x %d)" % (n_bytes // hits)
    elif hits == 0 and n_bytes == 0:
        shown = "0"
    else:
        shown = "%d (hits: %d)" % (n_bytes, hits)
    return " hits: %s\n bytes: %s" % (approximate(hits), shown)


def approximate_traffic(transcript):
    """Masks the traffic counts of 'transcript', but zeros."""
    transcript = re.sub(r"^ hits: (\d+)\n bytes: (\d+)$", approximate_hits,
                        transcript, flags=re.M | re.A)
    lines = transcript.split("\n")
    for i, line in enumerate(lines):
        if re.match(r"\s*(?:RX|TX)-[a-z]+:", line, re.I | re.A):
            # Statistics tables: the numbers' padding goes with them.
            line = re.sub(r"(-[a-zA-Z]+:\s*)(\d+)",
                          lambda m: m.group(1) + approximate(m.group(2)),
                          line, flags=re.A)
            lines[i] = re.sub(r"(\S)  +", r"\1 ", line, flags=re.A)
        elif re.match(r"[a-z][a-z0-9_]*(?:packets|bytes|hits|misses|drops"
                      r"|steered): \d+$", line, re.A):
            # Traffic xstats; those about rules stay exact.
            lines[i] = re.sub(r"(\d+)$",
                              lambda m: approximate(m.group(1)), line,
                              flags=re.A)
    return "\n".join(lines)


def normalize(raw, approx):
    text, packets = split_packets(raw.replace("\r", ""))
    text = place_counts(text, packets, approx)

    first = text.find(PROMPT)
    last = text.rfind(PROMPT)
    if first >= 0 and last > first:
        transcript = text[first:last]
    else:
        transcript = ("[simnic-testpmd: no transcript: testpmd printed no "
                      "prompt]\n" + text)

    transcript = re.sub(r"cause: 0x[0-9a-fA-F]+", "cause: <ptr>", transcript)
    transcript = re.sub(r"((?:Rx|Tx)-(?:pps|bps):\s*)\d+", r"\1<n>",
                        transcript, flags=re.A)
    if approx:
        transcript = approximate_traffic(transcript)
    return re.sub(r"[ \t]+$", "", transcript, flags=re.M)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: %s APPROX < RAW > TRANSCRIPT" % sys.argv[0])
    approx = sys.argv[1] not in ("", "0")
    # Latin-1 keeps every byte as it is, whatever testpmd printed.
    raw = sys.stdin.buffer.read().decode("latin-1")
    sys.stdout.buffer.write(normalize(raw, approx).encode("latin-1"))


if __name__ == "__main__":
    main()
