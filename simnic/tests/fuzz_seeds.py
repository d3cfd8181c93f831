#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The ovs-rteflow authors
"""Writes a small seed corpus for fuzz_flow_parse into the directory given.

Each seed is a list of commands in the encoding that fuzz_flow_parse.c
decodes (see its rd_* functions): rules that simnic accepts (so that the
fuzzer starts from the parser's and the engine's deep paths), rules it
refuses for various reasons, and frames that match them.  Struct sizes are
those of DPDK 22.11; fuzz_flow_parse.c checks them with _Static_assert.

    python3 simnic/tests/fuzz_seeds.py build/simnic-fuzz/seeds
"""

import os
import struct
import sys

# Selectors: indexes into item_types[] and action_types[] of the target.
ITEM = dict(END=0, VOID=1, ETH=2, VLAN=3, IPV4=4, IPV6=5, TCP=6, UDP=7,
            SCTP=8, ICMP=9, ICMP6=10, VXLAN=11, PORT_ID=17, INTEGRITY=19,
            REPRESENTED_PORT=20)
ITEM_SIZE = dict(END=0, VOID=0, ETH=20, VLAN=8, IPV4=20, IPV6=44, TCP=20,
                 UDP=8, SCTP=12, ICMP=8, ICMP6=4, VXLAN=8, PORT_ID=4,
                 INTEGRITY=16, REPRESENTED_PORT=2)
ACTION = dict(END=0, VOID=1, MARK=2, FLAG=3, COUNT=4, QUEUE=5, RSS=6,
              DROP=7, PASSTHRU=8, JUMP=9, PORT_ID=10, SET_MAC_SRC=11,
              OF_POP_VLAN=12, REPRESENTED_PORT=13, OF_PUSH_VLAN=14,
              OF_SET_VLAN_VID=15, OF_SET_VLAN_PCP=16, SET_MAC_DST=17,
              SET_IPV4_SRC=18, SET_IPV4_DST=19, SET_IPV6_SRC=20,
              SET_IPV6_DST=21, SET_TP_SRC=22, SET_TP_DST=23, SET_TTL=24,
              DEC_TTL=25)

CMD_RULE, CMD_DESTROY, CMD_TRAFFIC, CMD_ISOLATE = 0, 2, 3, 4
ATTR_INGRESS, ATTR_EGRESS, ATTR_TRANSFER = 1, 2, 4


def pad(data, size):
    assert len(data) <= size, (data, size)
    return data + bytes(size - len(data))


def item(name, spec=None, mask=None, last=None):
    size = ITEM_SIZE[name]
    flags = (spec is not None) | (mask is not None) << 1 | \
        (last is not None) << 2
    out = bytes([ITEM[name], flags])
    for blob in (spec, mask, last):
        if blob is not None:
            out += pad(blob, size)
    return out


def action(name, conf=None):
    out = bytes([ACTION[name], conf is not None])
    return out + (conf if conf is not None else b'')


def rss(queues, types=0):
    conf = struct.pack('<IIQII', 0, 0, types, 0, 0) + bytes(16)
    conf += bytes([len(queues), 0, 1])
    return bytes([ACTION['RSS'], 1]) + conf + \
        b''.join(struct.pack('<H', q) for q in queues)


def rule(items, actions, flags=ATTR_INGRESS, priority=0):
    return bytes([CMD_RULE, flags, len(items), len(actions), priority]) + \
        b''.join(items) + b''.join(actions)


def traffic(frame):
    return bytes([CMD_TRAFFIC, len(frame) & 0xff, (len(frame) >> 8) & 1]) + \
        frame


def destroy(slot):
    return bytes([CMD_DESTROY, slot])


def isolate(on):
    return bytes([CMD_ISOLATE, on])


def ip4(a, b, c, d):
    return bytes([a, b, c, d])


def ip6(last):
    return bytes([0xfd] + [0] * 14 + [last])


