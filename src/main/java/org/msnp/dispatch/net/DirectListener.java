package org.msnp.dispatch.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.NativeInetAddress;
import io.netty.channel.unix.Socket;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.msnp.dispatch.admission.AdmissionLimits;
import org.msnp.dispatch.admission.TrustedProxies;
import org.msnp.dispatch.conversation.Snapshot;
import org.msnp.dispatch.observe.ConnectionObserver;
import org.msnp.dispatch.observe.Refusal;
import org.msnp.dispatch.observe.TransportKind;
import org.msnp.dispatch.protocol.HostPort;

/**
 * The TCP listener on epoll without a channel per connection: each event loop accepts on a
 * listening socket of its own ({@code SO_REUSEPORT}) and registers every accepted socket with its
 * epoll set as a bare handle ({@link DirectConnection}) — no pipeline, no promises, no address or
 * option look-ups, nothing to deregister before the close. A dispatch connection is three lines in
 * and three lines out; everything Netty's channel offers beyond that (outbound buffers, handler
 * chains, auto-read, half-closure state) costs more per connection than the conversation itself
 * (docs/benchmarks.md).
 *
 * <p>It does what the channel pipeline ({@code admission.Gate} → {@link DispatchHandler}) does: admission,
 * the conversation, the login and idle deadlines, the close-wait, the FIN and the close-linger
 * drain, a stop that ends every connection, and on a PROXY listener the trusted-proxy check before
 * the first read, the header (Netty's decoder) and its time limit; the conformance transcripts, the
 * close tests and the PROXY tests run on both. {@code -Dmsnp.tcp=pipeline} returns to the pipeline.
 */
public final class DirectListener {
    /** {@code pipeline}: the TCP listener runs Netty channels on epoll too. */
    public static final String PROPERTY = "msnp.tcp";
    /** Accepts per readiness event of a listener, so that a flood of connects cannot starve the open ones. */
    private static final int ACCEPTS_PER_EVENT = 64;
    /** Read at most this much per readiness event (one read: the epoll set reports the rest). */
    static final int READ_BUFFER = 4096;
    static final int WRITE_BUFFER = 16 * 1024;
    /** Loaded with this class rather than at the first connection (see ConnectionLog's LOADED_WITH_IT). */
    private static final List<Class<?>> LOADED_WITH_IT = List.of(DirectConnection.class, DirectConnection.Timer.class,
            io.netty.channel.embedded.EmbeddedChannel.class, io.netty.handler.codec.haproxy.HAProxyMessageDecoder.class,
            io.netty.handler.codec.haproxy.HAProxyMessage.class);

    final Supplier<Snapshot> snapshots;
    final AdmissionLimits limits;
    final ConnectionObserver observer;
    /** Every connection starts with a PROXY header (else null): the proxies believed. */
    final Supplier<TrustedProxies> trusted;
    private final AtomicInteger open = new AtomicInteger();
    private final List<Acceptor> acceptors = new ArrayList<>();
    private InetSocketAddress bound;
    /** The address named in XFR when none is configured and the listener is bound to one address. */
    private HostPort boundHostPort;
    private volatile boolean listening;

    private DirectListener(Supplier<Snapshot> snapshots, AdmissionLimits limits, ConnectionObserver observer,
                           Supplier<TrustedProxies> trusted) {
        this.snapshots = snapshots;
        this.limits = limits;
        this.observer = observer;
        this.trusted = trusted;
    }

    /** Whether the TCP listener runs direct on {@code loops}: epoll, one listener per loop. */
    public static boolean serves(EventLoops loops) {
        return loops.transport() == Transport.EPOLL && loops.transport().acceptsPerLoop()
                && !"pipeline".equals(System.getProperty(PROPERTY));
    }

