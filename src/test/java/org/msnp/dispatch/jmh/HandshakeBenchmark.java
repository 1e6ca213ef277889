package org.msnp.dispatch.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.msnp.dispatch.app.Contexts;
import org.msnp.dispatch.bench.Handshake;
import org.msnp.dispatch.bench.KnownConfig;
import org.msnp.dispatch.bench.Mix;
import org.msnp.dispatch.config.DispatchConfig;
import org.msnp.dispatch.conversation.Conversation;
import org.msnp.dispatch.conversation.Snapshot;
import org.msnp.dispatch.observe.ConnectionRecord;
import org.msnp.dispatch.observe.TransportKind;
import org.msnp.dispatch.protocol.Command;
import org.msnp.dispatch.protocol.HostPort;
import org.msnp.dispatch.protocol.Reply;
import org.msnp.dispatch.session.DispatchContext;
import org.msnp.dispatch.session.DispatchSession;
import org.msnp.dispatch.session.Step;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One whole handshake through the session core, without sockets: for each request line of a
 * script of the load mix, bytes to String, parse, {@link DispatchSession#handle}, and every reply
 * encoded into a pooled buffer, exactly as the TCP listener does between reading a frame and
 * writing. {@code withLogLine} adds what the connection log costs per connection: the summary and
 * the log line (not the appender). {@code conversation} is the TCP listener's own path (the direct
 * listener): the request bytes, CR LF and all, fed to a {@link Conversation}, each reply put
 * together in a kept builder and written to a kept buffer, then the record and its log line.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HandshakeBenchmark {
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
    private static final HostPort CURRENT = HostPort.parse(KnownConfig.SELF);
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.7", 40123);

    @Param({"MSNP8", "MSNP13", "MSNP21", "CVR0"})
    public String script;

    private DispatchContext context;
    private ByteBuf[] frames;
    private ByteBuf[] requests;
    private Snapshot snapshot;
    private final StringBuilder text = new StringBuilder(256);
    private final ByteBuf out = Unpooled.directBuffer(4096);
    private final Conversation.Output toBuffer = r -> {
        text.setLength(0);
        r.appendTo(text);
        out.writeCharSequence(text, StandardCharsets.ISO_8859_1);
        out.writeByte('\r').writeByte('\n');
    };

    @Setup
    public void setup() {
        DispatchConfig config = KnownConfig.config("127.0.0.1:0", "60s");
        context = Contexts.of(config, Contexts.pool(config));
        Handshake h = Mix.ALL.stream().filter(s -> s.name().equals(script)).findFirst().orElseThrow();
        snapshot = org.msnp.dispatch.app.Wiring.snapshot(config);
        frames = new ByteBuf[h.steps()];
        requests = new ByteBuf[h.steps()];
        for (int i = 0; i < h.steps(); i++) {
            byte[] req = h.exchanges().get(i).request();
            frames[i] = Unpooled.directBuffer(req.length).writeBytes(req, 0, req.length - 2);
            requests[i] = Unpooled.directBuffer(req.length).writeBytes(req);
        }
        // The core must answer what the load tool expects, or this measures the wrong thing.
        byte[] got = replies();
        byte[] want = h.exchanges().stream().map(Handshake.Exchange::reply)
                .reduce(new byte[0], (a, b) -> {
                    byte[] c = Arrays.copyOf(a, a.length + b.length);
                    System.arraycopy(b, 0, c, a.length, b.length);
                    return c;
                });
        if (!Arrays.equals(got, want)) {
            throw new IllegalStateException("replies differ from the mix:\n" + new String(got, StandardCharsets.ISO_8859_1));
        }
        converse();
        byte[] conversed = new byte[out.readableBytes()];
        out.getBytes(0, conversed);
        if (!Arrays.equals(conversed, want)) {
            throw new IllegalStateException("the conversation's replies differ from the mix:\n"
                    + new String(conversed, StandardCharsets.ISO_8859_1));
        }
    }

    @TearDown
    public void tearDown() {
        for (ByteBuf f : frames) {
            f.release();
        }
        for (ByteBuf r : requests) {
            r.release();
        }
        out.release();
    }

    private byte[] replies() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        DispatchSession s = new DispatchSession(context, CURRENT);
        for (ByteBuf f : frames) {
            for (Reply r : s.handle(Command.parse(f.toString(StandardCharsets.ISO_8859_1))).replies()) {
                out.writeBytes((r.line() + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        return out.toByteArray();
    }

    private DispatchSession run() {
        DispatchSession s = new DispatchSession(context, CURRENT);
        for (ByteBuf f : frames) {
            Step step = s.handle(Command.parse(f.toString(StandardCharsets.ISO_8859_1)));
            for (Reply r : step.replies()) {
                org.msnp.dispatch.net.ReplyBytes.encode(ALLOC, r).release();
            }
        }
        return s;
    }

    private Conversation converse() {
        out.clear();
        Conversation c = new Conversation(snapshot, CURRENT, TransportKind.TCP, PEER, 0);
        for (ByteBuf r : requests) {
            c.feed(r.readerIndex(0), 0, toBuffer);
        }
        return c;
    }

    @Benchmark
    public String conversation() {
        return org.msnp.dispatch.app.ConnectionLog.line(converse().record(1_234_567));
    }

    @Benchmark
    public boolean handshake() {
        return run().isClosed();
    }

    @Benchmark
    public String withLogLine() {
        DispatchSession s = run();
        return org.msnp.dispatch.app.ConnectionLog.line(new ConnectionRecord(PEER, org.msnp.dispatch.observe.TransportKind.TCP,
                s.summary(), 345_678, Duration.ofNanos(1_234_567), org.msnp.dispatch.observe.EndReason.CLIENT_CLOSED));
    }
}
