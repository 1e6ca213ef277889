package org.msnp.dispatch.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import org.msnp.dispatch.app.Contexts;
import org.msnp.dispatch.config.ConfigLoader;
import org.msnp.dispatch.config.DispatchConfig;
import org.msnp.dispatch.conformance.VectorConfig;
import org.msnp.dispatch.observe.ConnectionRecord;
import org.msnp.dispatch.protocol.HostPort;
import org.msnp.dispatch.session.DispatchContext;

/**
 * The real per-connection pipeline (framer + dispatch handler) on an {@link EmbeddedChannel}, fed
 * arbitrary bytes in arbitrary pieces: it answers only well-formed lines, lets no exception out,
 * reports every connection once, and leaks no buffer.
 */
class PipelineFuzzTest {
    static {
        LeakRecorder.install();
    }

    static final int MAX_LINE = 256;
    static final org.msnp.dispatch.admission.AdmissionLimits.Thresholds THRESHOLDS =
            new org.msnp.dispatch.admission.AdmissionLimits.Thresholds(1_000_000, 1_000_000, 0);
    /** A reply line: a login verb, its TrID and tokens; OUT; or an error code and its TrID. */
    static final String REPLY = "(VER|INF|CVR|CVQ|XFR) \\d+( [!-~]+)+|OUT|\\d{3} \\d+";

    private static final DispatchContext CONTEXT = context();
    static final org.msnp.dispatch.conversation.Snapshot SNAPSHOT = new org.msnp.dispatch.conversation.Snapshot(1, CONTEXT,
            new org.msnp.dispatch.conversation.ConversationSettings(Duration.ofSeconds(15), Duration.ofSeconds(60), MAX_LINE,
                    Duration.ofSeconds(5), Duration.ofSeconds(2)), Optional.of(HostPort.parse("10.0.0.1:1863")));

    private static DispatchContext context() {
        try {
            DispatchConfig c = ConfigLoader.parse(VectorConfig.toYaml(Map.of(
                    "cvr.MSNMSGR", "7.0.0813,7.0.0813,6.2.0205,http://example.invalid/dl,http://messenger.msn.com",
                    "inf.msnp8plus", "502"), "127.0.0.1:0"), "fuzz");
            return Contexts.of(c, Contexts.pool(c));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static final List<String> LINES = List.of(
            "VER 1 MSNP8 CVR0", "VER 1 MSNP21 MSNP20 CVR0", "VER 1 MSNP7 MSNP6 CVR0", "VER 2 MSNP2 CVR0", "VER 1 CVR0",
            "VER 1 MYPROTOCOL", "VER MSNP8", "VER 4294967296 MSNP8", "INF 2", "INF 2 ",
            "CVR 2 0x0409 winnt 5.1 i386 MSNMSGR 6.0.0602 MSMSGS example@hotmail.com",
            "CVR 2 0x1111 winnt 5.1 i386 MSNMSGR 6.0.0602 MSMSGS a@example.com",
            "CVR 2 0x0409 winnt 5.1 i386 MYCLIENT 1.2.0003 MYCLIENT me@example.com",
            "CVR 2 0x0409 winnt 6.1.0 i386 MSNMSGR 15.4.3502.0922 MSNMSGR a@b.c VmVyc2lvbjogMQ0KWGZyQ291bnQ6IDENCg==",
            "CVQ 2 0x0409 winnt 5.1 i386 MSNMSGR 6.1.0211 MSMSGS example@hotmail.com", "CVQ 6 spaghetti",
            "USR 3 TWN I example@hotmail.com", "USR 3 SSO I example@hotmail.com", "USR 3 MD5 I example@hotmail.com",
            "USR 9 BAD I example@hotmail.com", "USR 3 TWN S t=ticket", "OUT", "Out", "SYN 2 0", "", "\t");

    /** Everything the server wrote, and what the observer heard. */
    record Run(String output, List<ConnectionRecord> records, boolean closedByServer) {
    }

    static Run feed(List<byte[]> writes) {
        List<ConnectionRecord> records = new CopyOnWriteArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel c) {
                DispatchServer.configure(c.pipeline(), SNAPSHOT, false, org.msnp.dispatch.admission.TrustedProxies.LOOPBACK,
                        new org.msnp.dispatch.admission.AdmissionLimits(THRESHOLDS), records::add);
            }
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] w : writes) {
            if (!ch.isOpen()) {
                break;   // a closed connection receives nothing more
            }
            ByteBuf in = ch.alloc().buffer(w.length);
            in.writeBytes(w);
            ch.writeInbound(in);
            ch.checkException();
            drain(ch, out);
        }
        // past the close-wait: a server that ended the conversation has closed by now
        ch.advanceTimeBy(SNAPSHOT.settings().closeWait().plusSeconds(1).toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        ch.runScheduledPendingTasks();
        drain(ch, out);
        boolean closedByServer = !ch.isOpen();
        assertThat(ch.inboundMessages()).as("nothing passes the dispatch handler").isEmpty();
        ch.close();
        ch.checkException();
        drain(ch, out);
        ch.finishAndReleaseAll();
        return new Run(out.toString(StandardCharsets.ISO_8859_1), List.copyOf(records), closedByServer);
    }

