package org.msnp.dispatch.census;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;
import org.msnp.dispatch.config.CensusConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The census of finished conversations (docs/console.md, "Census"): counts per UTC hour and
 * {@link CensusKey}, added up in memory and written to the database by one writer thread.
 *
 * <p>{@link #count} runs on the event loops: no database, no lock, no allocation once the key is
 * known this hour (a map lookup and a {@link LongAdder} increment; a conversation folded past the
 * cap costs one short-lived folded key). Its bounds:
 * <ul>
 *   <li>at most {@code max-keys-per-hour} distinct keys per hour; the conversations of further
 *       keys are counted with library, build and OS type folded to {@code other}
 *       ({@code msnp_census_folded_total});</li>
 *   <li>at most {@code max-pending-keys} keys in memory in all, this hour's and earlier hours' not
 *       yet written (the database is down or slow); a conversation whose key would be one more is
 *       dropped ({@code msnp_census_dropped_total}). Every call is either added to a count or
 *       dropped and counted as such.</li>
 * </ul>
 *
 * <p>Each key's count only grows; the writer remembers what it wrote, and every flush writes the
 * difference in one transaction. A flush that fails writes nothing (the transaction rolls back)
 * and leaves the difference for the next one, so nothing is lost or counted twice. An hour that
 * is over stays in memory until it is written and a grace period (several flush intervals) has
 * passed, for the counts of conversations that finished on its last instant.
 */
public final class Census implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("msnp.server");
    /**
     * Loaded with this class rather than at the first conversation or flush: a class read from a
     * directory needs a free descriptor, and one that cannot be read when first needed (the process
     * out of descriptors) stays unloadable for the life of the process, which would leave every
     * later flush failing.
     */
    private static final List<Class<?>> LOADED_WITH_IT = List.of(Tally.class, CensusKey.class, CensusStore.class);
    static final long HOUR_MILLIS = 3_600_000L;
    /** Nightly prune time (UTC): after midnight, when a day's hours are complete. */
    private static final LocalTime PRUNE_AT = LocalTime.of(0, 10);
    /** How often a failing database is reported in the log. */
    private static final long FAILURE_LOG_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** How long {@link #close} waits for the last write. */
    private static final long CLOSE_WAIT_SECONDS = 15;

    private final CensusStore store;
    private final String node;
    private final Clock clock;
    private final int maxKeysPerHour;
    private final int maxPendingKeys;
    private final Duration flushInterval;
    private final Duration hourlyRetention;
    private final long graceNanos;
    private final AutoCloseable owned;
    private final CensusQueries queries;

    private volatile Window current;
    /** Hours that are over and not yet dropped; written by a rolling event loop, read by the writer. */
    private final List<Window> older = new CopyOnWriteArrayList<>();
    private final AtomicInteger heldKeys = new AtomicInteger();
    private final LongAdder counted = new LongAdder();
    private final LongAdder folded = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder written = new LongAdder();
    private final LongAdder flushFailures = new LongAdder();
    private volatile long lastFlushMillis;
    private volatile boolean closed;

    // Writer thread only.
    private final ScheduledExecutorService writer;
    private volatile boolean schemaReady;
    /** A prune failed (the database was down): it runs again after the next good flush. */
    private boolean pruneDue;
    private long failingSinceNanos = -1;
    private long lastFailureLogNanos;

    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();

    /**
     * A running census for the {@code census:} block of the configuration, on its own connection
     * pool; empty when {@code census.enabled} is false. The database need not be up: counts wait
     * in memory (within the bounds) until it is. {@link #close} flushes and closes the pool.
     *
     * @throws IllegalStateException when the H2 data directory cannot be created
     */
    public static Optional<Census> start(CensusConfig config, MeterRegistry registry) {
        if (!config.enabled()) {
            return Optional.empty();
        }
        Databases.createH2Directory(config);
        com.zaxxer.hikari.HikariDataSource pool = Databases.pool(config);
        try {
            return Optional.of(start(pool, Databases.nodeName(config), config, registry, Clock.systemUTC(), pool));
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** This server's node name: {@code census.node}, else the host name (also its name among the nodes, docs/scaling.md). */
    public static String nodeName(CensusConfig config) {
        return Databases.nodeName(config);
    }

    /** The host name as the kernel knows it, cut to what a node name may hold. */
    public static String hostName() {
        return Databases.hostName();
    }

    /** A running census on a data source the caller owns (and closes after {@link #close}). */
    public static Census start(DataSource dataSource, String node, CensusConfig config, MeterRegistry registry) {
        return start(dataSource, node, config, registry, Clock.systemUTC(), () -> { });
    }

    static Census start(DataSource dataSource, String node, CensusConfig config, MeterRegistry registry, Clock clock,
                        AutoCloseable owned) {
        Census c = new Census(dataSource, node, config, registry, clock, owned);
        c.schedule();
        return c;
    }

    private Census(DataSource dataSource, String node, CensusConfig config, MeterRegistry registry, Clock clock,
                   AutoCloseable owned) {
        if (!CensusConfig.NODE_NAME.matcher(node).matches()) {
            throw new IllegalArgumentException("census node name must be 1-64 letters, digits, '.', '_', ':' or '-'");
        }
        this.store = new CensusStore(dataSource);
        this.queries = new CensusQueries(dataSource);
        this.node = node;
        this.clock = clock;
        this.maxKeysPerHour = config.maxKeysPerHour();
        this.maxPendingKeys = config.maxPendingKeys();
        this.flushInterval = config.flushInterval();
        this.hourlyRetention = config.hourlyRetention();
        this.graceNanos = Math.max(TimeUnit.SECONDS.toNanos(5), 3 * flushInterval.toNanos());
        this.owned = owned;
        this.current = new Window(hourOf(clock.millis()));
        this.lastFlushMillis = 0;
        this.registry = registry;
        this.writer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "census-writer");
            t.setDaemon(true);
            return t;
        });
        registerMeters();
    }

    /** This node's name in the census rows. */
    public String node() {
        return node;
    }

    /**
     * The read side over the same database. The first call waits until the writer has created
     * the tables (it does so at start): a console asked before the first write finds them.
     */
    public CensusQueries queries() {
        if (!schemaReady) {
            onWriter(() -> {
                ensureSchema();
                return true;
            });
        }
        return queries;
    }

    /**
     * Counts one finished conversation. Cheap and thread-safe; never waits for the database. After
     * {@link #close} a conversation is dropped (and counted as such).
     */
    public void count(CensusKey key) {
        if (closed) {
            dropped.increment();
            return;
        }
        long hour = hourOf(clock.millis());
        Window w = current;
        if (hour > w.hour) {
            w = rollTo(hour);
        }
        // An earlier hour than the current one (a clock stepped back, or a call racing the
        // rollover) is counted in the current hour.
        Tally t = w.tallies.get(key);
        if (t == null) {
            t = admit(w, key);
            if (t == null) {
                dropped.increment();
                return;
            }
        }
        t.added.increment();
        counted.increment();
    }

    private Tally admit(Window w, CensusKey key) {
        if (w.clientKeys.get() < maxKeysPerHour) {
            Tally t = w.tallies.computeIfAbsent(key, k -> newTally(w, true));
            if (t != null) {
                return t;
            }
            if (w.clientKeys.get() < maxKeysPerHour) {
                return null; // memory bound
            }
        }
        CensusKey other = key.folded();
        Tally t = w.tallies.get(other);
        if (t == null) {
            t = w.tallies.computeIfAbsent(other, k -> newTally(w, false));
        }
        if (t != null) {
            folded.increment();
        }
        return t;
    }

    /** A new key's tally within both bounds, or null (nothing is recorded then). */
    private Tally newTally(Window w, boolean clientKey) {
        if (clientKey && w.clientKeys.incrementAndGet() > maxKeysPerHour) {
            w.clientKeys.decrementAndGet();
            return null;
        }
        if (heldKeys.incrementAndGet() > maxPendingKeys) {
            heldKeys.decrementAndGet();
            if (clientKey) {
                w.clientKeys.decrementAndGet();
            }
            return null;
        }
        return new Tally();
    }

    private synchronized Window rollTo(long hour) {
        Window w = current;
        if (hour > w.hour) {
            w.retire(System.nanoTime());
            older.add(w);
            w = new Window(hour);
            current = w;
        }
        return w;
    }

    /**
     * Writes what is pending now, on the writer thread, and waits for it.
     *
     * @return true when everything pending was written
     */
    public boolean flush() {
        return onWriter(this::flushPending);
    }

    /**
     * Rolls the hourly rows past {@code hourly-retention} into daily rows and deletes them, on the
     * writer thread; the writer does this at start and nightly at 00:10 UTC.
     *
     * @return true when the prune ran (or found nothing to do)
     */
    public boolean prune() {
        return onWriter(this::pruneNow);
    }

    private boolean onWriter(java.util.concurrent.Callable<Boolean> task) {
        try {
            return writer.submit(task).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | java.util.concurrent.RejectedExecutionException e) {
            return false;
        }
    }

    /** Stops the writer after a last flush, and closes the pool it owns. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        boolean done;
        try {
            // A database that hangs must not hold up the server's stop for long.
            done = writer.submit(this::flushPending).get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done = false;
        } catch (ExecutionException | java.util.concurrent.TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            done = false;
        }
        writer.shutdown();
        try {
            if (!writer.awaitTermination(done ? CLOSE_WAIT_SECONDS : 1, TimeUnit.SECONDS)) {
                writer.shutdownNow();
            }
        } catch (InterruptedException e) {
            writer.shutdownNow();
            Thread.currentThread().interrupt();
        }
        long lost = done ? 0 : unwritten();
        if (lost > 0) {
            LOG.warn("census: stopped with {} conversation(s) not written (the database is unavailable)", lost);
        }
        meters.forEach(registry::remove);
        try {
            owned.close();
        } catch (Exception e) {
            LOG.warn("census: closing the database failed: {}", e.toString());
        }
    }

    // ---------------------------------------------------------------------------------------
    // Writer thread

    private void schedule() {
        long interval = flushInterval.toMillis();
        writer.scheduleWithFixedDelay(this::flushQuietly, interval, interval, TimeUnit.MILLISECONDS);
        writer.execute(this::pruneNowQuietly);
        long now = System.currentTimeMillis();
        Instant next = LocalDate.ofInstant(Instant.ofEpochMilli(now), ZoneOffset.UTC).atTime(PRUNE_AT).toInstant(ZoneOffset.UTC);
        if (next.toEpochMilli() <= now) {
            next = next.plus(Duration.ofDays(1));
        }
        writer.scheduleAtFixedRate(this::pruneNowQuietly, next.toEpochMilli() - now, Duration.ofDays(1).toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void flushQuietly() {
        try {
            flushPending();
        } catch (RuntimeException | Error e) {
            LOG.error("census: flush failed unexpectedly", e);
        }
    }

    private void pruneNowQuietly() {
        try {
            pruneNow();
        } catch (RuntimeException | Error e) {
            LOG.error("census: prune failed unexpectedly", e);
        }
    }

    /** Creates or updates the tables once, before the first write (retried until it works). */
    private void ensureSchema() {
        if (!schemaReady) {
            store.migrate();
            schemaReady = true;
        }
    }

    private boolean flushPending() {
        long now = clock.millis();
        long hour = hourOf(now);
        if (hour > current.hour && !closed) {
            rollTo(hour);
        }
        List<Window> windows = new ArrayList<>(older);
        windows.add(current);
        List<CensusStore.Delta> deltas = new ArrayList<>();
        List<Tally> tallies = new ArrayList<>();
        List<Long> sums = new ArrayList<>();
        for (Window w : windows) {
            Instant start = Instant.ofEpochMilli(w.hour * HOUR_MILLIS);
            for (Map.Entry<CensusKey, Tally> e : w.tallies.entrySet()) {
                Tally t = e.getValue();
                long sum = t.added.sum();
                if (sum > t.written) {
                    deltas.add(new CensusStore.Delta(start, node, e.getKey(), sum - t.written));
                    tallies.add(t);
                    sums.add(sum);
                }
            }
        }
        if (!deltas.isEmpty() || !schemaReady) {
            try {
                ensureSchema();
                store.add(deltas, retentionCutoff(now));
                long total = 0;
                for (int i = 0; i < tallies.size(); i++) {
                    Tally t = tallies.get(i);
                    total += sums.get(i) - t.written;
                    t.written = sums.get(i);
                }
                written.add(total);
                if (failingSinceNanos >= 0) {
                    LOG.info("census: database back after {}s; {} conversation(s) written",
                            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - failingSinceNanos), total);
                    failingSinceNanos = -1;
                }
            } catch (Exception e) {
                failed("flush", e);
                return false;
            }
        }
        lastFlushMillis = System.currentTimeMillis();
        dropWrittenHours();
        if (pruneDue && !closed) {
            pruneNow();
        }
        return true;
    }

    /** Drops the hours that are over, written, and past their grace period. */
    private void dropWrittenHours() {
        long nanos = System.nanoTime();
        for (Window w : older) {
            if (w.retired && nanos - w.retiredAtNanos >= graceNanos && w.allWritten()) {
                older.remove(w);
                heldKeys.addAndGet(-w.tallies.size());
            }
        }
    }

    private boolean pruneNow() {
        Instant now = clock.instant();
        try {
            ensureSchema();
            CensusStore.Pruned p = store.prune(retentionCutoff(now.toEpochMilli()), now);
            pruneDue = false;
            if (p.hourlyRows() > 0) {
                LOG.info("census: rolled {} hourly row(s) into {} daily row(s)", p.hourlyRows(), p.dailyRows());
            }
            return true;
        } catch (Exception e) {
            pruneDue = true;
            failed("prune", e);
            return false;
        }
    }

    /**
     * Hours before this instant are rolled up: the start of the UTC day {@code hourly-retention}
     * ago, so that a day is rolled up whole and the cutoff moves once a day.
     */
    Instant retentionCutoff(long nowMillis) {
        Instant edge = Instant.ofEpochMilli(nowMillis).minus(hourlyRetention);
        return LocalDate.ofInstant(edge, ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** Counts a failure; the log says so at most once a minute while the database stays away. */
    private void failed(String what, Exception e) {
        boolean flush = what.equals("flush");
        if (flush) {
            flushFailures.increment();
        }
        long nanos = System.nanoTime();
        if (failingSinceNanos < 0) {
            failingSinceNanos = nanos;
        }
        if (lastFailureLogNanos == 0 || nanos - lastFailureLogNanos >= FAILURE_LOG_NANOS) {
            lastFailureLogNanos = nanos;
            if (flush) {
                LOG.warn("census: cannot write to the database; counts stay in memory ({} key(s) held): {}",
                        heldKeys.get(), oneLine(e));
            } else {
                LOG.warn("census: prune failed, tried again after the next write: {}", oneLine(e));
            }
        }
    }

    /** The first line of an exception's message, at most 300 characters. */
    static String oneLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        m = (nl >= 0 ? m.substring(0, nl) : m).strip();
        return e.getClass().getSimpleName() + ": " + (m.length() > 300 ? m.substring(0, 300) + "…" : m);
    }

    // ---------------------------------------------------------------------------------------
    // State, for the metrics and the tests

    /** Conversations counted and not yet written. */
    long unwritten() {
        long n = 0;
        List<Window> windows = new ArrayList<>(older);
        windows.add(current);
        for (Window w : windows) {
            for (Tally t : w.tallies.values()) {
                n += t.added.sum() - t.written;
            }
        }
        return n;
    }

    int heldKeys() {
        return heldKeys.get();
    }

    long foldedCount() {
        return folded.sum();
    }

    long droppedCount() {
        return dropped.sum();
    }

    long countedCount() {
        return counted.sum();
    }

    private void registerMeters() {
        meters.add(FunctionCounter.builder("msnp.census.counted", counted, LongAdder::sum)
                .description("finished conversations counted into the census").register(registry));
        meters.add(FunctionCounter.builder("msnp.census.written", written, LongAdder::sum)
                .description("counted conversations written to the database").register(registry));
        meters.add(FunctionCounter.builder("msnp.census.folded", folded, LongAdder::sum)
                .description("conversations counted with library, build and OS type folded to 'other' (key cap of the hour reached)")
                .register(registry));
        meters.add(FunctionCounter.builder("msnp.census.dropped", dropped, LongAdder::sum)
                .description("conversations not counted: the keys held in memory reached max-pending-keys, or the census was closed")
                .register(registry));
        meters.add(FunctionCounter.builder("msnp.census.flush.failures", flushFailures, LongAdder::sum)
                .description("flushes that failed (database down or slow); their counts stay in memory").register(registry));
        meters.add(Gauge.builder("msnp.census.pending.keys", heldKeys, AtomicInteger::get)
                .description("keys held in memory: this hour's and those of earlier hours not yet written").register(registry));
        meters.add(Gauge.builder("msnp.census.last.flush.timestamp", this, c -> c.lastFlushMillis / 1000.0)
                .baseUnit("seconds").description("Unix time of the last successful flush (0: none yet)").register(registry));
    }

    static long hourOf(long epochMillis) {
        return Math.floorDiv(epochMillis, HOUR_MILLIS);
    }

    /** One UTC hour's counts. */
    private static final class Window {
        final long hour;
        final ConcurrentHashMap<CensusKey, Tally> tallies = new ConcurrentHashMap<>();
        /** Keys counted against max-keys-per-hour (all but the folded ones). */
        final AtomicInteger clientKeys = new AtomicInteger();
        volatile boolean retired;
        volatile long retiredAtNanos;

        Window(long hour) {
            this.hour = hour;
        }

        void retire(long nanos) {
            retiredAtNanos = nanos;
            retired = true;
        }

        boolean allWritten() {
            for (Tally t : tallies.values()) {
                if (t.added.sum() != t.written) {
                    return false;
                }
            }
            return true;
        }
    }

    /** One key's count: what was added (only grows) and what the writer has written of it. */
    private static final class Tally {
        final LongAdder added = new LongAdder();
        /** Writer thread only. */
        long written;
    }
}
