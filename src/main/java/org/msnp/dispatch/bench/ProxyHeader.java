package org.msnp.dispatch.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The PROXY protocol v1 line a load balancer such as HAProxy ({@code send-proxy}) puts before a
 * client's first byte; the bench sends it with {@code --proxy-header}, naming the connection's own
 * addresses, to measure a server listening with {@code proxy-protocol: true}.
 */
final class ProxyHeader {
    private ProxyHeader() {
    }

    /** {@code first}, preceded by the header of {@code ch} when {@code send}. */
    static ByteBuf before(Channel ch, boolean send, byte[] first) {
        if (!send) {
            return Unpooled.wrappedBuffer(first);
        }
        InetSocketAddress from = (InetSocketAddress) ch.localAddress();
        InetSocketAddress to = (InetSocketAddress) ch.remoteAddress();
        String line = "PROXY " + (from.getAddress() instanceof Inet6Address ? "TCP6 " : "TCP4 ")
                + from.getAddress().getHostAddress() + " " + to.getAddress().getHostAddress() + " "
                + from.getPort() + " " + to.getPort() + "\r\n";
        return Unpooled.wrappedBuffer(line.getBytes(StandardCharsets.US_ASCII), first);
    }
}
