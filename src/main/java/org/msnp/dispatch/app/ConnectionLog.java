package org.msnp.dispatch.app;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.msnp.dispatch.observe.ConnectionObserver;
import org.msnp.dispatch.observe.ConnectionRecord;
import org.msnp.dispatch.observe.Refusal;
import org.msnp.dispatch.observe.TransportKind;
import org.msnp.dispatch.protocol.HostPort;
import org.msnp.dispatch.session.DispatchSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection log: one logfmt line per finished conversation on the logger
 * {@code msnp.connection}, and refused connections summed up per transport and reason, one line
 * per reason per interval ({@link #summarize()}), so that a flood cannot flood the log.
 *
 * <p>Batched off the event loop: a finished conversation only puts its record in a bounded queue.
 * A writer thread of its own takes what has gathered every {@value #INTERVAL_MILLIS} ms, formats
 * the lines and writes them out together; nothing wakes it per connection, and an event loop
 * never waits for the log. With the server's own logging ({@link LogSetup}) the lines go to
 * standard output in the same layout as every other line, several per write (whole lines, at
 * most {@value #CHUNK} bytes per write, so that lines from other writers are never cut into);
 * with a Logback file of the operator's ({@code -Dlogback.configurationFile}) each line is an
 * event of the logger as before. Should the writer fall {@value #CAPACITY} lines behind (standard
 * output blocked), further lines are counted rather than queued, and the count is logged.
 */
public final class ConnectionLog implements ConnectionObserver, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("msnp.connection");
    private static final int REASONS = Refusal.values().length;
    static final int CAPACITY = 65_536;
    static final long INTERVAL_MILLIS = 20;
    static final int CHUNK = 4096;
    /**
     * Loaded with this class rather than at the first line: a class read from a directory needs a
     * free descriptor, and one that cannot be read when first needed (the process out of descriptors)
     * stays unloadable for the life of the process.
     */
    private static final Class<?> LOADED_WITH_IT = Logfmt.class;

    /** Refusals since the last summary, per transport and reason. */
    private final AtomicLongArray refused = new AtomicLongArray(TransportKind.values().length * REASONS);
    private final ArrayBlockingQueue<ConnectionRecord> pending = new ArrayBlockingQueue<>(CAPACITY);
    private final AtomicLong dropped = new AtomicLong();
    /** Standard output when the server's own logging is in place, else null: each line a Logback event. */
    private final PrintStream direct;
    private final Object writing = new Object();
    private final List<ConnectionRecord> batch = new ArrayList<>();
    private final StringBuilder text = new StringBuilder(CHUNK);
    private final StringBuilder part = new StringBuilder(64);
    /** What {@link #writeOut} copies through, grown as a chunk needs (the writer thread's only). */
    private char[] chars = new char[2 * CHUNK];
    private byte[] bytes = new byte[2 * CHUNK];
    private final ch.qos.logback.core.util.CachingDateFormatter stamps =
            new ch.qos.logback.core.util.CachingDateFormatter(LogSetup.DATE_PATTERN, ZoneId.systemDefault());
    private final Thread writer;
    private volatile boolean running = true;

    public ConnectionLog() {
        this(LogSetup.isInPlace() ? System.out : null);
    }

    /** A connection log writing its lines, in the server's layout, to {@code out} (the bench's in-process server). */
    public static ConnectionLog writingTo(PrintStream out) {
        return new ConnectionLog(java.util.Objects.requireNonNull(out));
    }

    /** @param direct where lines are written in the server's layout; null: as Logback events */
    ConnectionLog(PrintStream direct) {
        this.direct = direct;
        this.writer = new Thread(this::run, "connection-log");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void finished(ConnectionRecord record) {
        if (LOG.isInfoEnabled() && !pending.offer(record)) {
            dropped.incrementAndGet();
        }
    }

    @Override
    public void refused(TransportKind transport, Refusal reason) {
        refused.incrementAndGet(transport.ordinal() * REASONS + reason.ordinal());
    }

    /**
     * One line per transport and reason with refusals since the last call, and how many
     * connection lines could not be queued; the server calls it every 10 s (on an event loop: it
     * never waits for the writer) and when it stops, before {@link #close()}.
     */
    @Override
    public void summarize() {
        LockSupport.unpark(writer);
        reportDropped();
        for (TransportKind t : TransportKind.values()) {
            Map<Refusal, Long> counts = new EnumMap<>(Refusal.class);
            for (Refusal r : Refusal.values()) {
                long n = refused.getAndSet(t.ordinal() * REASONS + r.ordinal(), 0);
                if (n > 0) {
                    counts.put(r, n);
                }
            }
            counts.forEach((r, n) -> LOG.warn("refused transport={} reason={} count={}", t.label(), r.label(), n));
        }
    }

    /** Writes every line gathered so far; returns when they are written. */
    public void flush() {
        synchronized (writing) {
            while (pending.drainTo(batch, 1024) > 0) {
                write(batch);
                batch.clear();
            }
        }
    }

    private void run() {
        while (running) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(INTERVAL_MILLIS));
            try {
                flush();
            } catch (RuntimeException | LinkageError e) {
                // the lines of this batch are lost; the writer keeps writing the next ones
                LOG.warn("connection log: {}", e.toString());
            }
        }
    }

    private void write(List<ConnectionRecord> records) {
        if (direct == null) {
            for (ConnectionRecord r : records) {
                LOG.info(line(r));
            }
            return;
        }
        String prefix = stamps.format(System.currentTimeMillis()) + " INFO  connection ";
        text.setLength(0);
        for (ConnectionRecord r : records) {
            int before = text.length();
            text.append(prefix);
            append(text, part, r);
            text.append('\n');
            if (text.length() > CHUNK && before > 0) {
                // the whole lines before this one go out together; this one starts the next write
                writeOut(before);
                text.delete(0, before);
            }
        }
        if (text.length() > 0) {
            writeOut(text.length());
        }
        direct.flush();
    }

    /**
     * Writes the first {@code n} chars of {@code text}: logfmt values are printable ASCII (Logfmt
     * escapes everything else), so each char is its byte. Copied through buffers kept from one
     * write to the next.
     */
    private void writeOut(int n) {
        if (chars.length < n) {
            chars = new char[n];
            bytes = new byte[n];
        }
        text.getChars(0, n, chars, 0);
        for (int i = 0; i < n; i++) {
            char c = chars[i];
            // as ISO-8859-1 encodes: what it cannot becomes '?' (nothing Logfmt lets through)
            bytes[i] = c <= 0xff ? (byte) c : (byte) '?';
        }
        direct.write(bytes, 0, n);
    }

    /** Stops the writer after writing what has gathered (and saying how many lines were not). */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(writer);
        flush();
        reportDropped();
    }

    private void reportDropped() {
        long lost = dropped.getAndSet(0);
        if (lost > 0) {
            LOG.warn("connection log behind: {} line(s) not written (more than {} waiting)", lost, CAPACITY);
        }
    }

    /**
     * The log line in logfmt: {@code peer=… transport=tcp dialect=MSNP8 client=MSNMSGR/6.0.0602 …}.
     * Every value the client wrote is quoted where needed ({@link Logfmt}), so the line always
     * parses back into exactly the fields written here (docs/operations.md).
     */
    public static String line(ConnectionRecord r) {
        StringBuilder b = new StringBuilder(192);
        append(b, new StringBuilder(), r);
        return b.toString();
    }

    /** Appends the line of {@code r} to {@code b}; {@code part} is where joined values are put together. */
    private static void append(StringBuilder b, StringBuilder part, ConnectionRecord r) {
        DispatchSession.Summary summary = r.summary();
        b.append("peer=");
        appendPeer(b, r);
        b.append(" transport=").append(r.transport().label()).append(" dialect=");
        Logfmt.value(b, summary.dialect());
        if (summary.client().isPresent()) {
            org.msnp.dispatch.protocol.ClientInfo c = summary.client().get();
            b.append(" client=");
            part.setLength(0);
            Logfmt.value(b, part.append(c.library()).append('/').append(c.version()));
            b.append(" os=");
            part.setLength(0);
            Logfmt.value(b, part.append(c.osType()).append('/').append(c.osVersion()).append('/').append(c.arch()));
            b.append(" locale=");
            Logfmt.value(b, c.localeText());
        } else {
            b.append(" client=- locale=-");
        }
        b.append(" verdict=").append(summary.verdictLabel()).append(" outcome=").append(summary.outcomeLabel());
        if (summary.offered().isPresent()) {
            b.append(" offered=");
            Logfmt.value(b, summary.offered().get());
        }
        if (summary.referredTo().isPresent()) {
            summary.referredTo().get().appendTo(b.append(" ns="));
        }
        if (summary.dropReason().isPresent()) {
            b.append(" reason=").append(summary.dropReason().get());
        }
        b.append(" end=").append(r.end().label()).append(" replied=");
        if (r.repliedNanos() < 0) {
            b.append('-');
        } else {
            b.append(r.repliedNanos() / 1_000_000).append("ms");
        }
        b.append(" duration=").append(r.duration().toMillis()).append("ms");
    }

    private static void appendPeer(StringBuilder b, ConnectionRecord r) {
        if (r.peer() instanceof InetSocketAddress a) {
            b.append(HostPort.hostText(a)).append(':').append(a.getPort());
        } else {
            b.append(r.peer());
        }
    }
}
