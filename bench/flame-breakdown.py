#!/usr/bin/env python3
"""Where a server's CPU goes, from async-profiler's collapsed stacks.

Usage:
    flame-breakdown.py [NAME=]FILE.collapsed [[NAME=]FILE.collapsed ...]
    flame-breakdown.py --self-test

A collapsed file has one line per distinct stack: the frames from the thread's root to the leaf,
separated by ';', then a space and the number of samples. Every sample goes to exactly one category:
the first rule below (in this order) that matches any frame of its stack. The order is the point:
work that the connection log, the metrics or the census do is theirs even when a handler called
it, and a syscall is the syscall's even when the conversation asked for it; what no rule claims is
"other", split by whether the stack runs on a Netty event loop.

A pattern matches a frame if it occurs in the frame's name; a pattern starting with '=' must be
the whole name (for C library symbols such as `read`, which would otherwise match half the JDK).
Kernel frames (async-profiler marks them `_[k]`; present when perf_events are allowed, absent in
the ctimer/itimer fallback) are matched without that mark. The syscall categories include the
JNI and JDK wrappers (`Socket.sendAddress`, `SocketDispatcher.write0` …), so they mean the same
with or without kernel frames: the time from entering the wrapper to returning from the kernel.
"""
import re
import sys
from collections import OrderedDict

EVENT_LOOP = ("SingleThreadIoEventLoop.run", "SingleThreadEventExecutor$", "EpollEventLoop.run",
              "NioEventLoop.run", "IoUringIoHandler.run", "EpollIoHandler.run", "NioIoHandler.run")

# (category, patterns), first match wins.
RULES = [
    # Threads that do nothing else.
    ("JIT compiler threads", ["CompileBroker::", "C2Compiler::", "Compilation::", "NMethodSweeper"]),
    ("GC threads", ["GangWorker::", "WorkerThread::run", "ConcurrentGCThread::run", "G1ServiceThread",
                    "G1ConcurrentRefine", "G1ConcurrentMark", "VM_G1", "VM_GC", "VM_Collect"]),
    # Side work of a finished connection, wherever it is called from.
    ("connection log (ConnectionLog, logback)", ["org/msnp/dispatch/app/ConnectionLog", "ch/qos/logback/",
                                                 "org/slf4j/"]),
    ("census (census, CensusFeed, H2)", ["org/msnp/dispatch/census/", "org/msnp/dispatch/app/CensusFeed",
                                         "org/h2/"]),
    ("metrics (DispatchMetrics, micrometer)", ["org/msnp/dispatch/admin/DispatchMetrics", "io/micrometer/",
                                              "io/prometheus/"]),
    # System calls with their JNI / JDK wrappers and the kernel below them.
    ("kernel TCP write (sendto/writev)", ["unix/Socket.sendAddress", "unix/Socket.send", "unix/Socket.sendTo",
                                          "FileDescriptor.writeAddress", "FileDescriptor.writevAddresses",
                                          "FileDescriptor.write", "SocketDispatcher.write", "IOUtil.write",
                                          "=write", "=__write", "=writev", "=__writev", "=send", "=__send",
                                          "=sendto", "=__sendto", "=__libc_send", "=__libc_write",
                                          "=__libc_writev", "sys_sendto", "sys_writev", "sys_write",
                                          "sys_sendmsg", "tcp_sendmsg"]),
    ("close (close, shutdown, SO_LINGER)", ["FileDescriptor.close", "unix/Socket.shutdown", "unix/Socket.getSoLinger",
                                            "SocketDispatcher.close",
                                            "FileDispatcherImpl.close", "NativeDispatcher.close", "Net.shutdown",
                                            "=close", "=__close", "=__libc_close", "=shutdown", "=__shutdown",
                                            "sys_close", "sys_shutdown"]),
    ("accept", ["unix/Socket.accept", "ServerSocketChannelImpl.accept", "Net.accept", "=accept", "=accept4",
                "=__libc_accept", "=__libc_accept4", "sys_accept"]),
    ("read (recv/read)", ["unix/Socket.recvAddress", "unix/Socket.recv", "FileDescriptor.readAddress",
                          "FileDescriptor.read", "SocketDispatcher.read", "IOUtil.read", "=read", "=__read",
                          "=recv", "=__recv", "=recvfrom", "=__recvfrom", "=__libc_recv", "=__libc_read",
                          "sys_recvfrom", "sys_read", "sys_recvmsg"]),
    ("epoll_wait", ["Native.epollWait", "Native.epollBusyWait", "EPoll.wait", "EPollSelectorImpl.doSelect",
                    "=epoll_wait", "=epoll_pwait", "=epoll_pwait2", "sys_epoll_wait", "sys_epoll_pwait",
                    "do_epoll_wait"]),
    ("io_uring_enter (io_uring transport)", ["=io_uring_enter", "sys_io_uring_enter", "Native.ioUringEnter"]),
    # Event-loop machinery.
    ("timers (schedule, cancel, run scheduled tasks)", ["ScheduledFutureTask", "AbstractScheduledEventExecutor",
                                                        "ScheduledThreadPoolExecutor", "DefaultPriorityQueue",
                                                        "HashedWheelTimer", "IdleStateHandler"]),
    ("channel registration / pipeline set-up (epoll_ctl, register, initChannel)",
     ["AbstractChannel$AbstractUnsafe.register", "SingleThreadEventLoop.register", ".doRegister",
      "ServerBootstrap$ServerBootstrapAcceptor.channelRead", "ChannelInitializer.", "DefaultChannelPipeline.<init>",
      "DefaultChannelPipeline.addLast", "DefaultChannelPipeline.callHandlerAdded", "newChildChannel",
      "Native.epollCtl", "=epoll_ctl", "=__GI_epoll_ctl", "sys_epoll_ctl", "EPoll.ctl", "setsockopt",
      "DispatchServer$1.initChannel", "EpollIoHandler.register", "NioIoHandler.register"]),
    # The dispatch decision itself.
    ("dispatch conversation (parse, session, policy, routing, replies)",
     ["org/msnp/dispatch/conversation/", "org/msnp/dispatch/session/", "org/msnp/dispatch/policy/",
      "org/msnp/dispatch/protocol/", "org/msnp/dispatch/routing/", "org/msnp/dispatch/net/ReplyBytes"]),
]
JIT = RULES[0][0]
STILL_COMPILING = 10   # per cent of the samples in JIT compiler threads past which the report says so
OTHER_LOOP = "other on the event loops (pipeline, buffers, handlers' own code)"
OTHER = "other"
CATEGORIES = [name for name, _ in RULES] + [OTHER_LOOP, OTHER]
# Shown only when some sample falls in them.
ONLY_IF_SEEN = {"io_uring_enter (io_uring transport)"}

