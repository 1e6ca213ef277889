package org.msnp.dispatch.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.msnp.dispatch.protocol.HostPort;
import org.msnp.dispatch.protocol.Reply;
import org.msnp.dispatch.protocol.XfrLayout;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One {@link Reply} to the bytes on the wire, as the TCP listener does it: {@link Reply#line()},
 * then ISO-8859-1 into a buffer of the default (pooling) allocator with CR LF (released here, as the socket write would).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ReplyEncodingBenchmark {
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    @Param({"VER", "CVR", "XFR21"})
    public String reply;

    private Reply r;

    @Setup
    public void setup() {
        HostPort ns = HostPort.parse("10.0.0.5:1863");
        r = switch (reply) {
            case "VER" -> new Reply.Ver("1", java.util.List.of("MSNP21", "CVR0"));
            case "CVR" -> new Reply.VersionAnswer("CVR", "2", "15.4.3508.1109", "15.4.3508.1109", "14.0.8117.0416",
                    "http://download.example.net/wlm/2011/de-de/wlsetup.exe", "http://messenger.example.net/wlm");
            case "XFR21" -> new Reply.Xfr("3", ns, XfrLayout.U_D_STATE, HostPort.parse("10.0.0.1:1863"),
                    Optional.of("VmVyc2lvbjogMQ0KWGZyQ291bnQ6IDINCg=="));
            default -> throw new IllegalArgumentException(reply);
        };
    }

    @Benchmark
    public int encode() {
        ByteBuf out = org.msnp.dispatch.net.ReplyBytes.encode(ALLOC, r);
        int n = out.readableBytes();
        out.release();
        return n;
    }
}
