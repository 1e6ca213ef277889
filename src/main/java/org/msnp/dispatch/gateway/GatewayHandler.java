package org.msnp.dispatch.gateway;

import java.util.function.Supplier;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.msnp.dispatch.observe.EndReason;
import org.msnp.dispatch.protocol.HostPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers {@code POST /gateway/gateway.dll} (http-gateway.md §2–3): open, send and poll map onto a
 * {@link Tunnel}; everything the tunnel returns goes back as the body, with the
 * {@code X-MSN-Messenger} header naming the next SessionID, the GW-IP and, once the dispatch
 * session has ended, {@code Session=close}. Bad requests get 4xx, never 5xx (docs/gateway.md).
 */
@ChannelHandler.Sharable
final class GatewayHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String CONTENT_TYPE = "application/x-msn-messenger";
    static final String HEADER = "X-MSN-Messenger";
    private static final Logger LOG = LoggerFactory.getLogger(GatewayHandler.class);

    private final Tunnels tunnels;
    private final Supplier<GatewaySettings> settings;

    GatewayHandler(Tunnels tunnels, Supplier<GatewaySettings> settings) {
        this.tunnels = tunnels;
        this.settings = settings;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        HttpDeadlines deadlines = (HttpDeadlines) ctx.pipeline().get(org.msnp.dispatch.net.HandlerNames.DEADLINES);
        if (deadlines != null) {
            deadlines.requestComplete();
        }
        if (!req.decoderResult().isSuccess()) {
            ctx.writeAndFlush(plain(req, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request", true));
            return;
        }
        GatewayRequest r = GatewayRequest.parse(req.uri());
        if (r instanceof GatewayRequest.NotFound) {
            ctx.writeAndFlush(plain(req, HttpResponseStatus.NOT_FOUND, "only " + GatewayRequest.PATH + " is served here", false));
            return;
        }
        if (!req.method().equals(HttpMethod.POST)) {
            FullHttpResponse res = plain(req, HttpResponseStatus.METHOD_NOT_ALLOWED, "gateway requests are POSTs", false);
            res.headers().set("Allow", "POST");
            ctx.writeAndFlush(res);
            return;
        }
        ctx.writeAndFlush(answer(ctx, req, r, System.nanoTime()));
    }

    private FullHttpResponse answer(ChannelHandlerContext ctx, FullHttpRequest req, GatewayRequest r, long now) {
        ByteBuf body = req.content();
        if (r instanceof GatewayRequest.Invalid invalid) {
            return plain(req, HttpResponseStatus.BAD_REQUEST, invalid.reason(), false);
        }
        if (r instanceof GatewayRequest.Open open) {
            GatewaySettings now0 = settings.get();
            if (!now0.accepts(open.ip())) {
                return plain(req, HttpResponseStatus.BAD_REQUEST, "the IP parameter names a server this gateway does not serve", false);
            }
            Tunnels.Opening opening = tunnels.open((InetSocketAddress) ctx.channel().remoteAddress(), now0, current(ctx, now0), now);
            if (opening instanceof Tunnels.Full full) {
                return full.perIp()
                        ? plain(req, HttpResponseStatus.TOO_MANY_REQUESTS, "too many gateway sessions from this address", false)
                        : plain(req, HttpResponseStatus.SERVICE_UNAVAILABLE, "too many gateway sessions", false);
            }
            Tunnel t = ((Tunnels.Opened) opening).tunnel();
            return respond(ctx, req, t, t.open(body, now), now);
        }
        String sessionId = r instanceof GatewayRequest.Send s ? s.sessionId() : ((GatewayRequest.Poll) r).sessionId();
        Optional<SessionIds.Presented> presented = SessionIds.Presented.parse(sessionId);
        Optional<Tunnel> t = presented.flatMap(tunnels::find);
        if (t.isEmpty()) {
            return unknownSession(req);
        }
        return respond(ctx, req, t.get(), t.get().next(presented.get().secret(), body, now), now);
    }

    private FullHttpResponse respond(ChannelHandlerContext ctx, FullHttpRequest req, Tunnel t, Tunnel.Exchange x, long now) {
        if (x instanceof Tunnel.Expired) {
            tunnels.remove(t, EndReason.IDLE_TIMEOUT, now);
            return unknownSession(req);
        }
        if (!(x instanceof Tunnel.Answer a)) {
            return unknownSession(req);
        }
        if (a.close()) {
            tunnels.remove(t, EndReason.SERVER_CLOSED, now);
        }
        FullHttpResponse res = new DefaultFullHttpResponse(req.protocolVersion(), HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(a.body()));
        // Header names as IIS wrote them: libpurple finds "Content-Length: " with a case-sensitive strstr.
        res.headers()
                .set(HEADER, "SessionID=" + a.sessionId() + "; GW-IP=" + gatewayHost(ctx) + (a.close() ? "; Session=close" : ""))
                .set("Content-Type", CONTENT_TYPE)
                .set("Cache-Control", "no-cache")
                .setInt("Content-Length", a.body().length);
        return res;
    }

    /** Unknown, expired, ended or superseded: all look the same to the client (docs/gateway.md). */
    private static FullHttpResponse unknownSession(FullHttpRequest req) {
        return plain(req, HttpResponseStatus.BAD_REQUEST, "unknown or expired SessionID", false);
    }

    /** The address named in XFR as this server (MSNP7–12) without a public address: this host, the TCP port. */
    private static HostPort current(ChannelHandlerContext ctx, GatewaySettings s) {
        return new HostPort(HostPort.hostText((InetSocketAddress) ctx.channel().localAddress()), s.tcpPort());
    }

    /**
     * GW-IP: the configured public host, else (a loopback listener) the listener's own address.
     * Never the request's Host header: the client would choose where the server says it is.
     */
    private String gatewayHost(ChannelHandlerContext ctx) {
        if (settings.get().publicHost().isPresent()) {
            return settings.get().publicHost().get();
        }
        InetSocketAddress local = (InetSocketAddress) ctx.channel().localAddress();
        return HostPort.hostText(local) + (local.getPort() == 80 ? "" : ":" + local.getPort());
    }

    private static FullHttpResponse plain(FullHttpRequest req, HttpResponseStatus status, String text, boolean close) {
        byte[] body = (text + "\r\n").getBytes(StandardCharsets.US_ASCII);
        FullHttpResponse res = new DefaultFullHttpResponse(req.protocolVersion(), status, Unpooled.wrappedBuffer(body));
        res.headers()
                .set("Content-Type", "text/plain")
                .setInt("Content-Length", body.length);
        if (close) {
            res.headers().set("Connection", "close");
        }
        return res;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("gateway connection {} failed", ctx.channel().remoteAddress(), cause);
        ctx.close();
    }
}
