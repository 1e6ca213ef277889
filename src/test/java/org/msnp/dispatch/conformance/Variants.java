package org.msnp.dispatch.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msnp.dispatch.conformance.Vectors.Block;

/**
 * Which alternative of a block each configuration switch selects. Every block runs once on its
 * own {@code @config}; blocks with {@code S|} alternatives run again under the switch that
 * selects each other alternative.
 */
final class Variants {

    /** One run of a block: extra configuration, and the alternative it must produce. */
    record Variant(String name, Map<String, String> overrides, int alternative) {
        Map<String, String> config(Block b) {
            Map<String, String> c = new LinkedHashMap<>(b.config());
            c.putAll(overrides);
            return c;
        }
    }

    private Variants() {
    }

    static List<Variant> of(Block b) {
        List<Variant> out = new ArrayList<>();
        switch (b.id()) {
            case "V003", "V021" -> {
                out.add(new Variant("default", Map.of(), 0));
                out.add(new Variant("ver.reply=single", Map.of("ver.reply", "single"), 1));
            }
            case "V006" -> {
                out.add(new Variant("default", Map.of(), 0));
                out.add(new Variant("ver.reply=single", Map.of("ver.reply", "single"), 1));
                out.add(new Variant("ver.reply=cvr0_first", Map.of("ver.reply", "cvr0_first"), 2));
            }
            case "V010" -> {
                out.add(new Variant("default", Map.of(), 0));
                out.add(new Variant("dialect.case=insensitive", Map.of("dialect.case", "insensitive"), 1));
            }
            case "V011" -> {
                out.add(new Variant("default", Map.of(), 0));
                out.add(new Variant("ver.reply=echo_all", Map.of("ver.reply", "echo_all"), 1));
            }
            case "V013" -> {
                out.add(new Variant("default", Map.of(), 0));
                out.add(new Variant("inf.msnp2=MD5", Map.of("inf.msnp2", "MD5"), 1));
            }
            case "V052" -> {
                // The server's default is 600 (server busy: KOPETE retries later); 601 is a switch.
                out.add(new Variant("default", Map.of(), 1));
                out.add(new Variant("ns.unavailable=601", Map.of("ns.unavailable", "601"), 0));
            }
            // V044's alternative (reply TrID 4 to request TrID 2) is a transcription error in the
            // capture (sources.md §3.14); no switch reproduces it.
            default -> out.add(new Variant("default", Map.of(), 0));
        }
        return out;
    }

    /** Runs one block under one variant and says how it went. */
    @FunctionalInterface
    interface Replay {
        Runner.Result run(Block block, Variant variant) throws Exception;
    }

    /** One dynamic test per block and variant, each required to pass. */
    static java.util.stream.Stream<org.junit.jupiter.api.DynamicTest> tests(List<Block> blocks, Replay replay) {
        List<org.junit.jupiter.api.DynamicTest> tests = new ArrayList<>();
        for (Block b : blocks) {
            for (Variant v : of(b)) {
                tests.add(org.junit.jupiter.api.DynamicTest.dynamicTest(b.id() + " " + b.title() + " [" + v.name() + "]", () -> {
                    Runner.Result r = replay.run(b, v);
                    org.assertj.core.api.Assertions.assertThat(r.status()).as(r.line()).isEqualTo(Runner.Status.PASS);
                }));
            }
        }
        return tests.stream();
    }

    static List<Block> shippedVectors() throws IOException {
        try (InputStream in = Variants.class.getClassLoader().getResourceAsStream("msnp/vectors.txt")) {
            return Vectors.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "msnp/vectors.txt");
        }
    }

    static List<Block> projectVectors() throws IOException {
        try (InputStream in = Variants.class.getClassLoader().getResourceAsStream("project-vectors.txt")) {
            return Vectors.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "project-vectors.txt");
        }
    }
}
