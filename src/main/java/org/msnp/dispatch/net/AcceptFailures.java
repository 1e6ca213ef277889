package org.msnp.dispatch.net;

import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On a listening channel: what to do when {@code accept} fails, typically with "Too many open
 * files" once the process has used its last file descriptor. The client stays in the kernel's
 * backlog; the listener stops accepting for a second (as Netty's own acceptor would) and tries
 * again. Each failure is counted ({@code out-of-files} or {@code accept-error}); the log gets one
 * line at once and then at most one line per {@link #REPORT_EVERY} with the count, instead of one
 * stack trace per attempt. Runs on the listener's event loop only.
 */
final class AcceptFailures extends ChannelInboundHandlerAdapter {
    static final Duration REPORT_EVERY = Duration.ofSeconds(10);
    /** How long a listener stops accepting after a failed accept. */
    static final Duration PAUSE = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger("msnp.server");
    // loaded with this class: out of descriptors, a class file not read yet could not be opened
    private static final Class<?> NEEDED_OUT_OF_FILES = IoFailure.class;

    private final org.msnp.dispatch.observe.TransportKind transport;
    private final Consumer<org.msnp.dispatch.observe.Refusal> refused;
    private long nextReport = System.nanoTime();
    private boolean reportScheduled;
    private int unreported;
    private String reason = "";
    private java.net.InetSocketAddress local;

    AcceptFailures(org.msnp.dispatch.observe.TransportKind transport, Consumer<org.msnp.dispatch.observe.Refusal> refused) {
        this.transport = transport;
        this.refused = refused;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException)) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        ChannelConfig config = ctx.channel().config();
        if (config.isAutoRead()) {
            // without the pause a level-triggered poller would retry the same accept at once, forever
            config.setAutoRead(false);
            ctx.executor().schedule(() -> config.setAutoRead(true), PAUSE.toNanos(), TimeUnit.NANOSECONDS);
        }
        failed(cause, ctx.executor(), (java.net.InetSocketAddress) ctx.channel().localAddress());
    }

    /**
     * Counts one failed accept of the listener at {@code local} and reports it (at once, or with
     * the next report); the caller pauses its listener for {@link #PAUSE}.
     */
    void failed(Throwable cause, io.netty.util.concurrent.EventExecutor executor, java.net.InetSocketAddress local) {
        refused.accept(IoFailure.outOfFiles(cause) ? org.msnp.dispatch.observe.Refusal.OUT_OF_FILES : org.msnp.dispatch.observe.Refusal.ACCEPT_ERROR);
        unreported++;
        reason = IoFailure.reason(cause);
        this.local = local;
        if (!reportScheduled) {
            long wait = nextReport - System.nanoTime();
            if (wait <= 0) {
                report();
            } else {
                reportScheduled = true;
                executor.schedule(this::report, wait, TimeUnit.NANOSECONDS);
            }
        }
    }

    private void report() {
        reportScheduled = false;
        if (unreported == 0) {
            return;
        }
        LOG.warn("{} listener {} cannot accept connections: {} ({} failed accept(s), logged at most every {} s; "
                        + "waiting clients stay queued); raise the open-file limit or lower the connection limits",
                transport.label(), org.msnp.dispatch.protocol.HostPort.of(local), reason, unreported, REPORT_EVERY.toSeconds());
        unreported = 0;
        nextReport = System.nanoTime() + REPORT_EVERY.toNanos();
    }
}
