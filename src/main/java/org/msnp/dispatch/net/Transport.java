package org.msnp.dispatch.net;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/** The native epoll transport where the platform has it, NIO elsewhere. */
public enum Transport {
    EPOLL, NIO;

    public static Transport best() {
        return Epoll.isAvailable() && !Boolean.getBoolean("msnp.nio") ? EPOLL : NIO;
    }

    public EventLoopGroup group(int threads) {
        IoHandlerFactory f = this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, f);
    }

    public Class<? extends ServerChannel> serverChannel() {
        return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /**
     * A listener on this transport with the socket options every listener of the project uses
     * (the dispatch listener, the gateway, and the bench's ceiling server, which must match).
     */
    public io.netty.bootstrap.ServerBootstrap listener(EventLoopGroup boss, EventLoopGroup workers) {
        return listener(boss, workers, org.msnp.dispatch.observe.TransportKind.TCP, reason -> { });
    }

    /**
     * The same, telling {@code refused} the reason ({@code OUT_OF_FILES}, {@code ACCEPT_ERROR})
     * each time {@code accept} fails; such failures are logged at most once per ten seconds.
     */
    public io.netty.bootstrap.ServerBootstrap listener(EventLoopGroup boss, EventLoopGroup workers,
                                                       org.msnp.dispatch.observe.TransportKind transport,
                                                       java.util.function.Consumer<org.msnp.dispatch.observe.Refusal> refused) {
        return new io.netty.bootstrap.ServerBootstrap()
                .group(boss, workers)
                .channel(serverChannel())
                .option(io.netty.channel.ChannelOption.SO_BACKLOG, 8192)
                .option(io.netty.channel.ChannelOption.SO_REUSEADDR, true)
                .handler(new AcceptFailures(transport, refused))
                .childOption(io.netty.channel.ChannelOption.TCP_NODELAY, true);
    }

    public Class<? extends SocketChannel> clientChannel() {
        return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
