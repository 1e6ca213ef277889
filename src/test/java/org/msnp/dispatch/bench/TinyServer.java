package org.msnp.dispatch.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.msnp.dispatch.net.Transport;

/**
 * A deliberately simple dispatch server for tests: answers the n-th line of a connection (0-based)
 * with whatever {@code answer} returns (CR LF appended); a null answer closes the connection.
 * Counts the connections that ended and how many of them it closed itself.
 */
final class TinyServer implements AutoCloseable {
    private final EventLoopGroup group = Transport.best().group(1);
    private final Channel listener;
    private final AtomicInteger ended = new AtomicInteger();
    private final AtomicInteger serverCloses = new AtomicInteger();

    TinyServer(BiFunction<Integer, String, String> answer) throws InterruptedException {
        this(answer, false);
    }

    /** @param deaf keep a connection open even after the client has closed its side */
    TinyServer(BiFunction<Integer, String, String> answer, boolean deaf) throws InterruptedException {
        listener = new ServerBootstrap().group(group).channel(Transport.best().serverChannel())
                .childOption(io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE, deaf)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new LineBasedFrameDecoder(1024), new SimpleChannelInboundHandler<ByteBuf>() {
                            private int n;

                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf line) {
                                String reply = answer.apply(n++, line.toString(StandardCharsets.ISO_8859_1));
                                if (reply == null) {
                                    serverCloses.incrementAndGet();
                                    ctx.close();
                                } else {
                                    ctx.writeAndFlush(Unpooled.copiedBuffer(reply + "\r\n", StandardCharsets.ISO_8859_1));
                                }
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                ended.incrementAndGet();
                                ctx.fireChannelInactive();
                            }
                        });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** Connections closed by this server (a null answer). */
    int serverCloses() {
        return serverCloses.get();
    }

    /** Waits up to 5 s until {@code n} connections have ended; returns how many have. */
    int awaitEnded(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (ended.get() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return ended.get();
    }

    @Override
    public void close() {
        listener.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
