#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The per-connector/per-host TLS table, the way a user would write it.

The baseline of bench/run: a plain Python 3 script (standard library only,
the csv module) that prints the same CSV as `extls --format csv PATH...`
with the default --by direction,connector,remote, by the rules of
docs/extls.1. Deliberately straightforward: it keeps a small record per
session in a dict and classifies everything at the end.

usage: tls_table.py PATH...   (log files or folders searched for *.log)
"""
import csv
import os
import re
import sys
from datetime import datetime

CLASSES = ["ssl2", "ssl3", "tls1_0", "tls1_1", "tls1_2", "tls1_3",
           "tls_unknown", "tls_failed", "none"]
VERSION_CLASS = {"SSL2": "ssl2", "SSL3": "ssl3", "TLS1_0": "tls1_0",
                 "TLS1_1": "tls1_1", "TLS1_2": "tls1_2", "TLS1_3": "tls1_3"}
# SchannelProtocols values (server and client bit) as logged for versions
# the enum has no name for.
VALUE_CLASS = {4: "ssl2", 8: "ssl2", 16: "ssl3", 32: "ssl3",
               64: "tls1_0", 128: "tls1_0", 256: "tls1_1", 512: "tls1_1",
               1024: "tls1_2", 2048: "tls1_2", 4096: "tls1_3", 8192: "tls1_3"}

# A marker counts at the start of a field (a bare one as the whole field).
MARKER = re.compile(r"\s*(?:TLS protocol (\S+) negotiation"
                    r"|(SP_PROT[_-](?:SSL[23]|TLS1_[0-3])_(?:SERVER|CLIENT))\s*$"
                    r"|(TLS negotiation failed))", re.ASCII)
PROTO_NAME = re.compile(r"SP_PROT[_-](SSL2|SSL3|TLS1_[0-3])_(?:SERVER|CLIENT)", re.ASCII)
DECIMAL = re.compile(r"[0-9]{1,9}", re.ASCII)
REPLY = re.compile(r"([1-5][0-9][0-9])(?:[ -]|$)", re.ASCII)
EVENTS = ("+", "-", "<", ">", "*")


def protocol_class(proto):
    m = PROTO_NAME.fullmatch(proto)
    if m:
        return VERSION_CLASS[m.group(1)]
    if DECIMAL.fullmatch(proto):
        return VALUE_CLASS.get(int(proto), "tls_unknown")
    return "tls_unknown"


def info_marker(text):
    """('ok', class), ('failed', None) or None for one information field."""
    m = MARKER.match(text)
    if not m:
        return None
    if m.group(3):
        return ("failed", None)
    return ("ok", protocol_class(m.group(1) or m.group(2)))


def starts_word(text, word):
    n = len(word)
    return text[:n].upper() == word and (len(text) == n or text[n] in " \t")


def endpoint_address(ep):
    """'a.b.c.d:port' -> 'a.b.c.d', '[v6%scope]:port' -> 'v6%scope'."""
    if ep.startswith("[") and "]" in ep:
        return ep[1:ep.index("]")]
    if ep.count(":") == 1:
        return ep[:ep.index(":")]
    return ep


def parse_time(text):
    if not text.endswith("Z"):
        raise ValueError(text)
    return datetime.fromisoformat(text[:-1])


class Session:
    def __init__(self):
        self.start = None
        self.remote = ""
        self.remote_seq = None
        self.marker = None  # (seq, class) of the first protocol marker
        self.failed = False
        self.tls_cmds = []  # sequence numbers of STARTTLS / X-ANONYMOUSTLS
        self.replies = []   # (sequence number, reply code)

    def classify(self):
        if self.marker:
            return self.marker[1]
        if self.failed:
            return "tls_failed"
        replies = sorted(self.replies)
        for cmd in self.tls_cmds:
            after = [code for seq, code in replies if seq > cmd]
            if after and after[0] == 220:
                return "tls_unknown"
        return "none"


def log_files(paths):
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                for name in files:
                    if name.lower().endswith(".log"):
                        yield os.path.join(root, name)
        else:
            yield path


def direction_from_name(path):
    name = os.path.basename(path).upper()
    if name.startswith("RECV"):
        return "receive"
    if name.startswith("SEND"):
        return "send"
    parts = os.path.normpath(path).split(os.sep)
    if "SmtpReceive" in parts:
        return "receive"
    if "SmtpSend" in parts:
        return "send"
    return None


def read_file(path, sessions, stats):
    direction = direction_from_name(path)
    with open(path, encoding="utf-8-sig", errors="surrogateescape", newline="") as f:
        for row in csv.reader(f):
            if not row:
                continue
            if row[0].startswith("#"):
                if row[0].startswith("#Log-type:"):
                    kind = ",".join(row)[len("#Log-type:"):].strip()
                    if kind == "SMTP Receive Protocol Log":
                        direction = "receive"
                    elif kind == "SMTP Send Protocol Log":
                        direction = "send"
                continue
            if len(row) != 9:
                stats["malformed"] += 1
                continue
            date, connector, sid, seq, local, remote, event, data, context = row
            try:
                when = parse_time(date)
            except ValueError:
                stats["malformed"] += 1
                continue
            if not sid or not (seq.isascii() and seq.isdigit()) or event not in EVENTS:
                stats["malformed"] += 1
                continue
            if direction is None:
                sys.exit("tls_table.py: %s: cannot tell receive from send log" % path)
            seq = int(seq)
            stats["rows"] += 1

            key = (direction, connector, sid)
            s = sessions.get(key)
            if s is None:
                s = sessions[key] = Session()
            if s.start is None or when < s.start:
                s.start = when
            addr = endpoint_address(remote)
            if addr and (s.remote_seq is None or seq < s.remote_seq):
                s.remote = addr
                s.remote_seq = seq

            if event == "*":
                found = info_marker(context) or (info_marker(data) if context == "" else None)
                if found and found[0] == "ok":
                    if s.marker is None or seq < s.marker[0]:
                        s.marker = (seq, found[1])
                elif found:
                    s.failed = True
            elif event in "<>":
                from_client = (event == "<") == (direction == "receive")
                if from_client:
                    if starts_word(data, "STARTTLS") or starts_word(data, "X-ANONYMOUSTLS"):
                        s.tls_cmds.append(seq)
                else:
                    m = REPLY.match(data)
                    if m:
                        s.replies.append((seq, int(m.group(1))))


def csv_field(text):
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def format_time(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip().splitlines()[-1])
        return 0 if len(argv) >= 2 else 2
    sessions = {}
    stats = {"rows": 0, "malformed": 0}
    for path in log_files(argv[1:]):
        read_file(path, sessions, stats)

    groups = {}
    for (direction, connector, sid), s in sessions.items():
        key = (direction, connector, s.remote)
        g = groups.get(key)
        if g is None:
            g = groups[key] = {"counts": dict.fromkeys(CLASSES, 0),
                               "first": s.start, "last": s.start}
        g["counts"][s.classify()] += 1
        g["first"] = min(g["first"], s.start)
        g["last"] = max(g["last"], s.start)

    def bytewise(key):
        return tuple(k.encode("utf-8", "surrogateescape") for k in key)

    out = ["direction,connector,remote,sessions," + ",".join(CLASSES) + ",first,last,legacy,with_tls\n"]
    for key in sorted(groups, key=bytewise):
        g = groups[key]
        counts = [g["counts"][c] for c in CLASSES]
        out.append(",".join([csv_field(k) for k in key] + [str(sum(counts))]
                            + [str(c) for c in counts]
                            + [format_time(g["first"]), format_time(g["last"])]
                            + [str(sum(counts[0:4])), str(sum(counts[0:7]))]) + "\n")
    sys.stdout.buffer.write("".join(out).encode("utf-8", "surrogateescape"))
    print("tls_table.py: %d rows, %d malformed, %d sessions"
          % (stats["rows"], stats["malformed"], len(sessions)), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
