package org.msnp.dispatch.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.msnp.dispatch.policy.Decision;
import org.msnp.dispatch.policy.DownloadUrl;
import org.msnp.dispatch.policy.Rule;
import org.msnp.dispatch.policy.UnknownClients;
import org.msnp.dispatch.policy.VersionPolicy;
import org.msnp.dispatch.protocol.ClientInfo;
import org.msnp.dispatch.protocol.ClientVersion;
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
 * The CVR/CVQ decision of a {@link VersionPolicy} with 10 and with 1,000 rules, for a rotating set
 * of 1,024 known clients (the hot path: every client is covered by a rule). The rules are what a
 * large operator would write: per library, consecutive build ranges, some of them with a
 * language-specific variant placed before the general one.
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PolicyBenchmark {
    static final String[] LIBRARIES = {"MSNMSGR", "MSMSGS", "MSG80BETA", "WINDOWSLIVE"};
    static final int[] LOCALES = {0x0409, 0x0407, 0x040c, 0x0411, 0x0416, 0x0c0a};

    @Param({"10", "1000"})
    public int rules;

    private VersionPolicy policy;
    private ClientInfo[] clients;
    private int next;

    @Setup
    public void setup() {
        policy = policy(rules);
        if (policy.rules().size() != rules) {
            throw new IllegalStateException(policy.rules().size() + " rules built, " + rules + " wanted");
        }
        clients = clients(rules, 1024, 42);
        for (ClientInfo c : clients) {
            if (!(policy.decide(c) instanceof Decision.Answer)) {
                throw new IllegalStateException("client not covered: " + c);
            }
        }
    }

    /** Build range {@code i} of a library starts at this version. */
    static String build(int i) {
        return (1 + i / 100) + "." + (i % 100) + ".0";
    }

    /** How many of {@code count} rules go to library number {@code lib}. */
    static int rulesOf(int count, int lib) {
        return count / LIBRARIES.length + (lib < count % LIBRARIES.length ? 1 : 0);
    }

    /** How many consecutive build ranges {@code rules} rules cover: every fifth range has two. */
    static int rangesOf(int rules) {
        int ranges = 0;
        int used = 0;
        while (used + (ranges % 5 == 4 ? 2 : 1) <= rules) {
            used += ranges % 5 == 4 ? 2 : 1;
            ranges++;
        }
        return ranges;
    }

    /**
     * {@code count} rules spread over the four libraries, each library's builds cut into
     * consecutive ranges; every fifth range has a German/French variant placed before it.
     */
    static VersionPolicy policy(int count) {
        List<Rule> out = new ArrayList<>();
        for (int l = 0; l < LIBRARIES.length; l++) {
            String lib = LIBRARIES[l];
            int ranges = rangesOf(rulesOf(count, l));
            for (int range = 0; range < ranges; range++) {
                Optional<ClientVersion> from = Optional.of(ClientVersion.of(build(range)));
                Optional<ClientVersion> below = Optional.of(ClientVersion.of(build(range + 1)));
                ClientVersion rec = ClientVersion.of(build(range + 1) + ".5");
                ClientVersion min = ClientVersion.of(build(range));
                if (range % 5 == 4) {
                    out.add(new Rule(lib, List.of(), List.of(), List.of(0x0407, 0x040c), from, below, rec, rec, min,
                            DownloadUrl.fixed("http://download.example.net/" + lib + "/eu/" + range),
                            "http://messenger.example.net"));
                }
                out.add(new Rule(lib, List.of(), List.of(), List.of(), from, below, rec, rec, min,
                        DownloadUrl.fixed("http://download.example.net/" + lib + "/" + range), "http://messenger.example.net"));
            }
        }
        return new VersionPolicy(out, new UnknownClients(UnknownClients.Mode.REJECT_420, "http://x", "http://x"),
                VersionPolicy.DEFAULT_CEILING);
    }

    /** Clients whose library and build fall inside the ranges of {@link #policy(int)}. */
    static ClientInfo[] clients(int ruleCount, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        ClientInfo[] out = new ClientInfo[n];
        for (int i = 0; i < n; i++) {
            int l = r.nextInt(LIBRARIES.length);
            int range = r.nextInt(rangesOf(rulesOf(ruleCount, l)));
            String version = build(range) + "." + r.nextInt(1000);
            String locale = String.format("0x%04x", LOCALES[r.nextInt(LOCALES.length)]);
            ClientInfo.Reading reading = ClientInfo.read(List.of(locale, "winnt", "5.1", "i386", LIBRARIES[l], version,
                    "MSMSGS", "user" + i + "@hotmail.com"));
            out[i] = ((ClientInfo.Valid) reading).info();
        }
        return out;
    }

    @Benchmark
    public Decision decide() {
        ClientInfo c = clients[next];
        next = (next + 1) & (clients.length - 1);
        return policy.decide(c);
    }
}