# Item specs and masks (network order, as in rte_flow_item_*).
def ipv4_hdr(src=bytes(4), dst=bytes(4), proto=0, frag=0, ttl=0, tos=0):
    return struct.pack('>BBHHHBBH', 0, tos, 0, 0, frag, ttl, proto, 0) + \
        src + dst


def ipv6_hdr(src=bytes(16), dst=bytes(16), proto=0):
    return struct.pack('>IHBB', 0, 0, proto, 0) + src + dst


# rte_flow_item_integrity: level, 4 bytes of padding, then the bits
# packet_ok, l2_ok, l3_ok, l4_ok, l2_crc_ok, ipv4_csum_ok, l4_csum_ok,
# l3_len_ok from bit 0 up.
PACKET_OK, L3_OK, L4_OK, IPV4_CSUM_OK, L3_LEN_OK = 1, 4, 8, 32, 128


def integrity(bits, level=0):
    return struct.pack('<IIQ', level, 0, bits)


def ports(sport, dport):
    return struct.pack('>HH', sport, dport)


# Frames.
MAC_B = bytes([2, 0, 0, 0, 0, 0x0b])
MAC_A = bytes([2, 0, 0, 0, 0, 0x0a])


def eth(ethertype, vlan=None):
    out = MAC_B + MAC_A
    if vlan is not None:
        out += struct.pack('>HH', 0x8100, vlan)
    return out + struct.pack('>H', ethertype)


def frame4(proto, l4, src=ip4(10, 0, 0, 1), dst=ip4(10, 0, 0, 2), frag=0,
           vlan=None, total_length=None, vhl=0x45):
    if total_length is None:
        total_length = 20 + len(l4)
    hdr = struct.pack('>BBHHHBBH', vhl, 0, total_length, 1, frag, 64,
                      proto, 0) + src + dst
    return pad(eth(0x0800, vlan) + hdr + l4, 60)


def frame6(proto, l4, src=ip6(1), dst=ip6(2), payload_len=None):
    if payload_len is None:
        payload_len = len(l4)
    hdr = struct.pack('>IHBB', 6 << 28, payload_len, proto, 64) + src + dst
    return eth(0x86dd) + hdr + l4


UDP = 17
TCP = 6
ICMP = 1
ICMP6 = 58
SCTP = 132
ONES4 = b'\xff' * 4
ONES16 = b'\xff' * 16


def udp(sport=1000, dport=2000):
    return ports(sport, dport) + struct.pack('>HH', 8 + 10, 0) + bytes(10)


def tcp(sport=1000, dport=80):
    return ports(sport, dport) + struct.pack('>IIBBHHH', 1, 0, 0x50, 0x10,
                                             1000, 0, 0)


# Ports of fuzz_flow_parse: S, the switch's PF, and R, its VF 0's
# representor, which F's frames come into the switch by.
PORT_S, PORT_R, PORT_F = 6, 7, 8


def represented_port(port):
    return struct.pack('<H', port)