    /**
     * Binds {@code host:port} (0: a free port) once per worker loop of {@code loops}.
     *
     * @param trusted null, or the proxies whose PROXY header every connection must begin with
     */
    public static DirectListener bind(EventLoops loops, String host, int port, Supplier<Snapshot> snapshots,
                                      AdmissionLimits limits, ConnectionObserver observer,
                                      Supplier<TrustedProxies> trusted) throws InterruptedException {
        DirectListener l = new DirectListener(snapshots, limits, observer, trusted);
        InetSocketAddress wanted = new InetSocketAddress(host, port);
        try {
            for (EventExecutor e : loops.workers()) {
                IoEventLoop loop = (IoEventLoop) e;
                InetSocketAddress at = l.bound == null ? wanted : new InetSocketAddress(wanted.getAddress(), l.bound.getPort());
                Acceptor a = loop.submit(() -> l.new Acceptor(loop, at)).sync().getNow();
                l.acceptors.add(a);
                if (l.bound == null) {
                    l.bound = a.socket.localAddress();
                    l.boundHostPort = l.bound.getAddress().isAnyLocalAddress() ? null : HostPort.of(l.bound);
                }
            }
        } catch (Exception e) {
            // a failed bind arrives as the checked exception of the system call
            l.close();
            // as it came (as a channel's bind reports it): the start says "cannot start: …"
            io.netty.util.internal.PlatformDependent.throwException(e);
            throw new AssertionError(e);
        }
        l.listening = true;
        return l;
    }

    public InetSocketAddress localAddress() {
        return bound;
    }

    public boolean isListening() {
        return listening;
    }

    /** Connections open right now. */
    public int openConnections() {
        return open.get();
    }

    /** Closes every listening socket and waits until they are closed; open connections carry on. */
    public void close() {
        List<io.netty.util.concurrent.Future<?>> closing = new ArrayList<>();
        for (Acceptor a : acceptors) {
            closing.add(a.loop.submit(a::closeListener));
        }
        closing.forEach(io.netty.util.concurrent.Future::awaitUninterruptibly);
        // not listening once every socket is closed (a connect before that may still be accepted)
        listening = false;
    }

