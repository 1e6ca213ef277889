package org.msnp.dispatch.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.msnp.dispatch.observe.Refusal;
import org.msnp.dispatch.observe.TransportKind;

/**
 * The socket transport: Linux io_uring, Linux epoll, or the JDK's NIO, which runs everywhere.
 * {@link #select} turns the configured choice into one this machine has, falling back in that
 * order and saying why.
 */
public enum Transport {
    IO_URING("io_uring"), EPOLL("epoll"), NIO("nio");

    /**
     * The system property that overrides the configured choice ({@code transport} in the file), so
     * that a benchmark can compare transports on one configuration.
     */
    public static final String PROPERTY = "msnp.transport";

    private final String label;

    Transport(String label) {
        this.label = label;
    }

    /** The name used in the configuration, the logs and the metrics. */
    public String label() {
        return label;
    }

    /** Whether this machine (kernel, native library) can run the transport. */
    public boolean isAvailable() {
        return switch (this) {
            case IO_URING -> IoUring.isAvailable();
            case EPOLL -> Epoll.isAvailable();
            case NIO -> true;
        };
    }

    /** Why the transport cannot run here, or null when it can. */
    public String unavailableReason() {
        Throwable t = switch (this) {
            case IO_URING -> IoUring.unavailabilityCause();
            case EPOLL -> Epoll.unavailabilityCause();
            case NIO -> null;
        };
        return t == null ? null : String.valueOf(t.getMessage());
    }

    /** The choice {@code auto}: what a server runs when nothing is configured. */
    public static final Transport AUTO_ORDER_FIRST = EPOLL;

    /**
     * The transport to run: {@link #PROPERTY} if set, else {@code configured} ({@code auto},
     * {@code io_uring}, {@code epoll} or {@code nio}); one this machine lacks falls back to the
     * next of io_uring → epoll → nio that it has.
     *
     * @throws IllegalArgumentException for a name that is none of these
     */
    public static Choice select(String configured) {
        String property = System.getProperty(PROPERTY);
        String wanted = (property != null ? property : configured == null ? "auto" : configured).trim()
                .toLowerCase(Locale.ROOT);
        Transport first = wanted.equals("auto") ? AUTO_ORDER_FIRST : parse(wanted);
        for (int i = first.ordinal(); i < values().length; i++) {
            Transport t = values()[i];
            if (t.isAvailable()) {
                String note = t == first ? null
                        : first.label + " is not available here (" + first.unavailableReason() + "), using " + t.label;
                return new Choice(t, wanted, note, property != null);
            }
        }
        throw new IllegalStateException("no transport available");
    }

