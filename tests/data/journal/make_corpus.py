#!/usr/bin/python3
"""Writes the damaged-journal corpus used by tests/unit/journal/corpus_test.cpp.

Each case is a directory holding one 4096-byte journal file in format version 1 (see
libbroker/journal/record_format.hpp), written here by an independent encoder so the C++
reader is checked against the documented layout, not against itself.
"""
import os
import struct

FILE_SIZE = 4096
HEADER = 32


def crc32c(data, crc=0):
    crc ^= 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def seed(seq):
    return (((seq * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF) >> 32) ^ 0xA5A5A5A5


def file_header(seq, version=1, state=1):
    head = struct.pack('<IHHQQI', 0x4C4E4A41, version, state, seq, FILE_SIZE, 0)
    return head + struct.pack('<I', crc32c(head))


def record(seq, rtype, rid, payload=b'', user_type=45, tx=None):
    body = struct.pack('<BBHQQ', rtype, user_type, 0, seq, rid)
    if tx is not None:
        body += struct.pack('<Q', tx)
    length = 4 + 4 + len(body) + len(payload)
    rest = struct.pack('<I', length) + body + payload
    return struct.pack('<I', crc32c(rest, seed(seq))) + rest


def write(case, content):
    os.makedirs(case, exist_ok=True)
    data = content + bytes(FILE_SIZE - len(content))
    with open(os.path.join(case, 'activemq-data-1.amq'), 'wb') as f:
        f.write(data)


def adds(seq, ids):
    return [record(seq, 1, i, b'message-%d' % i) for i in ids]


here = os.path.dirname(os.path.abspath(__file__))
os.chdir(here)

recs = adds(7, range(1, 6))
# torn-tail: the last record stops halfway; expect ids 1-4.
torn = b''.join(recs[:4]) + recs[4][: len(recs[4]) // 2]
write('torn-tail', file_header(7) + torn)
# bad-crc: one payload byte of record 3 flipped; expect ids 1-2.
bad = bytearray(b''.join(recs))
bad[sum(len(r) for r in recs[:2]) + 30] ^= 0x10
write('bad-crc', file_header(7) + bytes(bad))
# wrong-version: a version-2 header; the file is not read and left in place; expect nothing.
write('wrong-version', file_header(7, version=2) + b''.join(recs))
# stale-recycled: a recycled file (sequence 9) whose new incarnation holds ids 10-11,
# followed by the old incarnation's records (sequence 7); expect ids 10-11.
write('stale-recycled', file_header(9) + b''.join(adds(9, [10, 11])) + b''.join(recs[2:]))
# tx-outcomes: commit, rollback, a prepared and an open transaction; expect id 20 (committed)
# and id 1 (plain), prepared tx 102 with id 22, nothing from tx 101 or 103.
tx = [record(7, 1, 1, b'plain'),
      record(7, 4, 20, b'committed', tx=100), record(7, 8, 100, user_type=0),
      record(7, 4, 21, b'rolled-back', tx=101), record(7, 9, 101, user_type=0),
      record(7, 4, 22, b'prepared', tx=102), record(7, 7, 102, b'xid', user_type=0),
      record(7, 4, 23, b'open', tx=103)]
write('tx-outcomes', file_header(7) + b''.join(tx))
