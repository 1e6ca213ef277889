package org.msnp.dispatch.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Socket;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.msnp.dispatch.admission.AdmissionLimits;
import org.msnp.dispatch.conversation.Conversation;
import org.msnp.dispatch.conversation.Snapshot;
import org.msnp.dispatch.observe.EndReason;
import org.msnp.dispatch.observe.Refusal;
import org.msnp.dispatch.observe.TransportKind;
import org.msnp.dispatch.protocol.Reply;

/**
 * One accepted socket of a {@link DirectListener}, registered with its loop's epoll set for input.
 * A readiness event reads once into the loop's buffer, the {@link Conversation} frames and answers
 * the lines, and the replies of that read go out in one write. When the conversation ends it
 * behaves as {@link DispatchHandler} does: the closing is left to the client for the close-wait,
 * then FIN, input read and dropped until the client closes or the linger time passes, so that
 * unread input never turns the last reply into a reset (dispatch-server.md §8).
 *
 * <p>Should the socket not take a whole write (a client that does not read), the rest waits in a
 * buffer of the connection's own, and the connection reads nothing more until it has gone out
 * (its deadline still runs; a handshake's replies are a few hundred bytes, so on a live socket this
 * does not happen).
 *
 * <p>On a PROXY listener the connection is admitted only once its header has named the client, as
 * {@code admission.Gate} does on the pipeline: the header goes through Netty's
 * {@link HAProxyMessageDecoder} (on an in-memory channel of its own, for that header only), a bad
 * header is refused as {@code proxy-header}, none within the login timeout as
 * {@code proxy-header-timeout}; such connections leave no record, as on the pipeline.
 * Touched by its event loop's thread only.
 */
final class DirectConnection implements EpollIoHandle, Conversation.Output, Runnable {
    /** What the one timer of a connection is for. */
    enum Timer { HEADER, DEADLINE, CLOSE_WAIT, LINGER }

    private final DirectListener listener;
    private final DirectListener.Acceptor loop;
    /**
     * The accepted socket as a bare descriptor: Netty's {@link Socket} asks the kernel for the
     * address family when made, a call per connection that only the rare FIN by the server needs.
     */
    private final FileDescriptor socket;
    private final Snapshot snapshot;
    /** The socket's peer: the client, or on a PROXY listener the proxy. */
    private final InetSocketAddress peer;
    /** Null until admitted (on a PROXY listener, until the header has come). */
    private AdmissionLimits.Place place;
    /** Null until admitted. */
    private Conversation conversation;
    /** The PROXY header decoder while the header is awaited; null otherwise. */
    private EmbeddedChannel header;
    private IoRegistration registration;
    /** Output the socket did not take yet; null when everything went out. */
    private ByteBuf pending;
    /** Set once the conversation has ended and the socket is on its way out. */
    private boolean closing;
    /** After the pending output: leave the closing to the client (true) or shut down at once. */
    private boolean waitAfterPending;
    private boolean finishAfterPending;
    /** Registered for output (something pending) rather than input. */
    private boolean writeArmed;
    /** Waiting for the client to close after the closing reply. */
    private boolean waiting;
    private boolean closed;
    /** The listener's open count was given back (once, by {@link #countOut}). */
    private boolean countedOut;
    private ScheduledFuture<?> timer;
    private Timer timerFor;
    DirectConnection previous;
    DirectConnection next;

    /** An admitted connection (no PROXY header). */
    DirectConnection(DirectListener listener, DirectListener.Acceptor loop, FileDescriptor socket, InetSocketAddress peer,
                     AdmissionLimits.Place place) {
        this(listener, loop, socket, peer);
        admitted(place, peer, null);
    }

    /** A connection from a trusted proxy, admitted once its PROXY header names the client. */
    DirectConnection(DirectListener listener, DirectListener.Acceptor loop, FileDescriptor socket, InetSocketAddress peer) {
        this.listener = listener;
        this.loop = loop;
        this.socket = socket;
        this.peer = peer;
        this.snapshot = listener.snapshots.get();
    }

    private void admitted(AdmissionLimits.Place place, InetSocketAddress client, InetSocketAddress reached) {
        this.conversation = new Conversation(snapshot, listener.current(snapshot, socket, reached), TransportKind.TCP,
                client, System.nanoTime());
        this.place = place;
    }