    private static void drain(EmbeddedChannel ch, ByteArrayOutputStream out) {
        for (Object o = ch.readOutbound(); o != null; o = ch.readOutbound()) {
            ByteBuf b = (ByteBuf) o;
            try {
                byte[] bytes = new byte[b.readableBytes()];
                b.readBytes(bytes);
                out.writeBytes(bytes);
            } finally {
                b.release();
            }
        }
    }

    static void assertWellFormed(Run run) {
        String out = run.output();
        if (!out.isEmpty()) {
            assertThat(out).endsWith("\r\n");
        }
        for (String line : out.split("\r\n")) {
            if (out.isEmpty()) {
                break;
            }
            assertThat(line).doesNotContain("\r", "\n").matches(REPLY);
        }
        assertThat(run.records()).as("one record per connection").hasSize(1);
        ConnectionRecord r = run.records().get(0);
        assertThat(r.transport().label()).isEqualTo("tcp");
        assertThat(r.end().label()).isIn("server-closed", "close-wait", "client-closed", "line-too-long", "error");
        assertThat(r.end()).as("no exception reached the handler").isNotEqualTo("error");
        if (run.closedByServer()) {
            assertThat(r.end().label()).isIn("server-closed", "close-wait", "line-too-long");
        }
        if (r.end().label().equals("close-wait")) {
            assertThat(r.replied()).as("the server waits for the client only after a reply").isPresent();
        }
    }

    // --- inputs ---------------------------------------------------------------------------------

    /** Splits {@code all} at random points into several writes. */
    static Arbitrary<List<byte[]>> split(byte[] all) {
        return Arbitraries.integers().between(0, all.length).set().ofMaxSize(Math.min(12, all.length + 1)).map(cuts -> {
            List<byte[]> writes = new ArrayList<>();
            int from = 0;
            for (int cut : new TreeSet<>(cuts)) {
                writes.add(java.util.Arrays.copyOfRange(all, from, cut));
                from = cut;
            }
            writes.add(java.util.Arrays.copyOfRange(all, from, all.length));
            return writes;
        });
    }

