#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Strings chosen by remote hosts, through every output format.

usage: strangers.py EXTLS SCRATCH [xlsx]

Builds a receive and a send log in which the connector id, the EHLO name,
the host of the server's reply and the certificate subject are each a
spreadsheet formula trigger (= + - @ TAB CR, a DDE payload) or a terminal
control sequence (ESC, BEL, CSI, C1 CSI, OSC), then checks:
  - csv and tsv keep them as logged (csv byte for byte; tsv with only
    TAB LF CR as \\t \\n \\r), compared with the JSON of the same run;
  - excel-csv: BOM, CRLF, and no cell a spreadsheet would evaluate (a
    trigger cell is the value with a leading apostrophe);
  - on a terminal (through script(1)), csv, tsv, excel-csv, the table and
    --nagios carry no control byte; the escapes are there instead;
  - html and every diagnostic carry no control byte;
  - with "xlsx": every cell of the workbooks, read back by openpyxl,
    equals the JSON report (logged strings are string cells); exits 77
    when openpyxl is not installed.
"""
import csv
import datetime
import io
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import strangers_log as L  # noqa: E402

EXE, SCRATCH = sys.argv[1], sys.argv[2]
XLSX = len(sys.argv) > 3 and sys.argv[3] == "xlsx"
TRIG = "=+-@\t\r"
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def run(*args, ok=(0,)):
    p = subprocess.run([EXE, *args, LOGS], capture_output=True)
    if p.returncode not in ok:
        fail("%s: exit %d: %r" % (" ".join(args), p.returncode, p.stderr))
    if re.search(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]", p.stderr):
        fail("%s: control byte on stderr: %r" % (" ".join(args), p.stderr))
    return p.stdout


def text(b):
    return b.decode("utf-8", "surrogateescape")


os.makedirs(SCRATCH, exist_ok=True)
LOGS = os.path.join(SCRATCH, "logs")
os.makedirs(LOGS, exist_ok=True)
with open(os.path.join(LOGS, "RECV2024050210-1.LOG"), "w", newline="", encoding="utf-8") as f:
    f.write(L.receive_log())
with open(os.path.join(LOGS, "SEND2024050210-1.LOG"), "w", newline="", encoding="utf-8") as f:
    f.write(L.send_log())

# The reference: JSON of the same run.
SESS = [json.loads(line) for line in text(run("sessions")).splitlines()]
COLS = list(SESS[0].keys())
BY = "direction,connector,remote,ehlo"
REP = json.loads(text(run("-f", "json", "--by", BY)))
GROUPS = REP["groups"]
GCOLS = BY.split(",") + ["sessions"] + list(GROUPS[0]["tls"].keys()) + ["first", "last", "legacy", "with_tls"]

# The payloads must have reached every remote-controlled field.
for field in ("connector", "ehlo", "cert_subject"):
    for p in L.TRIGGERS[:4] + L.CONTROLS:
        if not any(s[field] == p for s in SESS):
            fail("payload %r not found in %s" % (p, field))


def sess_values(s):
    return ["" if s[c] is None else str(s[c]) for c in COLS]


def group_values(g):
    return [g[k] for k in BY.split(",")] + [str(g["sessions"])] + [str(v) for v in g["tls"].values()] + [
        g["first"], g["last"], str(g["legacy"]), str(g["with_tls"])]


WANT_SESS = [COLS] + [sess_values(s) for s in SESS]
WANT_GROUPS = [GCOLS] + [group_values(g) for g in GROUPS]


def parse_csv(b):
    return list(csv.reader(io.StringIO(text(b), newline="")))


# 1. csv: byte-faithful.
for name, got, want in (("sessions csv", run("sessions", "-f", "csv"), WANT_SESS),
                        ("report csv", run("-f", "csv", "--by", BY), WANT_GROUPS)):
    if parse_csv(got) != want:
        fail("%s differs from the JSON values" % name)

# 2. tsv: only TAB LF CR escaped; backslashes as logged.
def tsv(v):
    return v.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


for name, got, want in (("sessions tsv", run("sessions", "-f", "tsv"), WANT_SESS),
                        ("report tsv", run("-f", "tsv", "--by", BY), WANT_GROUPS)):
    rows = [line.split("\t") for line in text(got).split("\n")[:-1]]
    if rows != [[tsv(v) for v in r] for r in want]:
        fail("%s differs from the JSON values" % name)

# 3. excel-csv: BOM, CRLF, no formula.
def neutral(v):
    return "'" + v if v[:1] and v[0] in TRIG else v


for name, got, want in (("sessions excel-csv", run("sessions", "-f", "excel-csv"), WANT_SESS),
                        ("report excel-csv", run("-f", "excel-csv", "--by", BY), WANT_GROUPS)):
    if not got.startswith(b"\xef\xbb\xbf"):
        fail("%s: no byte-order mark" % name)
    rows = parse_csv(got[3:])
    for r in rows:
        for cell in r:
            if cell[:1] and cell[0] in TRIG:
                fail("%s: cell a spreadsheet evaluates: %r" % (name, cell))
    if rows != [[neutral(v) for v in r] for r in want]:
        fail("%s differs from the JSON values with apostrophes" % name)
    # Every record ends in CRLF: outside quoted fields there is no bare LF.
    outside = re.sub(rb'"(?:[^"]|"")*"', b"", got)
    if re.search(rb"(?<!\r)\n", outside):
        fail("%s: a line ends in LF, not CRLF" % name)
    if text(got).count("\r\n=") or text(got).count(",=") or text(got).count(",+") or text(got).count(",@"):
        fail("%s: a trigger starts an unquoted cell" % name)

# 4. html: no control byte.
html = run("-f", "html")
if re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]", html):
    fail("html carries a control byte")

# 5. A terminal: script(1) gives extls a terminal for standard output.
def on_tty(*args):
    cmd = " ".join("'" + a.replace("'", "'\\''") + "'" for a in [EXE, *args, LOGS])
    p = subprocess.run(["script", "-qec", cmd + " 2>/dev/null", "/dev/null"], capture_output=True)
    return p.stdout


TERM = [("tsv",), ("csv",), ("excel-csv",), ("table",)]
for fmt in TERM:
    for sub in ([], ["sessions"]):
        if sub and fmt[0] == "table":
            continue
        out = on_tty(*sub, "-f", fmt[0], *([] if sub or fmt[0] == "table" else ["--by", BY]))
        name = " ".join(sub + ["terminal", fmt[0]])
        if not out:
            fail("%s: no output" % name)
        try:
            out.decode("utf-8")
        except UnicodeDecodeError:
            fail("%s: invalid UTF-8 reached the terminal" % name)
        if re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]", out):
            fail("%s: a control byte reached the terminal: %r" % (name, out[:300]))
        for esc in (b"\\x1B]0;owned\\x07", b"\\x1B[2J\\x1B[H", b"x\\xC2\\x9B2Jy"):
            if esc not in out:
                fail("%s: %r not shown" % (name, esc))
if b"PK" in on_tty("-f", "xlsx") or b"PK" in on_tty("sessions", "-f", "xlsx"):
    fail("xlsx written to a terminal")
nag = on_tty("--nagios", "--fail-on", "legacy")
if not nag.startswith(b"EXTLS CRITICAL") or re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", nag):
    fail("nagios line: %r" % nag)

# 6. xlsx: read back by an independent reader.
if XLSX:
    try:
        import openpyxl
    except ImportError:
        print("SKIP: python3-openpyxl is not installed")
        sys.exit(77)

    def vis(v):
        out = []
        for ch in v:
            c = ord(ch)
            if c < 0x20:
                out.append(chr(0x2400 + c))
            elif c == 0x7F:
                out.append("\u2421")
            elif 0x80 <= c < 0xA0 or 0xFDD0 <= c <= 0xFDEF or (c & 0xFFFE) == 0xFFFE:
                out.append("\ufffd")
            else:
                out.append(ch)
        # A literal _xHHHH_ is stored with its underscore escaped (ECMA-376 ST_Xstring).
        return re.sub(r"_(x[0-9A-Fa-f]{4}_)", r"_x005F_\1", "".join(out))

    def when(cell):
        if not isinstance(cell.value, datetime.datetime):
            fail("not a date-time cell: %r" % cell.value)
            return None
        d = cell.value + datetime.timedelta(microseconds=500)  # the nearest millisecond
        return d.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (d.microsecond // 1000)

    def check_cell(where, cell, want, kind):
        if want in (None, ""):
            if cell.value not in (None, ""):
                fail("%s: %r, want empty" % (where, cell.value))
            return
        if kind == "text":
            if cell.data_type != "s" or cell.value != vis(want):
                fail("%s: %r (%s), want string %r" % (where, cell.value, cell.data_type, vis(want)))
        elif kind == "num":
            if cell.data_type != "n" or cell.value != want:
                fail("%s: %r, want number %r" % (where, cell.value, want))
        elif kind == "time":
            if when(cell) != want:
                fail("%s: %r, want %r" % (where, cell.value, want))
        elif kind == "day":
            if not isinstance(cell.value, datetime.datetime) or cell.value.strftime("%Y-%m-%d") != want:
                fail("%s: %r, want day %r" % (where, cell.value, want))

    def check_sheet(ws, heads, rows):
        """rows: lists of (value, kind); heads: the header row."""
        got_heads = [c.value for c in ws[1]]
        if got_heads != heads:
            fail("%s: header %r, want %r" % (ws.title, got_heads, heads))
        if ws.max_row != len(rows) + 1:
            fail("%s: %d rows, want %d" % (ws.title, ws.max_row - 1, len(rows)))
        if ws.freeze_panes != "A2" or not ws.auto_filter.ref:
            fail("%s: header not frozen or no autofilter" % ws.title)
        for i, r in enumerate(rows):
            for j, (want, kind) in enumerate(r):
                check_cell("%s!%s" % (ws.title, ws.cell(i + 2, j + 1).coordinate), ws.cell(i + 2, j + 1),
                           want, kind)

    def book(*args):
        path = os.path.join(SCRATCH, "book.xlsx")
        with open(path, "wb") as f:
            f.write(run(*args))
        return openpyxl.load_workbook(path)

    classes = list(GROUPS[0]["tls"].keys())

    def group_rows(groups, keys, host=None):
        out = []
        for g in groups:
            r = [(g[k], "day" if k == "day" else "text") for k in keys]
            if host is not None:
                r.append((host(g), "text"))
            r += [(g["sessions"], "num")] + [(g["tls"][c], "num") for c in classes]
            r += [(g["first"], "time"), (g["last"], "time")]
            out.append(r)
        return out

    wb = book("-f", "xlsx")
    if wb.sheetnames != ["connectors", "remote hosts", "days", "totals"]:
        fail("report sheets: %r" % wb.sheetnames)
    conn = json.loads(text(run("-f", "json", "--by", "direction,connector")))
    rem = json.loads(text(run("-f", "json", "--by", "direction,remote")))
    days = json.loads(text(run("-f", "json", "--by", "day")))
    tail = ["sessions"] + classes + ["first", "last"]
    check_sheet(wb["connectors"], ["direction", "connector"] + tail,
                group_rows(conn["groups"], ["direction", "connector"]))

    def host_of(g):  # the EHLO name of the remote's latest session
        ss = [s for s in SESS if s["direction"] == g["direction"] and s["remote"] == g["remote"] and s["ehlo"]]
        return max(ss, key=lambda s: s["start"])["ehlo"] if ss else ""

    check_sheet(wb["remote hosts"], ["direction", "remote", "ehlo"] + tail,
                group_rows(rem["groups"], ["direction", "remote"], host_of))
    check_sheet(wb["days"], ["day"] + tail, group_rows(days["groups"], ["day"]))
    t = REP["totals"]
    check_sheet(wb["totals"], ["total", "value"],
                [[(k, "text"), (t[k], "num")] for k in
                 ("files", "rows", "malformed_rows", "sessions", "files_skipped", "files_failed",
                  "sessions_excluded")] + [[("first", "text"), (t["first"], "time")],
                                           [("last", "text"), (t["last"], "time")]])

    wb = book("sessions", "-f", "xlsx")
    if wb.sheetnames != ["sessions"]:
        fail("sessions sheets: %r" % wb.sheetnames)
    kinds = {"start": "time", "end": "time"}
    rows = []
    for s in SESS:
        rows.append([(s[c], kinds.get(c, "num" if isinstance(s[c], int) or c.endswith("_bits") else "text"))
                     for c in COLS])
    check_sheet(wb["sessions"], COLS, rows)

print("%d failure(s)" % len(failures))
sys.exit(1 if failures else 0)
