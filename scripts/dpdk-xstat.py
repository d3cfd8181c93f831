#!/usr/bin/python3
"""Prints extended statistics of a running DPDK process, summed over its
ports, read through DPDK's telemetry socket.

    dpdk-xstat.py FILE_PREFIX NAME...

prints one line per NAME: the sum of that xstat over every port that has
it (0 if none has).  FILE_PREFIX is the process's EAL --file-prefix; the
socket is /var/run/dpdk/FILE_PREFIX/dpdk_telemetry.v2 (the process runs
as root).  dpdk-telemetry.py does the same interactively; this reads the
figures in one go so that they are of the same moment."""

import json
import socket
import sys


def query(sock, command, size):
    sock.send(command.encode())
    return json.loads(sock.recv(size).decode())


def main():
    prefix, names = sys.argv[1], sys.argv[2:]
    path = "/var/run/dpdk/%s/dpdk_telemetry.v2" % prefix
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        sock.connect(path)
    except OSError as e:
        sys.exit("dpdk-xstat.py: %s: %s" % (path, e.strerror))
    hello = json.loads(sock.recv(1024).decode())
    size = hello["max_output_len"]
    totals = dict.fromkeys(names, 0)
    for port in query(sock, "/ethdev/list", size)["/ethdev/list"]:
        xstats = query(sock, "/ethdev/xstats,%d" % port,
                       size)["/ethdev/xstats"]
        for name in names:
            totals[name] += xstats.get(name, 0)
    for name in names:
        print(totals[name])


if __name__ == "__main__":
    main()
