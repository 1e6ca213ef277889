package org.msnp.dispatch.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.msnp.dispatch.protocol.Command;
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
 * One framed client line to a {@link Command}, as the TCP listener does it: the frame's bytes to a
 * String (ISO-8859-1), then {@link Command#parse}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LineParsingBenchmark {

    @Param({"VER", "CVR21", "USR"})
    public String line;

    private ByteBuf frame;

    @Setup
    public void setup() {
        String text = switch (line) {
            case "VER" -> "VER 1 MSNP21 MSNP20 MSNP19 MSNP18 MSNP17 CVR0";
            case "CVR21" -> "CVR 2 0x0407 winnt 6.1.0 i386 MSNMSGR 15.4.3508.1109 MSNMSGR frank@live.de "
                    + "VmVyc2lvbjogMQ0KWGZyQ291bnQ6IDENCg==";
            case "USR" -> "USR 3 SSO I frank@live.de";
            default -> throw new IllegalArgumentException(line);
        };
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        frame = Unpooled.directBuffer(b.length).writeBytes(b);
    }

    @TearDown
    public void tearDown() {
        frame.release();
    }

    @Benchmark
    public Command parse() {
        return Command.parse(frame.toString(StandardCharsets.ISO_8859_1));
    }
}
