package org.msnp.dispatch.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.msnp.dispatch.net.Transport;

/**
 * The ceiling: the least a Netty server on the same transport and socket settings as the dispatch
 * server must do to answer the same handshakes. It recognises the script by comparing the first
 * line's bytes with the known VER lines, then answers each further line with the next pre-built
 * reply, and after the last one flushes and shuts its output down as the dispatch server does. No
 * parsing, no session, no policy, no log, no timers. What the dispatch server achieves divided by
 * what this achieves in the same run is the figure we publish.
 */
public final class CeilingServer implements AutoCloseable {
    private static final int MAX_FIRST_LINE = 256;

    private final Transport transport = Transport.best();
    private final EventLoopGroup workers;
    private final byte[][] firstLines;
    private final ByteBuf[][] replies;
    private final java.util.List<ByteBuf> owned = new java.util.ArrayList<>();
    private Transport.Listening listener;

    /** @param workerThreads as many as the dispatch server uses */
    public CeilingServer(List<Handshake> scripts, int workerThreads) {
        this.workers = transport.group(workerThreads);
        List<Handshake> distinct = scripts.stream().distinct().toList();
        this.firstLines = new byte[distinct.size()][];
        this.replies = new ByteBuf[distinct.size()][];
        for (int s = 0; s < distinct.size(); s++) {
            Handshake h = distinct.get(s);
            byte[] ver = h.firstRequest();
            firstLines[s] = Arrays.copyOf(ver, ver.length - 2);
            replies[s] = new ByteBuf[h.steps()];
            for (int i = 0; i < h.steps(); i++) {
                byte[] r = h.exchanges().get(i).reply();
                ByteBuf bytes = Unpooled.directBuffer(r.length).writeBytes(r);
                owned.add(bytes);
                replies[s][i] = Unpooled.unreleasableBuffer(bytes.asReadOnly());
            }
        }
    }

    /** Binds {@code host:0} and returns the address. */
    public InetSocketAddress start(String host) throws InterruptedException {
        return start(host, 0);
    }

    /** Binds {@code host:port} (0: any free port) and returns the address. */
    public InetSocketAddress start(String host, int port) throws InterruptedException {
        ServerBootstrap b = transport.listener()
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new Answer());
                    }
                });
        listener = transport.bind(b, workers, workers, host, port);
        return listener.localAddress();
    }

    @Override
    public void close() {
        if (listener != null) {
            listener.close();
        }
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        owned.forEach(ByteBuf::release);
        owned.clear();
    }

    /** One connection: counts line ends and answers each with the script's next reply. */
    private final class Answer extends ChannelInboundHandlerAdapter {
        private int script = -1;
        private int lines;
        private byte[] first;
        private int firstLen;
        private boolean done;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                for (int i = in.readerIndex(), end = in.writerIndex(); i < end && !done; i++) {
                    byte b = in.getByte(i);
                    if (script < 0) {
                        if (b == '\n') {
                            script = identify();
                            if (script < 0) {
                                done = true;
                                ctx.close();
                                return;
                            }
                        } else {
                            if (first == null) {
                                first = new byte[MAX_FIRST_LINE];
                            }
                            if (firstLen == MAX_FIRST_LINE) {
                                done = true;
                                ctx.close();
                                return;
                            }
                            first[firstLen++] = b;
                            continue;
                        }
                    } else if (b != '\n') {
                        continue;
                    }
                    ByteBuf[] r = replies[script];
                    ctx.write(r[lines].duplicate());
                    if (++lines == r.length) {
                        done = true;
                        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f ->
                                ((DuplexChannel) f.channel()).shutdownOutput());
                        return;
                    }
                }
                ctx.flush();
            } finally {
                in.release();
            }
        }

        private int identify() {
            int len = firstLen > 0 && first[firstLen - 1] == '\r' ? firstLen - 1 : firstLen;
            for (int s = 0; s < firstLines.length; s++) {
                if (Arrays.equals(first, 0, len, firstLines[s], 0, firstLines[s].length)) {
                    first = null;
                    return s;
                }
            }
            return -1;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
