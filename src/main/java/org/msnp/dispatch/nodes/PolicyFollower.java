package org.msnp.dispatch.nodes;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.msnp.dispatch.config.PolicySourceConfig;
import org.msnp.dispatch.nodes.PolicyStatus.LoadedFrom;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's side of the shared policy (docs/scaling.md): at start, the latest published version
 * (or, with the database away, the cache file's); then every new version, learnt from the
 * database's notifications on a connection of its own and, as a safety net, from a poll every
 * {@code poll-interval}. Each version is offered once to the {@link Target}, which applies it or
 * says why not; an applied version is written to the cache file. The database going away
 * changes nothing that runs: the connection is opened again with a growing pause (1 s to 30 s).
 */
public final class PolicyFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("msnp.server");
    private static final long FIRST_PAUSE_MILLIS = 1_000;
    private static final long LONGEST_PAUSE_MILLIS = 30_000;
    /** The longest single wait for a notification, so that a wake-up or a stop is seen soon. */
    private static final int WAIT_SLICE_MILLIS = 500;

    /** Applies a published version; empty when it did, else why it did not (one line). */
    public interface Target {
        Optional<String> apply(PolicyDocument doc);
    }

    private final String url;
    private final Optional<String> user;
    private final Optional<String> password;
    private final long pollMillis;
    private final PolicyCache cache;

    private volatile boolean up;
    private volatile String problem;
    private volatile PolicyVersion running;
    private volatile LoadedFrom loadedFrom = LoadedFrom.LOCAL_FILE;
    private volatile long latest = -1;
    private volatile Instant lastContact;
    private volatile long refusedVersion = -1;
    private volatile String refusedReason;
    private volatile boolean schemaReady;
    /** The database's latest is older than what runs: said once per such spell. */
    private boolean saidOlder;
    /** The database has been said to be unreachable, and has not answered since. */
    private volatile boolean saidLost;

    private final AtomicBoolean wake = new AtomicBoolean();
    private final Object pause = new Object();
    private volatile boolean closed;
    private volatile Connection connection;
    private Thread thread;

    public PolicyFollower(PolicySourceConfig config, Path cacheFile) {
        this.url = config.url().orElseThrow(() -> new IllegalArgumentException("policy-source has no database-url"));
        this.user = config.user();
        this.password = config.secret();
        this.pollMillis = config.pollInterval().toMillis();
        this.cache = new PolicyCache(cacheFile);
        this.problem = "not contacted yet";
    }

    /** The database, as named in logs and on {@code /health}. */
    public String database() {
        return PolicyDatabase.shown(url);
    }

    public Path cacheFile() {
        return cache.file();
    }

    // --- start ------------------------------------------------------------------------------

    /**
     * Offers {@code target} the database's latest version; when the database cannot be reached
     * (or its latest cannot be used), the cache file's. Returns whether one was applied; if not,
     * the node runs on its own file's shared keys until a version comes. Waits at most for one
     * connection attempt (5 s unless the URL says otherwise).
     */
    public boolean load(Target target) {
        try (Connection c = PolicyDatabase.connect(url, user, password)) {
            ensureSchema();
            Optional<PolicyDocument> doc = PolicyStore.latest(c);
            contact(doc.map(d -> d.version().version()).orElse(-1L));
            if (doc.isEmpty()) {
                LOG.info("policy: nothing published to {} yet; running on this node's own file until the first version",
                        database());
                return false;
            }
            if (offer(doc.get(), target, LoadedFrom.DATABASE)) {
                LOG.info("policy: running version {} from {}", doc.get().version().version(), database());
                return true;
            }
        } catch (SQLException | RuntimeException e) {
            lost(e, "at start");
        }
        return loadCache(target);
    }

    private boolean loadCache(Target target) {
        PolicyDocument doc;
        try {
            doc = cache.read();
        } catch (PolicyCache.Missing e) {
            LOG.warn("policy: no cache file {}; running on this node's own file until the policy database answers", cache.file());
            return false;
        } catch (IOException e) {
            LOG.warn("policy: cannot read the cache file {} ({}); running on this node's own file until the policy database"
                    + " answers", cache.file(), PolicyDatabase.problem(e));
            return false;
        } catch (PolicyCache.Unusable e) {
            LOG.warn("policy: {}; not used: running on this node's own file until the policy database answers", e.getMessage());
            return false;
        }
        if (doc.version().version() == refusedVersion) {
            return false;
        }
        if (offer(doc, target, LoadedFrom.CACHE_FILE)) {
            LOG.warn("policy: running version {} from the cache file {} until the policy database answers",
                    doc.version().version(), cache.file());
            return true;
        }
        return false;
    }

    // --- following --------------------------------------------------------------------------

    /** Follows the database from now on, on a thread of its own, offering each new version to {@code target}. */
    public synchronized void follow(Target target) {
        if (thread != null) {
            throw new IllegalStateException("already following");
        }
        thread = new Thread(() -> run(target), "policy-follower");
        thread.setDaemon(true);
        thread.start();
    }

    /** Asks the database for its latest version now (SIGHUP), without waiting for the answer. */
    public void wake() {
        wake.set(true);
        synchronized (pause) {
            pause.notifyAll();
        }
    }

    private void run(Target target) {
        long pauseMillis = FIRST_PAUSE_MILLIS;
        long nextPoll = 0;
        while (!closed) {
            Connection c = connection;
            try {
                if (c == null) {
                    c = PolicyDatabase.connect(url, user, password);
                    connection = c;
                    if (closed) {
                        break;
                    }
                    ensureSchema();
                    try (Statement s = c.createStatement()) {
                        s.execute("LISTEN " + PolicyStore.CHANNEL);
                    }
                    check(c, target);       // whatever was published while not listening
                    pauseMillis = FIRST_PAUSE_MILLIS;
                    nextPoll = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pollMillis);
                }
                long left = TimeUnit.NANOSECONDS.toMillis(nextPoll - System.nanoTime());
                PGNotification[] notes = c.unwrap(PGConnection.class)
                        .getNotifications((int) Math.max(1, Math.min(left, WAIT_SLICE_MILLIS)));
                boolean due = System.nanoTime() - nextPoll >= 0;
                if ((notes != null && notes.length > 0) || due || wake.getAndSet(false)) {
                    check(c, target);
                    nextPoll = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pollMillis);
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    break;
                }
                lost(e, "");
                close(c);
                connection = null;
                sleep(pauseMillis);
                pauseMillis = Math.min(pauseMillis * 2, LONGEST_PAUSE_MILLIS);
            }
        }
        close(connection);
        connection = null;
    }

    /** Asks for the latest version and offers it when it is newer than what runs and not refused before. */
    private void check(Connection c, Target target) throws SQLException {
        OptionalLong newest = PolicyStore.latestVersion(c);
        contact(newest.orElse(-1));
        if (newest.isEmpty()) {
            return;
        }
        long v = newest.getAsLong();
        PolicyVersion now = running;
        long current = now == null ? -1 : now.version();
        if (v > current && v != refusedVersion) {
            saidOlder = false;
            Optional<PolicyDocument> doc = PolicyStore.fetch(c, v);
            if (doc.isPresent()) {
                offer(doc.get(), target, LoadedFrom.DATABASE);
            }
        } else if (v == current && loadedFrom != LoadedFrom.DATABASE) {
            // the version read from the cache file at start: the database's copy is the one that counts
            Optional<PolicyDocument> doc = PolicyStore.fetch(c, v);
            if (doc.isPresent() && doc.get().version().sha256().equals(now.sha256())) {
                running = doc.get().version();
                loadedFrom = LoadedFrom.DATABASE;
            } else if (doc.isPresent()) {
                offer(doc.get(), target, LoadedFrom.DATABASE);
            }
        } else if (v < current && !saidOlder) {
            saidOlder = true;
            LOG.warn("policy: the latest version in {} is {}, older than the running version {}; keeping {}", database(), v,
                    current, current);
        }
    }

    private boolean offer(PolicyDocument doc, Target target, LoadedFrom from) {
        Optional<String> refusal;
        try {
            refusal = target.apply(doc);
        } catch (RuntimeException e) {
            // a fault of this node, not of the database: the version is not tried again
            LOG.error("policy: {} could not be applied", doc.source(), e);
            refusal = Optional.of(doc.source() + ": could not be applied: " + e);
        }
        if (refusal.isPresent()) {
            refusedVersion = doc.version().version();
            refusedReason = Text.printable(refusal.get(), 500);
            return false;
        }
        running = doc.version();
        loadedFrom = from;
        refusedVersion = -1;
        refusedReason = null;
        if (from == LoadedFrom.DATABASE) {
            try {
                cache.write(doc);
            } catch (IOException e) {
                LOG.warn("policy: cannot write the cache file {} ({}); a start without the database would not find version {}",
                        cache.file(), PolicyDatabase.problem(e), doc.version().version());
            }
        }
        return true;
    }

    /** Creates the tables on first contact (on a short connection of its own). */
    private void ensureSchema() {
        if (!schemaReady) {
            PolicyDatabase.migrate(PolicyDatabase.simple(url, user, password));
            schemaReady = true;
        }
    }

    private void contact(long newest) {
        latest = newest;
        lastContact = Instant.now();
        if (saidLost) {
            saidLost = false;
            LOG.info("policy: the policy database {} answers again", database());
        }
        up = true;
        problem = null;
    }

    private void lost(Exception e, String when) {
        String why = PolicyDatabase.problem(e);
        if (!saidLost) {
            saidLost = true;
            PolicyVersion v = running;
            LOG.warn("policy: cannot reach the policy database {}{} ({}); {}, trying again", database(),
                    when.isEmpty() ? "" : " " + when, why,
                    v == null ? "no published version runs yet" : "version " + v.version() + " keeps running");
        }
        up = false;
        problem = why;
    }

    private void sleep(long millis) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (pause) {
            while (!closed && !wake.get()) {
                long left = TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime());
                if (left <= 0) {
                    return;
                }
                try {
                    pause.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static void close(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException | RuntimeException e) {
                // gone already
            }
        }
    }

    // --- status -----------------------------------------------------------------------------

    public PolicyStatus status() {
        PolicyVersion v = running;
        long l = latest;
        long r = refusedVersion;
        return new PolicyStatus(database(), up, Optional.ofNullable(problem), v == null ? OptionalLong.empty()
                : OptionalLong.of(v.version()), loadedFrom, l < 0 ? OptionalLong.empty() : OptionalLong.of(l),
                Optional.ofNullable(lastContact), r < 0 ? OptionalLong.empty() : OptionalLong.of(r),
                Optional.ofNullable(refusedReason));
    }

    /** {@code msnp_policy_source_up}, {@code msnp_policy_version}, {@code msnp_policy_latest_version}. */
    public void bind(MeterRegistry registry) {
        Gauge.builder("msnp.policy.source.up", this, f -> f.up ? 1 : 0)
                .description("1 while the policy database answers").register(registry);
        Gauge.builder("msnp.policy.version", this, f -> f.running == null ? 0 : f.running.version())
                .description("the published policy version this node runs (0: none yet)").register(registry);
        Gauge.builder("msnp.policy.latest.version", this, f -> Math.max(0, f.latest))
                .description("the latest policy version the database has shown (0: none)").register(registry);
    }

    /** Stops following; the running configuration stays. */
    @Override
    public void close() {
        closed = true;
        wake();
        Connection c = connection;
        if (c != null) {
            try {
                c.abort(Runnable::run);     // ends a wait for notifications at once
            } catch (SQLException | RuntimeException e) {
                // closing anyway
            }
        }
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            try {
                t.join(Duration.ofSeconds(5).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