    /**
     * Registers the socket for input and starts the login deadline, or on a PROXY listener the
     * header's (on the loop; never throws).
     */
    void start() {
        try {
            registration = loop.loop.register(this).getNow();
            if (registration == null) {
                throw new IOException("not registered");
            }
            registration.submit(EpollIoOps.EPOLLIN);
        } catch (Exception e) {
            if (registration != null) {
                registration.cancel();
            }
            closeQuietly(socket);
            releasePlace();
            listener.observer.refused(TransportKind.TCP, Refusal.ERROR);
            return;
        }
        listener.opened();
        next = loop.first;
        if (next != null) {
            next.previous = this;
        }
        loop.first = this;
        try {
            if (conversation == null) {
                schedule(Timer.HEADER, snapshot.settings().loginTimeout().toNanos());
                return;
            }
            opened();
        } catch (Throwable e) {
            failQuietly();
        }
    }

    private void opened() {
        listener.observer.opened(TransportKind.TCP);
        schedule(Timer.DEADLINE, conversation.settings().firstCheck().toNanos());
    }

    @Override
    public FileDescriptor fd() {
        return socket;
    }

    @Override
    public void handle(IoRegistration r, IoEvent event) {
        if (closed) {
            return;
        }
        try {
            if (pending != null) {
                // writable (or failed: the write says so)
                writePending();
                return;
            }
            read();
        } catch (Throwable e) {
            // as the pipeline's exceptionCaught: the connection ends, the loop goes on (an Error
            // escaping here would end the event loop's thread), and the loop's buffer must not
            // carry this connection's replies to the next one
            loop.out.clear();
            failQuietly();
        }
    }

    /** {@link #failed()} from a handler that must not throw. */
    void failQuietly() {
        try {
            failed();
        } catch (Throwable again) {
            // whatever the end did not get to: the socket, its registration, the list, the place
            // and the open count, each given back once
            closed = true;
            closeQuietly(socket);
            try {
                if (registration != null) {
                    registration.cancel();
                }
                unlink();
                releasePlace();
            } finally {
                countOut();
            }
        }
    }

    private void read() {
        int n;
        try {
            n = socket.read(loop.inNio, 0, DirectListener.READ_BUFFER);
        } catch (IOException e) {
            failed();
            return;
        }
        if (n == 0) {
            return;
        }
        if (n < 0) {
            // the client closed: within the close-wait as clients that follow an XFR do, or before
            end();
            return;
        }
        if (closing) {
            // after the conversation: read and dropped, never left unread
            return;
        }
        ByteBuf in = loop.in;
        in.setIndex(0, n);
        if (conversation == null) {
            proxyHeader(in);
            return;
        }
        feed(in);
    }

    private void feed(ByteBuf in) {
        boolean ended = conversation.feed(in, System.nanoTime(), this);
        flush();
        if (ended && !closed) {
            finish();
        }
    }

    /**
     * Input before the PROXY header is complete: decoded by Netty's decoder; once it names the
     * client (or none: LOCAL, UNKNOWN, AF_UNIX), the connection is admitted as that client and
     * what followed the header goes to the conversation.
     */
    private void proxyHeader(ByteBuf in) {
        if (header == null) {
            header = new EmbeddedChannel(new HAProxyMessageDecoder());
        }
        Object message;
        try {
            // a copy (on the heap: no native memory to allocate and free): the loop's buffer is the
            // next connection's
            header.writeInbound(Unpooled.copiedBuffer(in));
            message = header.readInbound();
        } catch (Exception e) {
            refuse(Refusal.PROXY_HEADER);
            return;
        }
        if (message == null) {
            // the header is not complete yet
            return;
        }
        cancelTimer();
        InetSocketAddress client = null;
        InetSocketAddress reached = null;
        try {
            if (message instanceof HAProxyMessage m && m.command() == HAProxyCommand.PROXY) {
                // IP literals only: never a name lookup on the event loop
                InetAddress src = NetUtil.createInetAddressFromIpAddressString(String.valueOf(m.sourceAddress()));
                InetAddress dst = NetUtil.createInetAddressFromIpAddressString(String.valueOf(m.destinationAddress()));
                if (src != null && dst != null) {
                    client = new InetSocketAddress(src, m.sourcePort());
                    // a destination port 0 (v2 allows it) names no address a client could be sent to
                    reached = m.destinationPort() > 0 ? new InetSocketAddress(dst, m.destinationPort()) : null;
                }
            }
        } finally {
            ReferenceCountUtil.release(message);
        }
        // no client named (a health check of the proxy; UNKNOWN; AF_UNIX): the connection is the
        // proxy's own and counts only overall
        AdmissionLimits.Admission a = listener.limits.admit(
                client != null ? Optional.of(client.getAddress()) : Optional.empty(), System.nanoTime());
        if (a instanceof AdmissionLimits.Refused r) {
            refuse(r.refusal());
            return;
        }
        // place kept only once the conversation is made: end() gives back the place of a connection it admitted
        AdmissionLimits.Place admittedPlace = (AdmissionLimits.Place) a;
        try {
            admitted(admittedPlace, client != null ? client : peer, reached);
        } catch (RuntimeException e) {
            listener.limits.release(admittedPlace);
            throw e;
        }
        opened();
        EmbeddedChannel decoder = header;
        header = null;
        try {
            for (Object rest; !closed && (rest = decoder.readInbound()) != null; ) {
                ByteBuf after = (ByteBuf) rest;
                try {
                    if (!closing) {
                        feed(after);
                    }
                } finally {
                    after.release();
                }
            }
        } finally {
            header = decoder;
            dropHeader();
        }
    }

