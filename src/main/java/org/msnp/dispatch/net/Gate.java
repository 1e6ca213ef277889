package org.msnp.dispatch.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * First handler of a connection: learns who the client really is (from the socket, or from the
 * PROXY protocol header a load balancer sends first) and admits it against the
 * {@link AdmissionLimits}. Only an admitted connection becomes active for the handlers behind.
 */
final class Gate extends ChannelInboundHandlerAdapter {
    private final AdmissionLimits limits;
    private final ConnectionObserver observer;
    private final boolean proxyProtocol;
    private final Duration headerTimeout;
    private InetAddress admitted;
    /** From the PROXY header; null without one (the socket's own addresses apply). */
    private InetSocketAddress client;
    private InetSocketAddress reached;
    private boolean refused;
    private ScheduledFuture<?> headerTimer;

    Gate(AdmissionLimits limits, ConnectionObserver observer, boolean proxyProtocol, Duration headerTimeout) {
        this.limits = limits;
        this.observer = observer;
        this.proxyProtocol = proxyProtocol;
        this.headerTimeout = headerTimeout;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (proxyProtocol) {
            headerTimer = ctx.executor().schedule(() -> refuse(ctx, "proxy-header-timeout"),
                    headerTimeout.toNanos(), TimeUnit.NANOSECONDS);
            return;
        }
        admit(ctx, inet(ctx.channel().remoteAddress()), inet(ctx.channel().localAddress()));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HAProxyMessage header) {
            try {
                if (headerTimer != null) {
                    headerTimer.cancel(false);
                }
                if (header.command() == HAProxyCommand.PROXY) {
                    // IP literals only: never a name lookup on the event loop (an AF_UNIX header
                    // carries paths; LOCAL and UNSPEC carry nothing: the socket's addresses stand)
                    InetAddress src = io.netty.util.NetUtil.createInetAddressFromIpAddressString(String.valueOf(header.sourceAddress()));
                    InetAddress dst = io.netty.util.NetUtil.createInetAddressFromIpAddressString(String.valueOf(header.destinationAddress()));
                    if (src != null && dst != null) {
                        client = new InetSocketAddress(src, header.sourcePort());
                        reached = new InetSocketAddress(dst, header.destinationPort());
                    }
                }
                admit(ctx, client(ctx.channel()), reached(ctx.channel()));
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
    InetSocketAddress client(io.netty.channel.Channel ch) {
        return client != null ? client : inet(ch.remoteAddress());
    }

    /** The address the client connected to: the PROXY header's destination, else the socket's. */
    InetSocketAddress reached(io.netty.channel.Channel ch) {
        return reached != null ? reached : inet(ch.localAddress());
    }

    private void admit(ChannelHandlerContext ctx, InetSocketAddress client, InetSocketAddress reached) {
        AdmissionLimits.Refusal refusal = limits.admit(client.getAddress(), System.nanoTime());
        if (refusal != null) {
            refuse(ctx, refusal.label());
            return;
        }
        admitted = client.getAddress();
        ctx.fireChannelActive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (admitted == null) {
            // a connection without a valid PROXY header on a PROXY listener, or reset early
            refuse(ctx, proxyProtocol ? "proxy-header" : "error");
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    private void refuse(ChannelHandlerContext ctx, String reason) {
        if (!refused) {
            refused = true;
            observer.refused("tcp", reason);
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