SEEDS = {
    'transfer_rewrite_udp4': (
        rule([item('REPRESENTED_PORT', represented_port(PORT_R)),
              item('ETH'), item('IPV4'), item('UDP')],
             [action('SET_IPV4_DST', ip4(10, 9, 9, 9)),
              action('SET_TP_DST', struct.pack('>H', 53)),
              action('DEC_TTL'), action('COUNT'),
              action('REPRESENTED_PORT', represented_port(PORT_F))],
             flags=ATTR_TRANSFER) +
        traffic(frame4(UDP, udp(dport=53)))),
    'transfer_vlan_tcp6': (
        rule([item('REPRESENTED_PORT', represented_port(PORT_R)),
              item('ETH'), item('VLAN'), item('IPV6'), item('TCP')],
             [action('OF_POP_VLAN'),
              action('SET_IPV6_SRC', ip6(7)),
              action('OF_PUSH_VLAN', struct.pack('>H', 0x88a8)),
              action('OF_SET_VLAN_VID', struct.pack('>H', 7)),
              action('REPRESENTED_PORT', represented_port(PORT_S))],
             flags=ATTR_TRANSFER) +
        rule([item('ETH')], [action('DROP')], flags=ATTR_TRANSFER) +
        traffic(eth(0x8100, vlan=5)[:-2] + frame6(TCP, tcp())[12:])),
    'mark_count_udp4': (
        rule([item('ETH'),
              item('IPV4', ipv4_hdr(src=ip4(10, 0, 0, 1)),
                   ipv4_hdr(src=ONES4)),
              item('UDP')],
             [action('MARK', struct.pack('<I', 7)), action('COUNT')]) +
        traffic(frame4(UDP, udp()))),
    'flag_queue_tcp6': (
        rule([item('IPV6', ipv6_hdr(src=ip6(1)), ipv6_hdr(src=ONES16)),
              item('TCP', ports(0, 80) + bytes(16),
                   ports(0, 0xffff) + bytes(16))],
             [action('FLAG'), action('QUEUE', struct.pack('<H', 2))]) +
        traffic(frame6(TCP, tcp()))),
    'rss_vlan_drop_icmp': (
        rule([item('ETH'),
              item('VLAN', struct.pack('>HH', 5, 0) + bytes(4),
                   struct.pack('>HH', 0x0fff, 0) + bytes(4)),
              item('IPV4')],
             [action('MARK', struct.pack('<I', 3)), rss([1, 3])],
             priority=1) +
        rule([item('IPV4', ipv4_hdr(proto=ICMP), ipv4_hdr(proto=0xff)),
              item('ICMP', bytes([8, 0]) + bytes(6),
                   bytes([0xff, 0]) + bytes(6))],
             [action('DROP')]) +
        traffic(frame4(UDP, udp(), vlan=5)) +
        traffic(frame4(ICMP, bytes([8, 0]) + bytes(6))) +
        destroy(0) +
        traffic(frame4(UDP, udp(), vlan=5))),
    'refusals': (
        rule([item('ETH')], [action('MARK', struct.pack('<I', 1))],
             flags=ATTR_INGRESS | ATTR_TRANSFER) +
        rule([item('ETH')], [action('DROP')], flags=ATTR_EGRESS) +
        rule([item('ETH'), item('IPV4'), item('UDP'), item('VXLAN')],
             [action('COUNT')]) +
        rule([item('IPV4', ipv4_hdr(src=ip4(10, 0, 0, 1)), None,
                   ipv4_hdr(src=ip4(10, 0, 0, 9)))],
             [action('COUNT')]) +
        rule([item('ETH')], [action('JUMP', struct.pack('<I', 1))]) +
        rule([item('UDP'), item('IPV4')], [action('COUNT')]) +
        rule([item('ETH')], [action('MARK', struct.pack('<I', 5000))]) +
        # ETH says untagged, VLAN says tagged: a rule that never matches.
        rule([item('ETH', bytes(14) + struct.pack('<I', 0),
                   bytes(14) + struct.pack('<I', 1)),
              item('VLAN')], [action('COUNT')]) +
        isolate(1) + traffic(frame4(UDP, udp())) + isolate(0)),
    'fragments_passthru': (
        rule([item('ETH'),
              item('IPV4', ipv4_hdr(frag=0x2000), ipv4_hdr(frag=0x3fff))],
             [action('PASSTHRU'), action('COUNT')]) +
        traffic(frame4(UDP, udp(), frag=0x2000)) +
        traffic(frame4(UDP, bytes(8), frag=0x0010))),
    'many_masks': b''.join(
        rule([item('IPV4', ipv4_hdr(src=ip4(10, 0, 0, 1)),
                   ipv4_hdr(src=struct.pack('>I', (0xffffffff << n) &
                                            0xffffffff)))],
             [action('MARK', struct.pack('<I', n))], priority=n % 4)
        for n in range(8)) + traffic(frame4(UDP, udp())),
    'icmp6_sctp': (
        rule([item('IPV6'), item('ICMP6', bytes([128, 0, 0, 0]),
                                 bytes([0xff, 0, 0, 0]))],
             [action('MARK', struct.pack('<I', 9))]) +
        traffic(frame6(ICMP6, bytes([128, 0, 0, 0, 0, 1, 0, 1]))) +
        rule([item('IPV4'), item('SCTP', ports(7, 9) + bytes(8),
                                 ports(0xffff, 0xffff) + bytes(8))],
             [action('COUNT'), action('FLAG')]) +
        traffic(frame4(SCTP, ports(7, 9) + bytes(8)))),
    # PASSTHRU chains: several COUNT rules per frame (count lists on the
    # gen port's cached verdicts), marks overridden, a DROP at the end,
    # isolated mode with PASSTHRU rules alone.
    'passthru_chain': (
        rule([item('ETH')],
             [action('MARK', struct.pack('<I', 1)), action('COUNT'),
              action('PASSTHRU')]) +
        rule([item('IPV4'), item('UDP', ports(0, 2000) + bytes(4),
                                 ports(0, 0xffff) + bytes(4))],
             [action('COUNT'), action('DROP')], priority=1) +
        rule([item('ETH')],
             [action('FLAG'), action('COUNT'), action('PASSTHRU')],
             priority=2) +
        rule([item('IPV4')],
             [action('MARK', struct.pack('<I', 2)),
              action('QUEUE', struct.pack('<H', 3))], priority=3) +
        traffic(frame4(UDP, udp(dport=2000))) +
        traffic(frame4(UDP, udp(dport=2001))) +
        destroy(1) + traffic(frame4(UDP, udp(dport=2000))) +
        destroy(3) + isolate(1) + traffic(frame4(UDP, udp())) +
        isolate(0)),
    # "last" that makes no range (equal, zero, equal under the mask) is
    # accepted; a range, a flag from 0 to 1, is not.
    'last_ignored': (
        rule([item('IPV4', ipv4_hdr(src=ip4(10, 0, 0, 1),
                                    dst=ip4(10, 0, 0, 2)), None,
                   ipv4_hdr(src=ip4(10, 0, 0, 1), dst=ip4(10, 0, 0, 2)))],
             [action('MARK', struct.pack('<I', 1))]) +
        rule([item('IPV4', ipv4_hdr(src=ip4(10, 0, 0, 1)),
                   ipv4_hdr(src=b'\xff\xff\xff\x00'),
                   ipv4_hdr(src=ip4(10, 0, 0, 9))),
              item('UDP', ports(1000, 2000) + bytes(4), None, bytes(8))],
             [action('COUNT')], priority=1) +
        rule([item('ETH', bytes(14) + struct.pack('<I', 0),
                   bytes(14) + struct.pack('<I', 1),
                   bytes(14) + struct.pack('<I', 1))], [action('COUNT')]) +
        traffic(frame4(UDP, udp()))),
    # Mask or last without spec: refused.
    'without_spec': (
        rule([item('ETH'), item('IPV4', None, ipv4_hdr(src=ONES4))],
             [action('COUNT')]) +
        rule([item('IPV4'), item('UDP', None, None, ports(1, 2) + bytes(4))],
             [action('COUNT')])),
    # Items that contradict earlier ones, and lookalikes that can match.
    'contradictions': (
        rule([item('IPV6', ipv6_hdr(proto=UDP), ipv6_hdr(proto=0xff)),
              item('TCP')], [action('COUNT')]) +
        rule([item('ETH', bytes(12) + struct.pack('>H', 0x0800),
                   bytes(12) + b'\xff\xff'), item('IPV6')],
             [action('COUNT')]) +
        rule([item('ETH'),
              item('VLAN', struct.pack('>HH', 0, 0x86dd) + bytes(4),
                   struct.pack('>HH', 0, 0xffff) + bytes(4)),
              item('IPV4')], [action('COUNT')]) +
        rule([item('IPV4', ipv4_hdr(frag=100), ipv4_hdr(frag=0x1fff)),
              item('UDP')], [action('COUNT')]) +
        rule([item('IPV6', ipv6_hdr(proto=44), ipv6_hdr(proto=0xff)),
              item('UDP')], [action('MARK', struct.pack('<I', 44))]) +
        rule([item('ETH'),
              item('VLAN', struct.pack('>HH', 0, 0x8100) +
                   struct.pack('<I', 1),
                   struct.pack('>HH', 0, 0xffff) + struct.pack('<I', 1)),
              item('IPV4')], [action('MARK', struct.pack('<I', 88))]) +
        traffic(frame6(44, bytes([UDP, 0, 0, 1, 0, 0, 0, 7]) + udp()))),
    # INTEGRITY: ok and not-ok rules, frames whose lengths do not add up
    # (IPv4 total_length past the frame or cutting UDP short, ihl 4, TCP
    # data offset 4, IPv6 payload_len past the frame or cutting TCP
    # short).
    'integrity': (
        rule([item('ETH'), item('IPV4'),
              item('UDP', ports(0, 53) + bytes(4), ports(0, 0xffff) +
                   bytes(4)),
              item('INTEGRITY', integrity(L3_OK | L4_OK),
                   integrity(L3_OK | L4_OK))],
             [action('MARK', struct.pack('<I', 53)), action('COUNT')]) +
        rule([item('INTEGRITY', integrity(0), integrity(L3_OK)),
              item('IPV4')], [action('MARK', struct.pack('<I', 3))],
             priority=1) +
        rule([item('IPV6'), item('TCP'),
              item('INTEGRITY', integrity(L3_LEN_OK | L3_OK),
                   integrity(L3_LEN_OK | L3_OK | L4_OK))],
             [action('FLAG'), action('PASSTHRU')]) +
        traffic(frame4(UDP, udp(dport=53))) +
        traffic(frame4(UDP, udp(dport=53), total_length=60)) +
        traffic(frame4(UDP, udp(dport=53), total_length=24)) +
        traffic(frame4(UDP, udp(dport=53), vhl=0x44)) +
        traffic(frame4(UDP, udp(dport=53), frag=0x0010)) +
        traffic(frame4(TCP, tcp()[:12] + b'\x40' + tcp()[13:])) +
        traffic(frame6(TCP, tcp(), payload_len=200)) +
        traffic(frame6(TCP, tcp(), payload_len=12)) +
        traffic(frame6(TCP, tcp()))),
    'integrity_refusals': (
        rule([item('IPV4'), item('INTEGRITY', integrity(L3_OK, level=1),
                                 integrity(L3_OK))], [action('COUNT')]) +
        rule([item('IPV4'), item('UDP'),
              item('INTEGRITY', integrity(PACKET_OK),
                   integrity(PACKET_OK | IPV4_CSUM_OK))],
             [action('COUNT')]) +
        rule([item('ETH'), item('IPV4'),
              item('INTEGRITY', integrity(L4_OK), integrity(L4_OK))],
             [action('COUNT')]) +
        rule([item('INTEGRITY'), item('IPV4'), item('UDP'),
              item('INTEGRITY')], [action('COUNT')]) +
        rule([item('IPV4'), item('UDP'),
              item('INTEGRITY', integrity(L4_OK), integrity(L3_OK | L4_OK))],
             [action('COUNT')]) +
        rule([item('IPV4'),
              item('INTEGRITY', integrity(0), integrity(L3_OK),
                   integrity(L3_OK))], [action('COUNT')])),
}


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: fuzz_seeds.py DIRECTORY')
    os.makedirs(sys.argv[1], exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(sys.argv[1], name), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
