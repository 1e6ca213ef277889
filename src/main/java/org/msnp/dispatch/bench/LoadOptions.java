package org.msnp.dispatch.bench;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** The options of every command that loads a server with handshakes (picocli mixin). */
final class LoadOptions {
    @Option(names = {"-d", "--duration"}, paramLabel = "SECONDS", description = "length of each measured run (default: ${DEFAULT-VALUE})")
    double duration = 10;

    @Option(names = {"-n", "--handshakes"}, paramLabel = "N", description = "run exactly N handshakes instead of for a duration")
    long handshakes;

    @Option(names = "--warmup", paramLabel = "SECONDS", description = "unmeasured run before each measured one (default: ${DEFAULT-VALUE})")
    double warmup = 3;

    @Option(names = "--first-warmup", paramLabel = "SECONDS", description = "unmeasured run of each server before "
            + "the first round, so that every one is compiled before anything counts (default: ${DEFAULT-VALUE})")
    double firstWarmup = 10;

    @Option(names = "--sources", paramLabel = "S", description = "connect from 127.0.0.1 … 127.0.0.S to a loopback target (default: ${DEFAULT-VALUE})")
    int sources = 16;

    @Option(names = "--client-threads", paramLabel = "T", description = "event-loop threads of the load generator (default: ${DEFAULT-VALUE})")
    int clientThreads = 1;

    @Option(names = "--timeout", paramLabel = "MS", description = "a handshake that does not finish within this fails (default: ${DEFAULT-VALUE})")
    long timeoutMillis = 10_000;

    @Option(names = "--mix", paramLabel = "standard|SCRIPT[,SCRIPT…]", description = "the handshakes played in turn: "
            + "the standard mix of dialect families, or script names (MSNP2, MSNP5, MSNP7, MSNP8, MSNP11, MSNP12, "
            + "MSNP13, MSNP15, MSNP18, MSNP21, CVR0) (default: ${DEFAULT-VALUE})")
    String mix = "standard";

    /** A usage problem, or null. */
    String problem() {
        if (duration <= 0 || handshakes < 0 || sources < 0 || clientThreads < 1 || timeoutMillis < 1 || warmup < 0
                || firstWarmup < 0) {
            return "duration, client threads and timeout must be positive, warm-ups and handshakes not negative";
        }
        try {
            Mix.named(mix);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        return null;
    }

    List<Handshake> scripts() {
        return Mix.named(mix);
    }

    long limit() {
        return handshakes > 0 ? handshakes : Long.MAX_VALUE;
    }

    Duration measured() {
        return handshakes > 0 ? Duration.ofDays(1) : Machine.seconds(duration);
    }

    String perRun() {
        return handshakes > 0 ? handshakes + " handshakes per run" : duration + " s per run";
    }

    String mixDescription() {
        return mix.equalsIgnoreCase("standard")
                ? "mix of " + Mix.ALL.size() + " scripts (15% MSNP2-7, 25% MSNP8-12, 30% MSNP13-20, 20% MSNP21, 10% CVR0-CVQ)"
                : "scripts " + String.join(", ", scripts().stream().map(Handshake::name).distinct().toList());
    }

    List<InetSocketAddress> sourcesFor(InetSocketAddress target) {
        return target.getAddress().isLoopbackAddress() ? LoadGenerator.loopbackSources(sources) : List.of();
    }

    LoadGenerator generator(List<InetSocketAddress> from) {
        return new LoadGenerator(from, scripts(), clientThreads, Duration.ofMillis(timeoutMillis));
    }
}
