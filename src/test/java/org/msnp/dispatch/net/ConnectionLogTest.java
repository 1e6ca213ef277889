package org.msnp.dispatch.net;

import org.msnp.dispatch.observe.ConnectionRecord;
import org.msnp.dispatch.observe.EndReason;
import org.msnp.dispatch.observe.TransportKind;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.msnp.dispatch.policy.Rule;
import org.msnp.dispatch.policy.UnknownClients;
import org.msnp.dispatch.policy.VersionPolicy;
import org.msnp.dispatch.protocol.Command;
import org.msnp.dispatch.protocol.Dialect;
import org.msnp.dispatch.protocol.HostPort;
import org.msnp.dispatch.session.DispatchContext;
import org.msnp.dispatch.session.DispatchSession;
import org.msnp.dispatch.session.ForeignHandles;
import org.msnp.dispatch.session.NotificationServers;
import org.msnp.dispatch.session.SessionRules;

/** The one log line per finished connection (design.md: "records what connected"). */
class ConnectionRecordTest {
    static final DispatchContext CONTEXT = new DispatchContext(
            SessionRules.defaults().withDialects(EnumSet.range(Dialect.MSNP2, Dialect.MSNP21)),
            new VersionPolicy(List.of(Rule.forLibrary("MSNMSGR", "7.0.0813", "7.0.0813", "6.2.0205",
                    "http://example.invalid/dl", "http://messenger.msn.com")),
                    new UnknownClients(UnknownClients.Mode.REJECT_420, "http://x/dl", "http://x/info"),
                    VersionPolicy.DEFAULT_CEILING),
            NotificationServers.fixed(HostPort.parse("10.0.0.5:1863")), ForeignHandles.NONE);

    private static DispatchSession.Summary after(String... lines) {
        DispatchSession s = new DispatchSession(CONTEXT, HostPort.parse("10.0.0.1:1863"));
        for (String l : lines) {
            s.handle(Command.parse(l));
        }
        return s.summary();
    }

    @Test
    void aReferralNamesPeerTransportDialectClientLocaleOutcomeAndDuration() {
        DispatchSession.Summary s = after("VER 1 MSNP8 CVR0",
                "CVR 2 0x0409 winnt 5.1 i386 MSNMSGR 6.0.0602 MSMSGS example@hotmail.com",
                "USR 3 TWN I example@hotmail.com");
        ConnectionRecord r = new ConnectionRecord(new InetSocketAddress("192.0.2.7", 54066), TransportKind.TCP, s,
                1_400_000, Duration.ofMillis(12), EndReason.CLIENT_CLOSED);
        assertThat(org.msnp.dispatch.app.ConnectionLog.line(r)).isEqualTo("peer=192.0.2.7:54066 transport=tcp dialect=MSNP8 client=MSNMSGR/6.0.0602 "
                + "os=winnt/5.1/i386 locale=0x0409 verdict=below-minimum outcome=xfr ns=10.0.0.5:1863 end=client-closed replied=1ms duration=12ms");
    }

    @Test
    void aConnectionThatNeverSaidWhoItIs() {
        ConnectionRecord r = new ConnectionRecord(new InetSocketAddress("198.51.100.9", 40000), TransportKind.HTTP,
                after("VER 1 MSNP8 CVR0"), 300_000, Duration.ofSeconds(60), EndReason.IDLE_TIMEOUT);
        assertThat(org.msnp.dispatch.app.ConnectionLog.line(r)).isEqualTo("peer=198.51.100.9:40000 transport=http dialect=MSNP8 client=- locale=- "
                + "verdict=none outcome=incomplete end=idle-timeout replied=0ms duration=60000ms");
    }

    @Test
    void anIpv6PeerIsBracketed() {
        ConnectionRecord r = new ConnectionRecord(new InetSocketAddress("2001:db8::7", 1863), TransportKind.TCP,
                after("VER 1 MSNP8 CVR0"), -1, Duration.ofSeconds(1), EndReason.CLIENT_CLOSED);
        assertThat(org.msnp.dispatch.app.ConnectionLog.line(r)).containsPattern("^peer=\\[2001:db8(::|:0:0:0:0:0:)7]:1863 ");
    }

