package org.msnp.dispatch.admission;

import io.netty.channel.ChannelHandlerContext;
import org.msnp.dispatch.observe.ConnectionObserver;
import org.msnp.dispatch.observe.Refusal;
import org.msnp.dispatch.observe.TransportKind;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * First handler of a connection: learns who the client really is (from the socket, or from the
 * PROXY protocol header a load balancer sends first) and admits it against the
 * {@link AdmissionLimits}. Only an admitted connection becomes active for the handlers behind.
 * On a PROXY listener a peer outside the {@link TrustedProxies} is refused before its header is
 * read, and a trusted proxy is never counted as a client itself: only the client its header names.
 */
public final class Gate extends ChannelInboundHandlerAdapter {
    private final TransportKind transport;
    private final AdmissionLimits limits;
    private final ConnectionObserver observer;
    private final boolean proxyProtocol;
    private final TrustedProxies trusted;
    private final Duration headerTimeout;
    private AdmissionLimits.Place admitted;
    /** From the PROXY header; null without one (the socket's own addresses apply). */
    private InetSocketAddress client;
    private InetSocketAddress reached;
    private boolean refused;
    private ScheduledFuture<?> headerTimer;

    /**
     * @param trusted       the proxies whose PROXY headers are believed (with {@code proxyProtocol})
     * @param headerTimeout how long a PROXY header may take
     */
    public Gate(TransportKind transport, AdmissionLimits limits, ConnectionObserver observer, boolean proxyProtocol,
                TrustedProxies trusted, Duration headerTimeout) {
        this.transport = transport;
        this.limits = limits;
        this.observer = observer;
        this.proxyProtocol = proxyProtocol;
        this.trusted = trusted;
        this.headerTimeout = headerTimeout;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (proxyProtocol) {
            if (!trusted.trusts(inet(ctx.channel().remoteAddress()))) {
                // closed before the first read: its header is never decoded, let alone believed
                refuse(ctx, Refusal.UNTRUSTED_PROXY);
                return;
            }
            headerTimer = ctx.executor().schedule(() -> refuse(ctx, Refusal.PROXY_HEADER_TIMEOUT),
                    headerTimeout.toNanos(), TimeUnit.NANOSECONDS);
            return;
        }
        admit(ctx, Optional.of(inet(ctx.channel().remoteAddress()).getAddress()));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HAProxyMessage header) {
            try {
                if (headerTimer != null) {
                    headerTimer.cancel(false);
                }
                if (refused || admitted != null) {
                    return;
                }
                if (header.command() == HAProxyCommand.PROXY) {
                    // IP literals only: never a name lookup on the event loop (an AF_UNIX header
                    // carries paths; LOCAL and UNSPEC carry nothing: the socket's addresses stand)
                    InetAddress src = io.netty.util.NetUtil.createInetAddressFromIpAddressString(String.valueOf(header.sourceAddress()));
                    InetAddress dst = io.netty.util.NetUtil.createInetAddressFromIpAddressString(String.valueOf(header.destinationAddress()));
                    if (src != null && dst != null) {
                        client = new InetSocketAddress(src, header.sourcePort());
                        // a destination port 0 (v2 allows it) names no address a client could be sent to
                        reached = header.destinationPort() > 0 ? new InetSocketAddress(dst, header.destinationPort()) : null;
                    }
                }
                // no client named (LOCAL, a health check of the proxy; UNKNOWN; AF_UNIX): the
                // connection is the proxy's own and counts only overall
                admit(ctx, client != null ? Optional.of(client.getAddress()) : Optional.empty());
            } finally {
                header.release();
            }
            return;
        }
        if (admitted == null) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /** Non-IP channels (in-memory, in tests) count as one loopback client. */
    private static InetSocketAddress inet(java.net.SocketAddress a) {
        return a instanceof InetSocketAddress i ? i : new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    /** The client: from the PROXY header, else the socket's peer. */
    public InetSocketAddress client(io.netty.channel.Channel ch) {
        return client != null ? client : inet(ch.remoteAddress());
    }

    /** The address the client connected to: the PROXY header's destination, else the socket's. */
    public InetSocketAddress reached(io.netty.channel.Channel ch) {
        return reached != null ? reached : inet(ch.localAddress());
    }

    private void admit(ChannelHandlerContext ctx, Optional<InetAddress> client) {
        AdmissionLimits.Admission a = limits.admit(client, System.nanoTime());
        if (a instanceof AdmissionLimits.Refused r) {
            refuse(ctx, r.refusal());
            return;
        }
        admitted = (AdmissionLimits.Place) a;
        ctx.fireChannelActive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (admitted == null) {
            // a connection without a valid PROXY header on a PROXY listener, or reset early
            refuse(ctx, proxyProtocol ? Refusal.PROXY_HEADER : Refusal.ERROR);
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    private void refuse(ChannelHandlerContext ctx, Refusal reason) {
        if (!refused) {
            refused = true;
            observer.refused(transport, reason);
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (headerTimer != null) {
            headerTimer.cancel(false);
        }
        if (admitted != null) {
            limits.release(admitted);
            ctx.fireChannelInactive();
        }
    }
}
