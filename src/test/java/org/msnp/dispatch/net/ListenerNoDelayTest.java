package org.msnp.dispatch.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.msnp.dispatch.net.Transports.OnEveryTransport;
import org.msnp.dispatch.observe.TransportKind;

/**
 * A connection accepted by the project's listener has Nagle's delay off on every transport,
 * without the listener setting the option per connection: the value is read back from the socket.
 */
class ListenerNoDelayTest {
    @OnEveryTransport
    void acceptedConnectionsHaveTcpNoDelay(Transport transport) throws Exception {
        try (EventLoops loops = new EventLoops(1, Transports.require(transport))) {
            CompletableFuture<Boolean> noDelay = new CompletableFuture<>();
            ServerBootstrap b = loops.listener(TransportKind.TCP, record -> { }).childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    noDelay.complete(ch.config().getOption(ChannelOption.TCP_NODELAY));
                }
            });
            Transport.Listening l = loops.bind(b, "127.0.0.1", 0);
            try (Socket s = new Socket("127.0.0.1", l.localAddress().getPort())) {
                assertThat(noDelay.get(5, TimeUnit.SECONDS)).isTrue();
            } finally {
                l.close();
            }
        }
    }
}
