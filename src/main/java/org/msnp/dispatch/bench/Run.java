package org.msnp.dispatch.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The shared tally of one load run: how many handshakes were started, how many completed, the
 * errors by kind with a few examples, and two latency histograms (nanoseconds): from the start of
 * the connect to the server's close, and to the last expected reply.
 */
final class Run {
    private static final int EXAMPLES = 5;

    final String label;
    final LoadGenerator.Target target;
    final long limit;
    final long deadline;
    final long startedAt = System.nanoTime();
    private final long cpuAtStart = processCpuNanos();
    private final long[] gcAtStart = gc();
    private final AtomicLong started = new AtomicLong();
    final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closed;
    private final LongAdder completed = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicLongArray perScript;
    private final List<Handshake> scripts;
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final List<String> examples = Collections.synchronizedList(new ArrayList<>());
    private final Recorder toClose = new Recorder(3);
    private final Recorder toReply = new Recorder(3);
    private final AtomicLong lastEnd = new AtomicLong(startedAt);

    /**
     * @param limit    most handshakes to start
     * @param deadline {@link System#nanoTime()} after which none is started
     */
    Run(String label, LoadGenerator.Target target, long limit, long deadline, List<Handshake> scripts) {
        this.label = label;
        this.target = target;
        this.limit = limit;
        this.deadline = deadline;
        this.scripts = scripts;
        this.perScript = new AtomicLongArray(scripts.size());
    }

    /** The sequence number of the next handshake to start, or -1 when the run takes no more. */
    long claim() {
        if (closed) {
            return -1;
        }
        if (System.nanoTime() - deadline >= 0) {
            closed = true;
            return -1;
        }
        long n = started.getAndIncrement();
        if (n >= limit) {
            closed = true;
            return -1;
        }
        return n;
    }

    void close() {
        closed = true;
    }

    boolean finished() {
        return closed && inFlight.get() == 0;
    }

    void succeeded(int script, long startNanos, long replyNanos, long endNanos) {
        completed.increment();
        perScript.incrementAndGet(script);
        toClose.recordValue(Math.max(0, endNanos - startNanos));
        toReply.recordValue(Math.max(0, replyNanos - startNanos));
        lastEnd.accumulateAndGet(endNanos, Math::max);
    }

    void failed(String kind, String example, long endNanos) {
        failed.increment();
        errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
        if (examples.size() < EXAMPLES) {
            examples.add(kind + ": " + example);
        }
        lastEnd.accumulateAndGet(endNanos, Math::max);
    }

    Result result() {
        Map<String, Long> err = new TreeMap<>();
        errors.forEach((k, v) -> err.put(k, v.sum()));
        Map<String, Long> byScript = new TreeMap<>();
        for (int i = 0; i < scripts.size(); i++) {
            byScript.merge(scripts.get(i).family(), perScript.get(i), Long::sum);
        }
        long started = Math.min(this.started.get(), limit);
        Histogram close = toClose.getIntervalHistogram();
        Histogram reply = toReply.getIntervalHistogram();
        return new Result(label, started, completed.sum(), failed.sum(), err, List.copyOf(examples), byScript,
                lastEnd.get() - startedAt, processCpuNanos() - cpuAtStart, gc()[0] - gcAtStart[0],
                gc()[1] - gcAtStart[1], close, reply);
    }

    /** Collections so far and the milliseconds they took, all collectors of this JVM. */
    static long[] gc() {
        long[] r = new long[2];
        for (java.lang.management.GarbageCollectorMXBean b : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            r[0] += Math.max(0, b.getCollectionCount());
            r[1] += Math.max(0, b.getCollectionTime());
        }
        return r;
    }

    /** CPU time (user and system) of this whole process so far; -1 where the JVM does not say. */
    static long processCpuNanos() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