_MARK = re.compile(r"_\[[a-z0-9]\]$")


def _compile(patterns):
    exact = {p[1:] for p in patterns if p.startswith("=")}
    parts = [p for p in patterns if not p.startswith("=")]
    return exact, parts


_COMPILED = [(name, _compile(patterns)) for name, patterns in RULES]


def categorise(frames):
    """The category of one stack (a list of frame names, root first)."""
    names = [_MARK.sub("", f) for f in frames]
    for name, (exact, parts) in _COMPILED:
        for f in names:
            if f in exact or any(p in f for p in parts):
                return name
    if any(any(p in f for p in EVENT_LOOP) for f in names):
        return OTHER_LOOP
    return OTHER


def breakdown(lines):
    """Samples per category of collapsed-stack lines, and the total."""
    counts = OrderedDict((c, 0) for c in CATEGORIES)
    total = 0
    for number, line in enumerate(lines, 1):
        line = line.rstrip("\n")
        if not line.strip():
            continue
        stack, _, n = line.rpartition(" ")
        if not stack or not n.isdigit():
            raise ValueError("line %d is not 'frame;frame;... COUNT': %.80s" % (number, line))
        counts[categorise(stack.strip().split(";"))] += int(n)
        total += int(n)
    return counts, total


def table(columns):
    """columns: [(name, counts, total)]: the text of the side-by-side table."""
    width = max(len(c) for c in CATEGORIES) + 2
    out = ["%-*s" % (width, "share of samples") + "".join("%12s" % name for name, _, _ in columns)]
    for c in CATEGORIES:
        if c in ONLY_IF_SEEN and not any(counts[c] for _, counts, _ in columns):
            continue
        out.append("%-*s" % (width, c) + "".join(
            "%11.1f%%" % (100.0 * counts[c] / total if total else 0) for _, counts, total in columns))
    out.append("%-*s" % (width, "samples") + "".join("%12d" % total for _, _, total in columns))
    for name, counts, total in columns:
        jit = 100.0 * counts[JIT] / total if total else 0
        if jit > STILL_COMPILING:
            out.append("note: %s: the JIT compiler took %.0f%% of the samples, so the server was still compiling; "
                       "a longer warm-up shows the steady state" % (name, jit))
    return "\n".join(out)


def main(args):
    if args == ["--self-test"]:
        return self_test()
    if not args or any(a.startswith("-") for a in args):
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    columns = []
    for a in args:
        name, sep, path = a.partition("=")
        if not sep:
            name, path = a.rsplit("/", 1)[-1].replace(".collapsed", ""), a
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                counts, total = breakdown(f)
        except (OSError, ValueError) as e:
            print("flame-breakdown: %s: %s" % (path, e), file=sys.stderr)
            return 1
        columns.append((name, counts, total))
    print(table(columns))
    return 0