    @Test
    void aDropCarriesItsReason() {
        ConnectionRecord r = new ConnectionRecord(new InetSocketAddress("192.0.2.7", 1), TransportKind.TCP,
                after("VER 1 MSNP7 CVR0", "SYN 2 0"), -1, Duration.ZERO, EndReason.SERVER_CLOSED);
        assertThat(org.msnp.dispatch.app.ConnectionLog.line(r)).contains(" dialect=MSNP7 ").contains(" outcome=dropped reason=unknown-command ")
                .endsWith(" replied=- duration=0ms");
    }

    @Test
    void aRejectionAndTheCvr0Fallback() {
        ConnectionRecord r710 = new ConnectionRecord(new InetSocketAddress("192.0.2.7", 1), TransportKind.TCP,
                after("VER 1 MSNP8 CVR0", "CVR 2 0x1111 winnt 5.1 i386 MSNMSGR 6.0.0602 MSMSGS a@example.com"),
                -1, Duration.ofMillis(3), EndReason.SERVER_CLOSED);
        assertThat(org.msnp.dispatch.app.ConnectionLog.line(r710)).contains(" outcome=rejected-710 ").contains(" client=- ");

        DispatchContext cvr0Only = new DispatchContext(CONTEXT.rules().withDialects(EnumSet.range(Dialect.MSNP2, Dialect.MSNP7)),
                CONTEXT.policy(), CONTEXT.servers(), CONTEXT.foreignHandles());
        DispatchSession s = new DispatchSession(cvr0Only, HostPort.parse("10.0.0.1:1863"));
        s.handle(Command.parse("VER 1 MSNP8 CVR0"));
        s.handle(Command.parse("CVQ 2 0x0804 winnt 5.1 i386 MSNMSGR 6.0.0602 MSMSGS example@hotmail.com"));
        ConnectionRecord cvq = new ConnectionRecord(new InetSocketAddress("192.0.2.7", 1), TransportKind.TCP, s.summary(),
                -1, Duration.ofMillis(3), EndReason.SERVER_CLOSED);
        assertThat(org.msnp.dispatch.app.ConnectionLog.line(cvq)).contains(" dialect=CVR0 ").contains(" client=MSNMSGR/6.0.0602 ")
                .contains(" locale=0x0804 ").contains(" outcome=cvq-answered ");
    }

    @Test
    void thePipelineReportsEachConnectionOnce() {
        List<ConnectionRecord> records = new ArrayList<>();
        org.msnp.dispatch.conversation.Snapshot snapshot = new org.msnp.dispatch.conversation.Snapshot(1, CONTEXT,
                new org.msnp.dispatch.conversation.ConversationSettings(Duration.ofSeconds(15), Duration.ofSeconds(60), 4096,
                        Duration.ofSeconds(5), Duration.ofSeconds(2)), java.util.Optional.of(HostPort.parse("10.0.0.1:1863")));
        EmbeddedChannel ch = new EmbeddedChannel(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel c) {
                DispatchServer.configure(c.pipeline(), snapshot, false, org.msnp.dispatch.admission.TrustedProxies.LOOPBACK,
                        new org.msnp.dispatch.admission.AdmissionLimits(new org.msnp.dispatch.admission.AdmissionLimits.Thresholds(1000, 1000, 0)),
                        records::add);
            }
        });
        ByteBuf in = ch.alloc().buffer();
        in.writeCharSequence("VER 1 MSNP15 CVR0\r\nCVR 2 0x0804 winnt 6.1.1 i386 MSNMSGR 7.0.0813 MSNMSGR a@example.com\r\n"
                + "USR 3 SSO I a@example.com\r\n", StandardCharsets.ISO_8859_1);
        ch.writeInbound(in);
        assertThat(ch.isOpen()).as("after the XFR the server waits for the client to close").isTrue();
        ch.close();
        for (Object o = ch.readOutbound(); o != null; o = ch.readOutbound()) {
            ((ByteBuf) o).release();
        }
        ch.finishAndReleaseAll();
        assertThat(records).hasSize(1);
        ConnectionRecord r = records.get(0);
        assertThat(r.transport().label()).isEqualTo("tcp");
        assertThat(r.end().label()).isEqualTo("client-closed");
        assertThat(r.duration().isNegative()).isFalse();
        assertThat(r.replied()).isPresent();
        assertThat(org.msnp.dispatch.app.ConnectionLog.line(r)).startsWith("peer=").contains(" transport=tcp dialect=MSNP15 client=MSNMSGR/7.0.0813 "
                + "os=winnt/6.1.1/i386 locale=0x0804 verdict=current outcome=xfr ns=10.0.0.5:1863 end=client-closed replied=");
    }
}
