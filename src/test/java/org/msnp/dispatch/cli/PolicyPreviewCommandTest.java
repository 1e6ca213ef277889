package org.msnp.dispatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msnp.dispatch.census.Census;
import org.msnp.dispatch.census.CensusKey;
import org.msnp.dispatch.config.ConfigLoader;

/**
 * {@code policy preview}: a candidate raising the minimum, run against a real census (an H2 file
 * written by the census itself), reports exactly the conversations that change verdict.
 */
class PolicyPreviewCommandTest {
    @TempDir
    Path dir;
    Path running;

    static final String RULES = """
            version-policy:
              unknown-clients: %s
              rules:
                - {library: MSNMSGR, recommended: 7.0.0813, minimum: %s, download-url: "http://example.invalid/dl", info-url: "http://example.invalid/i"}
                - {library: MSMSGS, recommended: 4.7.3001, minimum: 4.7.3001, download-url: "http://example.invalid/dl", info-url: "http://example.invalid/i"}
            """;

    @BeforeEach
    void fillACensus() throws Exception {
        String census = "census:\n  data-dir: " + dir.resolve("data") + "\n";
        running = Files.writeString(dir.resolve("running.yaml"), census + RULES.formatted("echo", "6.0.0602"));
        try (Census c = Census.start(ConfigLoader.load(running).census(), new SimpleMeterRegistry()).orElseThrow()) {
            for (int i = 0; i < 5; i++) {
                c.count(new CensusKey("tcp", "MSNP8", "MSNMSGR", "6.0.0602", "winnt", "0x0409", "xfr", "upgrade-offered"));
            }
            for (int i = 0; i < 3; i++) {
                c.count(new CensusKey("tcp", "MSNP12", "MSNMSGR", "7.0.0813", "winnt", "0x0407", "xfr", "current"));
            }
            c.count(new CensusKey("http", "MSNP9", "aMSN", "0.98", "Linux", "0x0409", "xfr", "unknown"));
            c.count(new CensusKey("tcp", "-", "-", "-", "-", "-", "no-common-dialect", "none"));
        }
    }

    @Test
    void raisingTheMinimumShowsWhoFallsBelowIt() throws Exception {
        Path candidate = Files.writeString(dir.resolve("candidate.yaml"), RULES.formatted("reject-420", "7.0.0813"));
        Console c = Console.run("policy", "preview", candidate.toString(), "--config", running.toString(), "--format", "json");
        assertThat(c.err()).isEmpty();
        assertThat(c.exitCode()).isZero();
        JsonNode r = JsonMapper.builder().build().readTree(c.out());
        assertThat(r.get("conversations").asLong()).isEqualTo(9);
        assertThat(r.get("changed").asLong()).as("5 fall below the minimum, 1 unknown client now rejected").isEqualTo(6);
        assertThat(r.get("before").get("upgrade-offered").asLong()).isEqualTo(5);
        assertThat(r.get("after").get("below-minimum").asLong()).isEqualTo(5);
        assertThat(r.get("after").get("rejected-420").asLong()).isEqualTo(1);
        assertThat(r.get("rules").get(0).get("conversations").asLong()).isEqualTo(8);
        assertThat(r.get("rules").get(1).get("conversations").asLong()).as("a dead rule").isZero();
        assertThat(r.get("unknown").get(0).get("library").asText()).isEqualTo("aMSN");
        assertThat(r.get("unknown").get(0).get("conversations").asLong()).isEqualTo(1);

        Console text = Console.run("policy", "preview", candidate.toString(), "--config", running.toString());
        assertThat(text.out()).contains("9 conversations with a client report", "6 would change verdict")
                .containsPattern("upgrade-offered\\s+->\\s+below-minimum\\s+5  \\*").contains("dead");
    }

    @Test
    void anInvalidCandidateIsRefusedWithItsFileAndLine() throws Exception {
        Path candidate = Files.writeString(dir.resolve("bad.yaml"), "version-policy:\n  rules:\n    - {library: MSNMSGR, recommended: 7.0.0813, minimum: 8.0}\n");
        Console c = Console.run("policy", "preview", candidate.toString(), "--config", running.toString());
        assertThat(c.exitCode()).isEqualTo(1);
        assertThat(c.err().trim()).startsWith(candidate + ":3:").doesNotContain("\n");
    }
}