    /** Not admitted (no or a bad PROXY header, or a refusal of the limits): closed, no record. */
    private void refuse(Refusal reason) {
        closing = true;
        listener.observer.refused(TransportKind.TCP, reason);
        end();
    }

    @Override
    public void reply(Reply reply) {
        if (closed) {
            return;
        }
        StringBuilder line = loop.text;
        line.setLength(0);
        reply.appendTo(line);
        int size = line.length() + 2;
        if (pending == null && loop.out.writableBytes() < size) {
            flush();
            if (closed) {
                return;
            }
        }
        ByteBuf to = pending != null ? pending : loop.out.writableBytes() >= size ? loop.out : pendingBuffer(size);
        to.writeCharSequence(line, StandardCharsets.ISO_8859_1);
        to.writeByte('\r').writeByte('\n');
    }

    private ByteBuf pendingBuffer(int size) {
        // direct: the socket writes from native memory
        pending = Unpooled.directBuffer(Math.max(256, size));
        return pending;
    }

    /**
     * Writes what the replies put in the loop's buffer; what the socket does not take waits in
     * {@link #pending}, and the connection waits until it can write. (While something is pending,
     * replies go there, so the loop's buffer is empty then.)
     */
    private void flush() {
        ByteBuf out = loop.out;
        int length = out.readableBytes();
        if (closed) {
            out.clear();
            return;
        }
        if (length > 0) {
            int written;
            try {
                written = socket.write(loop.outNio, 0, length);
            } catch (IOException e) {
                out.clear();
                failed();
                return;
            }
            if (written < length) {
                pendingBuffer(length - written).writeBytes(out, written, length - written);
            }
            out.clear();
        }
        if (pending != null && !writeArmed) {
            writeArmed = true;
            interest(EpollIoOps.EPOLLOUT);
        }
    }

    private void writePending() {
        try {
            while (pending.isReadable()) {
                int n = socket.write(pending.nioBuffer(), 0, pending.readableBytes());
                if (n <= 0) {
                    return;
                }
                pending.skipBytes(n);
            }
        } catch (IOException e) {
            failed();
            return;
        }
        pending.release();
        pending = null;
        writeArmed = false;
        interest(EpollIoOps.EPOLLIN);
        if (closed) {
            return;
        }
        if (finishAfterPending) {
            finishAfterPending = false;
            afterWritten(waitAfterPending);
        }
    }

    private void interest(EpollIoOps ops) {
        try {
            registration.submit(ops);
        } catch (Exception e) {
            failed();
        }
    }

    /** The conversation has ended: once its replies are out, wait for the client or close. */
    private void finish() {
        if (closing) {
            return;
        }
        closing = true;
        cancelTimer();
        boolean wait = conversation.waitsForClient();
        if (pending != null) {
            finishAfterPending = true;
            waitAfterPending = wait;
            return;
        }
        afterWritten(wait);
    }

    private void afterWritten(boolean wait) {
        if (wait) {
            waiting = true;
            // cancelled in end(), when the client closes first (the usual case)
            schedule(Timer.CLOSE_WAIT, conversation.settings().closeWait().toNanos());
        } else {
            shutdownOutput();
        }
    }

    /** FIN, then input drained until the client closes or the linger time passes. */
    private void shutdownOutput() {
        if (closed) {
            // the descriptor's number may be another socket's by now
            return;
        }
        try {
            new Socket(socket.intValue()).shutdown(false, true);
        } catch (IOException e) {
            end();
            return;
        }
        schedule(Timer.LINGER, conversation.settings().closeLinger().toNanos());
    }