SAMPLE = """\
java/lang/Thread.run;io/netty/channel/SingleThreadIoEventLoop.run;io/netty/channel/epoll/EpollIoHandler.run;org/msnp/dispatch/net/DispatchHandler.channelRead;org/msnp/dispatch/conversation/Conversation.feed;io/netty/channel/unix/Socket.sendAddress;__send;__x64_sys_sendto_[k];tcp_sendmsg_[k] 30
java/lang/Thread.run;io/netty/channel/SingleThreadIoEventLoop.run;io/netty/channel/epoll/EpollIoHandler.run;org/msnp/dispatch/net/DispatchHandler.channelRead;org/msnp/dispatch/conversation/Conversation.feed;org/msnp/dispatch/protocol/Command.parse 20
java/lang/Thread.run;io/netty/channel/SingleThreadIoEventLoop.run;io/netty/channel/AbstractChannel$AbstractUnsafe.close;io/netty/channel/unix/FileDescriptor.close;__close 10
java/lang/Thread.run;io/netty/channel/SingleThreadIoEventLoop.run;io/netty/channel/AbstractChannel$AbstractUnsafe.close;org/msnp/dispatch/net/DispatchHandler.channelInactive;org/msnp/dispatch/admin/DispatchMetrics.finished;io/micrometer/core/instrument/Counter.increment 5
java/lang/Thread.run;io/netty/channel/SingleThreadIoEventLoop.run;org/msnp/dispatch/net/DispatchHandler.channelInactive;org/msnp/dispatch/app/CensusFeed.finished 4
java/lang/Thread.run;org/msnp/dispatch/app/ConnectionLog.run;ch/qos/logback/core/OutputStreamAppender.append;java/io/FileOutputStream.writeBytes;write 6
java/lang/Thread.run;io/netty/channel/SingleThreadIoEventLoop.run;io/netty/channel/epoll/Native.epollWait0;epoll_pwait2;do_epoll_wait_[k] 7
java/lang/Thread.run;io/netty/channel/SingleThreadIoEventLoop.run;io/netty/channel/unix/Socket.accept;accept4 3
java/lang/Thread.run;io/netty/channel/SingleThreadIoEventLoop.run;io/netty/channel/unix/Socket.recvAddress;recv 2
java/lang/Thread.run;io/netty/channel/SingleThreadIoEventLoop.run;io/netty/util/concurrent/AbstractScheduledEventExecutor.schedule;io/netty/util/internal/DefaultPriorityQueue.offer 2
java/lang/Thread.run;io/netty/channel/SingleThreadIoEventLoop.run;io/netty/bootstrap/ServerBootstrap$ServerBootstrapAcceptor.channelRead;io/netty/channel/epoll/Native.epollCtlAdd0 3
java/lang/Thread.run;io/netty/channel/SingleThreadIoEventLoop.run;io/netty/buffer/AdaptiveByteBufAllocator.newDirectBuffer 1
clone3;start_thread;thread_native_entry;Thread::call_run;JavaThread::thread_main_inner;CompileBroker::compiler_thread_loop;C2Compiler::compile_method 4
clone3;start_thread;thread_native_entry;Thread::call_run;GangWorker::run;G1ParTask::work 2
java/lang/Thread.run;java/lang/ThreadReadSomething.run 1
"""


def self_test():
    counts, total = breakdown(SAMPLE.splitlines())
    expected = {
        "kernel TCP write (sendto/writev)": 30,
        "dispatch conversation (parse, session, policy, routing, replies)": 20,
        "close (close, shutdown, SO_LINGER)": 10,
        "metrics (DispatchMetrics, micrometer)": 5,
        "census (census, CensusFeed, H2)": 4,
        "connection log (ConnectionLog, logback)": 6,  # its write to a file is not a TCP write
        "epoll_wait": 7,
        "accept": 3,
        "read (recv/read)": 2,
        "timers (schedule, cancel, run scheduled tasks)": 2,
        "channel registration / pipeline set-up (epoll_ctl, register, initChannel)": 3,
        OTHER_LOOP: 1,
        "JIT compiler threads": 4,
        "GC threads": 2,
        OTHER: 1,  # 'ThreadReadSomething' is not the C library's read
    }
    wrong = ["%s: %d, expected %d" % (c, counts[c], expected.get(c, 0))
             for c in CATEGORIES if counts[c] != expected.get(c, 0)]
    if total != 100:
        wrong.append("total %d, expected 100" % total)
    try:
        breakdown(["no count here"])
        wrong.append("a line without a count was accepted")
    except ValueError:
        pass
    if "30.0%" not in table([("x", counts, total)]) or "still compiling" in table([("x", counts, total)]):
        wrong.append("the table does not show 30.0% for the TCP write, or says 4% JIT is still compiling")
    warm, warm_total = breakdown(SAMPLE.splitlines()[-3:-2] * 5 + SAMPLE.splitlines()[:1])
    if "note: cold: the JIT compiler took 40% of the samples" not in table([("cold", warm, warm_total)]):
        wrong.append("no note for a profile with 40%% JIT samples:\n%s" % table([("cold", warm, warm_total)]))
    if wrong:
        print("flame-breakdown self-test FAILED:\n  " + "\n  ".join(wrong), file=sys.stderr)
        return 1
    print("flame-breakdown self-test: 1 passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