    /** Ends every open connection (a stop after its grace period), waiting up to 5 s for them to go. */
    public void endAll() throws InterruptedException {
        for (Acceptor a : acceptors) {
            a.loop.execute(a::endAll);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (open.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    /** TCP_NODELAY of every open connection's socket, asked on the loops (tests: inherited from the listener). */
    List<Boolean> noDelayOfOpen() throws Exception {
        List<Boolean> all = new ArrayList<>();
        for (Acceptor a : acceptors) {
            all.addAll(a.loop.submit(() -> {
                List<Boolean> each = new ArrayList<>();
                for (DirectConnection c = a.first; c != null; c = c.next) {
                    each.add(new Socket(c.fd().intValue()).isTcpNoDelay());
                }
                return each;
            }).sync().getNow());
        }
        return all;
    }

    /**
     * The address a connection tells MSNP7–12 clients in XFR: configured, else the one it reached
     * (the PROXY header's destination when there is one).
     */
    HostPort current(Snapshot snapshot, FileDescriptor socket, InetSocketAddress reached) {
        if (snapshot.publicAddress().isPresent()) {
            return snapshot.publicAddress().get();
        }
        if (reached != null) {
            return HostPort.of(reached);
        }
        if (boundHostPort != null) {
            return boundHostPort;
        }
        return HostPort.of(new Socket(socket.intValue()).localAddress());
    }

    void opened() {
        open.incrementAndGet();
    }

    void closed() {
        open.decrementAndGet();
    }

    /**
     * One event loop's listening socket, and the buffers and the list of open connections of that
     * loop (touched by that loop's thread only).
     */
    final class Acceptor implements EpollIoHandle {
        final IoEventLoop loop;
        final LinuxSocket socket;
        private final IoRegistration registration;
        private final byte[] address = new byte[26];
        // the loop's buffers live as long as the loop: direct memory the JDK frees with them, not
        // reference-counted (the connections of a stopped listener may still use them)
        final ByteBuffer inNio = ByteBuffer.allocateDirect(READ_BUFFER);
        final ByteBuf in = Unpooled.wrappedBuffer(inNio.duplicate());
        final ByteBuffer outNio = ByteBuffer.allocateDirect(WRITE_BUFFER);
        final ByteBuf out = Unpooled.wrappedBuffer(outNio.duplicate()).clear();
        /** Where a reply's text is put together before it is written to {@link #out}. */
        final StringBuilder text = new StringBuilder(256);
        /** The open connections of this loop, most recent first. */
        DirectConnection first;
        private boolean paused;
        private final AcceptFailures failures =
                new AcceptFailures(TransportKind.TCP, reason -> observer.refused(TransportKind.TCP, reason));

        Acceptor(IoEventLoop loop, InetSocketAddress at) throws Exception {
            this.loop = loop;
            this.socket = LinuxSocket.newSocketStream(at.getAddress() instanceof Inet6Address);
            try {
                socket.setReuseAddress(true);
                socket.setReusePort(true);
                // inherited by every accepted socket (Linux): no option to set per connection
                socket.setTcpNoDelay(true);
                socket.bind(at);
                socket.listen(8192);
                registration = loop.register(this).sync().getNow();
            } catch (Exception e) {
                socket.close();
                throw e;
            }
            try {
                registration.submit(EpollIoOps.EPOLLIN);
            } catch (RuntimeException e) {
                registration.cancel();
                socket.close();
                throw e;
            }
        }

        @Override
        public FileDescriptor fd() {
            return socket;
        }

        @Override
        public void handle(IoRegistration r, IoEvent event) {
            for (int i = 0; i < ACCEPTS_PER_EVENT && socket.isOpen(); i++) {
                int fd;
                try {
                    fd = socket.accept(address);
                } catch (IOException e) {
                    pause();
                    failures.failed(e, loop, bound);
                    return;
                }
                if (fd < 0) {
                    return;
                }
                FileDescriptor s = new FileDescriptor(fd);
                try {
                    accepted(s);
                } catch (Throwable e) {
                    // nothing may escape into the loop (an Error would end its thread); the
                    // connection goes, the listener stays
                    DirectConnection.closeQuietly(s);
                }
            }
        }

        private void accepted(FileDescriptor s) {
            InetSocketAddress peer = NativeInetAddress.address(address, 1, address[0]);
            if (trusted != null) {
                if (!trusted.get().trusts(peer)) {
                    // closed before the first read: its header is never decoded, let alone believed
                    observer.refused(TransportKind.TCP, Refusal.UNTRUSTED_PROXY);
                    DirectConnection.closeQuietly(s);
                    return;
                }
                // admitted once its header names the client
                DirectConnection c;
                try {
                    c = new DirectConnection(DirectListener.this, this, s, peer);
                } catch (Throwable e) {
                    observer.refused(TransportKind.TCP, Refusal.ERROR);
                    DirectConnection.closeQuietly(s);
                    return;
                }
                c.start();
                return;
            }
            AdmissionLimits.Admission a = limits.admit(Optional.of(peer.getAddress()), System.nanoTime());
            if (a instanceof AdmissionLimits.Refused refused) {
                observer.refused(TransportKind.TCP, refused.refusal());
                DirectConnection.closeQuietly(s);
                return;
            }
            AdmissionLimits.Place place = (AdmissionLimits.Place) a;
            DirectConnection c;
            try {
                c = new DirectConnection(DirectListener.this, this, s, peer, place);
            } catch (Throwable e) {
                // reset before it could be set up
                limits.release(place);
                observer.refused(TransportKind.TCP, Refusal.ERROR);
                DirectConnection.closeQuietly(s);
                return;
            }
            c.start();
        }

        /** Stops accepting for {@link AcceptFailures#PAUSE}: a level-triggered set would report the same failure at once. */
        private void pause() {
            if (paused) {
                return;
            }
            paused = true;
            try {
                // errors only (NONE would take the socket out of the epoll set, and the next submit
                // could not put it back)
                registration.submit(EpollIoOps.EPOLLERR);
            } catch (RuntimeException e) {
                // the listener is closing
            }
            loop.schedule(() -> {
                paused = false;
                if (socket.isOpen()) {
                    registration.submit(EpollIoOps.EPOLLIN);
                }
            }, AcceptFailures.PAUSE.toNanos(), TimeUnit.NANOSECONDS);
        }

        void closeListener() {
            registration.cancel();
            DirectConnection.closeQuietly(socket);
        }

        void endAll() {
            while (first != null) {
                first.shutdown();
            }
        }

        @Override
        public void close() {
            closeListener();
        }
    }
}
