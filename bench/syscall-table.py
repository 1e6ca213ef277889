#!/usr/bin/env python3
"""System calls per handshake, side by side, from `strace -c -f -p PID` summaries.

Usage:
    syscall-table.py NAME=STRACE_SUMMARY[:PASSIVE_OPENS] [...]
    syscall-table.py --self-test

Each summary is what `strace -c -o FILE` wrote for one server over a window of closed-loop load.
The handshakes completed in that window are counted as the server's successful accept4/accept
calls (calls less errors: the EAGAIN that ends an accept loop is a call but no connection).
PASSIVE_OPENS, the rise of Tcp PassiveOpens in /proc/net/snmp over the same window, is shown
beside it as a cross-check; it counts every connection the machine accepted, other programs' too,
so it is used only when the server made no accept call that strace could see (io_uring accepts
inside the kernel).
Every syscall's calls, failed ones included, are divided by that count. Up to the number of
handshakes in flight were already under way when the window opened or still were when it closed:
that is the precision of the figures.
"""
import re
import sys

LINE = re.compile(r"^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:(\d+)\s+)?(\S+)\s*$")
ACCEPTS = ("accept4", "accept")
SHOWN_FROM = 0.005   # rows below this (calls per handshake) in every column are left out of the rows


def parse(text):
    """{syscall: (calls, errors)} of one strace -c summary, without the total line."""
    calls = {}
    for line in text.splitlines():
        m = LINE.match(line)
        if m and m.group(3) != "total":
            calls[m.group(3)] = (int(m.group(1)), int(m.group(2) or 0))
    if not calls:
        raise ValueError("no strace -c summary in it")
    return calls


def handshakes(calls, passive):
    """(handshakes in the window, how they were counted)."""
    accepted = sum(calls[a][0] - calls[a][1] for a in ACCEPTS if a in calls)
    if accepted > 0:
        return accepted, "accepts"
    if passive:
        return passive, "PassiveOpens"
    return 0, "none"


def table(servers):
    """servers: [(name, calls, passive)]: the report's text."""
    out = ["handshakes in the window: " + "; ".join(
        "%s %d (%s%s)" % (name, n, "successful accept4/accept calls" if how == "accepts"
                          else "Tcp PassiveOpens: no accept call seen" if how == "PassiveOpens"
                          else "no accept call and no PassiveOpens count",
                          ", the whole machine's PassiveOpens +%d" % passive
                          if passive is not None and how == "accepts" else "")
        for (name, calls, passive), (n, how) in ((s, handshakes(s[1], s[2])) for s in servers))]
    per = []
    for name, calls, passive in servers:
        n, _ = handshakes(calls, passive)
        per.append({s: (c / n if n else float("nan")) for s, (c, _) in calls.items()})
    names = sorted({s for p in per for s in p}, key=lambda s: (-max(p.get(s, 0) for p in per), s))
    width = max([len("calls per handshake"), len("total")] + [len(s) for s in names]) + 2
    col = max(10, max(len(n) for n, _, _ in servers) + 2)
    out.append("%-*s" % (width, "calls per handshake") + "".join("%*s" % (col, n) for n, _, _ in servers))
    hidden = 0
    for s in names:
        if all(p.get(s, 0) < SHOWN_FROM for p in per):
            hidden += 1
            continue
        out.append("%-*s" % (width, s) + "".join("%*s" % (col, "%.2f" % p[s] if s in p else "-") for p in per))
    out.append("%-*s" % (width, "total") + "".join("%*.2f" % (col, sum(p.values())) for p in per))
    if hidden:
        out.append("(%d rarer syscall(s) below %.3f per handshake everywhere are not shown but are in the total)"
                   % (hidden, SHOWN_FROM))
    return "\n".join(out)


def main(args):
    if args == ["--self-test"]:
        return self_test()
    if not args or any(a.startswith("-") or "=" not in a for a in args):
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    servers = []
    for a in args:
        name, _, rest = a.partition("=")
        path, _, passive = rest.rpartition(":") if re.search(r":\d*$", rest) else (rest, "", "")
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                calls = parse(f.read())
        except (OSError, ValueError) as e:
            print("syscall-table: %s: %s" % (path, e), file=sys.stderr)
            return 1
        servers.append((name, calls, int(passive) if passive else None))
    print(table(servers))
    return 0


SAMPLE = """\
% time     seconds  usecs/call     calls    errors syscall
------ ----------- ----------- --------- --------- ----------------
 31.58    0.304170           9     30000           write
 18.71    0.180157           5     30000           read
 17.66    0.170128          69      2433           epoll_wait
 12.06    0.116176          10     10000           close
  8.81    0.084859           7     10766       766 accept4
  0.01    0.000010           1         3         3 futex
------ ----------- ----------- --------- --------- ----------------
100.00    0.963083           8     83202       769 total
"""

URING = """\
% time     seconds  usecs/call     calls    errors syscall
------ ----------- ----------- --------- --------- ----------------
100.00    0.500000          50     10000           io_uring_enter
------ ----------- ----------- --------- --------- ----------------
100.00    0.500000          50     10000           total
"""


def self_test():
    wrong = []
    calls = parse(SAMPLE)
    if calls.get("accept4") != (10766, 766) or calls.get("write") != (30000, 0) or "total" in calls:
        wrong.append("parse: %r" % calls)
    if handshakes(calls, 10100) != (10000, "accepts"):
        wrong.append("handshakes from accepts: %r" % (handshakes(calls, 10100),))
    if handshakes(parse(URING), 5000) != (5000, "PassiveOpens"):
        wrong.append("handshakes from PassiveOpens: %r" % (handshakes(parse(URING), 5000),))
    text = table([("c", calls, 10100), ("uring", parse(URING), 5000)])
    for expected in ("write", "3.00", "1.08", "io_uring_enter", "2.00", "c 10000", "uring 5000",
                     "1 rarer syscall"):
        if expected not in text:
            wrong.append("the table lacks %r:\n%s" % (expected, text))
    if "8.32" not in text.splitlines()[-2]:   # 83203 calls / 10000 handshakes (futex in the total)
        wrong.append("total line: %s" % text.splitlines()[-2])
    try:
        parse("nothing here")
        wrong.append("a file without a summary was accepted")
    except ValueError:
        pass
    if wrong:
        print("syscall-table self-test FAILED:\n  " + "\n  ".join(wrong), file=sys.stderr)
        return 1
    print("syscall-table self-test: 1 passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