    /** {@code io_uring}, {@code epoll} or {@code nio}. */
    public static Transport parse(String name) {
        for (Transport t : values()) {
            if (t.label.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown transport '" + name + "'; known: auto, io_uring, epoll, nio");
    }

    /**
     * The transport chosen; when it is not the one asked for, why ({@code fallbackNote}, else
     * null); whether {@link #PROPERTY} asked rather than the configuration.
     */
    public record Choice(Transport transport, String asked, String fallbackNote, boolean fromProperty) {
        /**
         * What runs, for a summary line: {@code epoll (auto)}, {@code io_uring},
         * {@code nio (io_uring is not available here (…), using nio)}, followed by
         * {@code , set by -Dmsnp.transport} when the property chose.
         */
        public String describe() {
            String why = fallbackNote != null ? fallbackNote : asked.equals("auto") ? "auto" : null;
            String by = fromProperty ? "set by -D" + PROPERTY + "=" + asked : null;
            String detail = why == null ? by : by == null ? why : why + ", " + by;
            return transport.label + (detail == null ? "" : " (" + detail + ")");
        }
    }

    /** The server's transport when nothing is configured ({@code auto}, or {@link #PROPERTY}). */
    public static Transport best() {
        return select(null).transport();
    }

    /**
     * The transport of the project's clients (load tool, idle client): epoll where there is one,
     * whatever the server under test runs, so that a comparison changes only the server.
     */
    public static Transport client() {
        return EPOLL.isAvailable() ? EPOLL : NIO;
    }

    public EventLoopGroup group(int threads) {
        IoHandlerFactory f = switch (this) {
            case IO_URING -> IoUringIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
        return new MultiThreadIoEventLoopGroup(threads, f);
    }

    public Class<? extends ServerChannel> serverChannel() {
        return switch (this) {
            case IO_URING -> IoUringServerSocketChannel.class;
            case EPOLL -> EpollServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
        };
    }

    public Class<? extends SocketChannel> clientChannel() {
        return switch (this) {
            case IO_URING -> IoUringSocketChannel.class;
            case EPOLL -> EpollSocketChannel.class;
            case NIO -> NioSocketChannel.class;
        };
    }

    /**
     * A listener on this transport with the socket options every listener of the project uses
     * (the dispatch listener, the gateway, and the bench's ceiling server, which must match); its
     * groups are set by {@link #bind}.
     */
    public ServerBootstrap listener() {
        return listener(TransportKind.TCP, reason -> { });
    }

    /**
     * The same, telling {@code refused} the reason ({@code OUT_OF_FILES}, {@code ACCEPT_ERROR})
     * each time {@code accept} fails; such failures are logged at most once per ten seconds.
     */
    public ServerBootstrap listener(TransportKind transport, Consumer<Refusal> refused) {
        return new ServerBootstrap()
                .channel(serverChannel())
                .option(ChannelOption.SO_BACKLOG, 8192)
                .option(ChannelOption.SO_REUSEADDR, true)
                // each listener (one per loop) has its own
                .handler(new io.netty.channel.ChannelInitializer<ServerChannel>() {
                    @Override
                    protected void initChannel(ServerChannel ch) {
                        ch.pipeline().addLast(new AcceptFailures(transport, refused));
                    }
                });
        // no TCP_NODELAY child option: every transport's socket channel sets it when made, and the
        // option would set it a second time, a system call per connection (ListenerNoDelayTest)
    }

    /** Whether each event loop can accept on a listener of its own ({@code SO_REUSEPORT}). */
    public boolean acceptsPerLoop() {
        return this != NIO && !"acceptor".equals(System.getProperty(ACCEPT_PROPERTY));
    }

    /** {@code acceptor} makes the native transports accept on one thread and hand connections over. */
    public static final String ACCEPT_PROPERTY = "msnp.accept";

    /**
     * Binds {@code host:port} (0: a free port). On io_uring and epoll every worker loop gets a
     * listener of its own on the same port ({@code SO_REUSEPORT}) and serves the connections it
     * accepts itself: the kernel spreads new connections over the listeners, and no connection is
     * handed from an acceptor thread to a worker (a wake-up and a task per connection). On NIO the
     * acceptor loop accepts and hands each connection to the next worker.
     */
    public Listening bind(ServerBootstrap b, EventLoopGroup acceptor, EventLoopGroup workers, String host, int port)
            throws InterruptedException {
        java.util.List<io.netty.channel.Channel> channels = new java.util.ArrayList<>();
        try {
            if (!acceptsPerLoop()) {
                channels.add(b.clone().group(acceptor, workers).bind(host, port).sync().channel());
            } else {
                int bound = port;
                for (io.netty.util.concurrent.EventExecutor e : workers) {
                    io.netty.channel.EventLoop loop = (io.netty.channel.EventLoop) e;
                    ServerBootstrap each = b.clone().group(loop, loop);
                    if (this == EPOLL) {
                        each.option(io.netty.channel.epoll.EpollChannelOption.SO_REUSEPORT, true);
                    } else {
                        each.option(io.netty.channel.uring.IoUringChannelOption.SO_REUSEPORT, true);
                    }
                    io.netty.channel.Channel ch = each.bind(host, bound).sync().channel();
                    channels.add(ch);
                    bound = ((java.net.InetSocketAddress) ch.localAddress()).getPort();
                }
            }
        } catch (InterruptedException | RuntimeException e) {
            channels.forEach(io.netty.channel.Channel::close);
            throw e;
        }
        return new Listening(channels);
    }

    /** The listening sockets of one address: one, or one per event loop. */
    public static final class Listening {
        private final java.util.List<io.netty.channel.Channel> channels;

        Listening(java.util.List<io.netty.channel.Channel> channels) {
            this.channels = java.util.List.copyOf(channels);
        }

        public java.net.InetSocketAddress localAddress() {
            return (java.net.InetSocketAddress) channels.get(0).localAddress();
        }

        /** Whether any of the sockets still accepts (a stop closes them one after another). */
        public boolean isActive() {
            return channels.stream().anyMatch(io.netty.channel.Channel::isActive);
        }

        public int count() {
            return channels.size();
        }

        /** Closes every listening socket and waits until they are closed. */
        public void close() {
            List<io.netty.channel.ChannelFuture> closing = channels.stream().map(io.netty.channel.Channel::close).toList();
            closing.forEach(io.netty.channel.ChannelFuture::awaitUninterruptibly);
        }
    }
}