    @Provide
    Arbitrary<List<byte[]>> randomBytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(700).flatMap(PipelineFuzzTest::split);
    }

    @Provide
    Arbitrary<List<byte[]>> lineSoup() {
        Arbitrary<String> command = Arbitraries.of(LINES).map(l -> l + "\r\n");
        Arbitrary<String> lineEnd = Arbitraries.of("\r", "\n", "\r\n", "\r\r\n", "\n\r");
        Arbitrary<String> tooLong = Arbitraries.strings().withCharRange(' ', '~').ofMinLength(MAX_LINE + 1).ofMaxLength(3 * MAX_LINE)
                .flatMap(s -> Arbitraries.of("", "\r\n", "\n").map(end -> "VER 1 " + s + end));
        Arbitrary<String> printable = Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(40);
        Arbitrary<String> binary = Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(20);
        Arbitrary<String> fragment = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, command), net.jqwik.api.Tuple.of(3, lineEnd), net.jqwik.api.Tuple.of(1, tooLong),
                net.jqwik.api.Tuple.of(2, printable), net.jqwik.api.Tuple.of(1, binary));
        return fragment.list().ofMaxSize(10)
                .map(parts -> String.join("", parts).getBytes(StandardCharsets.ISO_8859_1))
                .flatMap(PipelineFuzzTest::split);
    }

    @Property(tries = 300)
    void randomBytesGetOnlyWellFormedReplies(@ForAll("randomBytes") List<byte[]> writes) {
        assertWellFormed(feed(writes));
    }

    @Property(tries = 400)
    void commandLinesFragmentsAndLongLinesGetOnlyWellFormedReplies(@ForAll("lineSoup") List<byte[]> writes) {
        assertWellFormed(feed(writes));
    }

    @Example
    void aLoginSplitIntoSingleBytesIsAnsweredAsOne() {
        String login = "VER 1 MSNP8 CVR0\r\nCVR 2 0x0409 winnt 5.1 i386 MSNMSGR 6.0.0602 MSMSGS example@hotmail.com\r\n"
                + "USR 3 TWN I example@hotmail.com\r\n";
        List<byte[]> writes = new ArrayList<>();
        for (byte b : login.getBytes(StandardCharsets.ISO_8859_1)) {
            writes.add(new byte[] {b});
        }
        Run run = feed(writes);
        assertThat(run.output()).isEqualTo("VER 1 MSNP8 CVR0\r\n"
                + "CVR 2 7.0.0813 7.0.0813 6.2.0205 http://example.invalid/dl http://messenger.msn.com\r\n"
                + "XFR 3 NS 10.0.0.5:1863 0 10.0.0.1:1863\r\n");
        assertThat(run.closedByServer()).isTrue();
        assertThat(run.records().get(0).summary().outcomeLabel()).isEqualTo("xfr");
        assertThat(run.records().get(0).end().label()).isEqualTo("close-wait");
    }

    @Example
    void aLineLongerThanTheLimitClosesTheConnection() {
        Run run = feed(List.of("VER 1 MSNP8 CVR0\r\n".getBytes(StandardCharsets.ISO_8859_1),
                ("VER 2 " + "X".repeat(MAX_LINE)).getBytes(StandardCharsets.ISO_8859_1),
                "\r\n".getBytes(StandardCharsets.ISO_8859_1)));
        assertThat(run.output()).isEqualTo("VER 1 MSNP8 CVR0\r\n");
        assertThat(run.closedByServer()).isTrue();
        assertThat(run.records().get(0).end().label()).isEqualTo("line-too-long");
        assertWellFormed(run);
    }

    @Example
    void aBareCrDoesNotEndALine() {
        // V034
        Run run = feed(List.of("VER 1 MSNP8 CVR0\r".getBytes(StandardCharsets.ISO_8859_1)));
        assertThat(run.output()).isEmpty();
        assertThat(run.closedByServer()).isFalse();
        assertThat(run.records().get(0).end().label()).isEqualTo("client-closed");
    }

    @Example
    void theLeakRecorderSeesALeak() throws Exception {
        LeakRecorder.leakOneOnPurpose();
        List<String> leaks = LeakRecorder.collect(20, l -> l.stream().anyMatch(s -> s.contains(LeakRecorder.CANARY)));
        assertThat(leaks).anyMatch(s -> s.contains(LeakRecorder.CANARY));
    }

    @AfterProperty
    void noBufferLeaked() throws Exception {
        assertThat(LeakRecorder.realLeaks()).isEmpty();
    }
}