    private void schedule(Timer what, long nanos) {
        timerFor = what;
        timer = loop.loop.schedule(this, nanos, TimeUnit.NANOSECONDS);
    }

    /** The timer. */
    @Override
    public void run() {
        timer = null;
        if (closed) {
            return;
        }
        try {
            expired();
        } catch (Throwable e) {
            // as in handle(): the connection ends, the loop goes on
            loop.out.clear();
            failQuietly();
        }
    }

    private void expired() {
        switch (timerFor) {
            case HEADER -> refuse(Refusal.PROXY_HEADER_TIMEOUT);
            case DEADLINE -> {
                if (closing) {
                    return;
                }
                long now = System.nanoTime();
                if (conversation.checkDeadline(now)) {
                    // nothing is pending at a deadline: replies go out at the end of each read
                    closing = true;
                    end();
                    return;
                }
                schedule(Timer.DEADLINE, conversation.nanosToDeadline(now));
            }
            case CLOSE_WAIT -> {
                waiting = false;
                conversation.endAfterReply(EndReason.CLOSE_WAIT);
                shutdownOutput();
            }
            case LINGER -> end();
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** A read or write failed (a reset, typically). */
    private void failed() {
        if (conversation == null) {
            // before the PROXY header: as the pipeline's Gate counts it
            if (!closing) {
                refuse(Refusal.PROXY_HEADER);
            } else {
                end();
            }
            return;
        }
        if (!closing) {
            conversation.end(EndReason.ERROR);
        }
        closing = true;
        end();
    }

    /** Ends the connection at shutdown, after the grace period; the log says why. */
    void shutdown() {
        if (closed) {
            unlink();
            return;
        }
        if (conversation == null) {
            // still awaiting its PROXY header: nothing to record
            closing = true;
            end();
            return;
        }
        if (!closing || waiting) {
            if (waiting) {
                conversation.endAfterReply(EndReason.SHUTDOWN);
            } else {
                conversation.end(EndReason.SHUTDOWN);
            }
            waiting = false;
            closing = true;
        }
        end();
    }

    /** Closes the socket (the epoll set forgets it with the descriptor) and records the conversation. */
    private void end() {
        if (closed) {
            return;
        }
        closed = true;
        cancelTimer();
        closeQuietly(socket);
        if (registration != null) {
            registration.cancel();
        }
        if (pending != null) {
            pending.release();
            pending = null;
        }
        dropHeader();
        unlink();
        releasePlace();
        if (conversation == null) {
            // never admitted (PROXY listener): no record
            countOut();
            return;
        }
        if (waiting) {
            waiting = false;
            // the client closed within the close-wait, as the clients that follow an XFR do
            conversation.endAfterReply(EndReason.CLIENT_CLOSED);
        }
        try {
            listener.observer.finished(conversation.record(System.nanoTime()));
        } finally {
            // counted out only once recorded: a stop that sees no connection open finds every record made
            countOut();
        }
    }

    private void releasePlace() {
        AdmissionLimits.Place p = place;
        if (p != null) {
            place = null;
            listener.limits.release(p);
        }
    }

    private void countOut() {
        if (!countedOut) {
            countedOut = true;
            listener.closed();
        }
    }

    /**
     * Releases the PROXY header's decoder and whatever input it still holds. Its finish decodes
     * that input once more, and a refused connection's rest (the lines of a client that sent no
     * header) fails again: that complaint is dropped here, the refusal is counted already.
     */
    private void dropHeader() {
        EmbeddedChannel decoder = header;
        if (decoder == null) {
            return;
        }
        header = null;
        try {
            decoder.finishAndReleaseAll();
        } catch (RuntimeException e) {
            // the decoder's second complaint (above); its buffers are released either way
        }
    }

    private void unlink() {
        if (previous != null) {
            previous.next = next;
        } else if (loop.first == this) {
            loop.first = next;
        }
        if (next != null) {
            next.previous = previous;
        }
        previous = null;
        next = null;
    }

    /** The event loop is going away (after a stop has ended every connection). */
    @Override
    public void close() {
        shutdown();
    }

    static void closeQuietly(FileDescriptor fd) {
        try {
            fd.close();
        } catch (IOException e) {
            // closed already, or the descriptor went with a reset
        }
    }
}
