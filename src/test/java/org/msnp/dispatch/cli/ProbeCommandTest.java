package org.msnp.dispatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.msnp.dispatch.app.Application;
import org.msnp.dispatch.config.ConfigLoader;
import org.msnp.dispatch.conformance.VectorConfig;
import org.msnp.dispatch.conformance.Vectors;

/** {@code msnp-dispatch probe HOST:PORT} against real servers in this JVM. */
class ProbeCommandTest {
    /** A probe result line: {@code V012 pass}, {@code V020 skip: needs …}, {@code V012 fail: step 6: …}. */
    private static final Pattern RESULT = Pattern.compile("[VP]\\d{3} (pass|fail|skip)(: .*)?");
    private static Application asVectorsAssume;
    private static Application otherNs;
    private static List<Vectors.Block> blocks;

    @BeforeAll
    static void start() throws Exception {
        asVectorsAssume = Application.start(ConfigLoader.parse(VectorConfig.toYaml(Map.of(), "127.0.0.1:0"), "defaults"),
                record -> { });
        otherNs = Application.start(ConfigLoader.parse(
                VectorConfig.toYaml(Map.of("ns", "10.0.0.9:1863"), "127.0.0.1:0"), "other-ns"), record -> { });
        try (InputStream in = ProbeCommandTest.class.getClassLoader().getResourceAsStream("msnp/vectors.txt")) {
            blocks = Vectors.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "vectors.txt");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (asVectorsAssume != null) {
            asVectorsAssume.stopNow();
        }
        if (otherNs != null) {
            otherNs.stopNow();
        }
    }

    private static String target(Application app) {
        return "127.0.0.1:" + app.tcpAddress().getPort();
    }

    private static List<String> results(Console c) {
        return c.out().lines().filter(l -> RESULT.matcher(l).matches()).toList();
    }

    /** What the probe should say it misses for {@code b} on a server configured as DEFAULTS. */
    private static List<String> needs(Vectors.Block b) {
        Map<String, String> target = VectorConfig.effective(Map.of());
        List<String> missing = new ArrayList<>();
        b.config().forEach((k, v) -> {
            if (!v.equals(target.get(k))) {
                missing.add(k + "=" + v);
            }
        });
        return missing;
    }

    private static Vectors.Block block(String id) {
        return blocks.stream().filter(b -> b.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void aServerConfiguredAsTheVectorsAssumePassesEveryBlockItCanRun() {
        Console c = Console.run("probe", target(asVectorsAssume), "--quiet-wait", "200");

        List<String> expected = new ArrayList<>();
        int runnable = 0;
        int skipped = 0;
        for (Vectors.Block b : blocks) {
            List<String> missing = needs(b);
            if (missing.isEmpty()) {
                runnable++;
                expected.add(b.id() + " pass");
            } else {
                skipped++;
                expected.add(b.id() + " skip: needs " + String.join(" ", missing));
            }
        }
        assertThat(runnable).as("blocks without @config").isGreaterThan(20);
        assertThat(skipped).as("blocks needing other configuration").isGreaterThan(10);
        assertThat(results(c)).containsExactlyElementsOf(expected);
        assertThat(c.out().lines().toList()).last().isEqualTo(runnable + " passed, 0 failed, " + skipped + " skipped");
        assertThat(c.exitCode()).isZero();
    }

    @Test
    void blocksNeedingOtherConfigurationNameWhatTheyNeed() {
        Console c = Console.run("probe", target(asVectorsAssume), "--quiet-wait", "200", "--only", "V002,V020,V031");
        assertThat(results(c)).containsExactly(
                "V002 skip: needs dialects=MSNP8..MSNP21",
                "V020 skip: needs " + "cvr.MSNMSGR=5.0.0537,5.0.0537,1.0.0863,"
                        + "http://download.microsoft.com/download/msnmessenger/install/5.0/w98nt42kmexp/en-us/setupdl.exe,"
                        + "http://messenger.microsoft.com",
                "V031 skip: needs handles.foreign=example@hotmail.com");
        assertThat(c.out().lines().toList()).last().isEqualTo("0 passed, 0 failed, 3 skipped");
        assertThat(c.exitCode()).isZero();
    }

    @Test
    void aServerReferringElsewhereFailsAtTheFirstDifference() {
        Console c = Console.run("probe", target(otherNs), "--quiet-wait", "200", "--only", "V001,V012,V016,V020,V056");
        List<String> expected = new ArrayList<>();
        expected.add("V001 pass");
        for (String id : List.of("V012", "V016", "V020", "V056")) {
            if (id.equals("V020")) {
                expected.add("V020 skip: needs " + String.join(" ", needs(block("V020"))));
                continue;
            }
            Vectors.Block b = block(id);
            int stepNo = 0;
            String xfr = null;
            for (Vectors.Step s : b.steps()) {
                stepNo++;
                if (s instanceof Vectors.Step.Expect e && e.alternatives().get(0).text().startsWith("XFR ")) {
                    xfr = e.alternatives().get(0).text();
                    break;
                }
            }
            assertThat(xfr).as(id).contains(" NS 10.0.0.5:1863");
            expected.add(id + " fail: step " + stepNo + ": got '" + xfr.replace("10.0.0.5:1863", "10.0.0.9:1863")
                    + "', expected '" + xfr + "'");
        }
        assertThat(results(c)).containsExactlyElementsOf(expected);
        assertThat(c.out().lines().toList()).last().isEqualTo("1 passed, 3 failed, 1 skipped");
        assertThat(c.exitCode()).isEqualTo(1);
    }

    @Test
    void assumeMakesTheProbeRunABlockThatNeedsIt() {
        // The server has no foreign handles: told that it has, the probe runs V031 and sees the difference.
        Console c = Console.run("probe", target(asVectorsAssume), "--quiet-wait", "200", "--only", "V031",
                "--assume", "handles.foreign=example@hotmail.com");
        assertThat(results(c)).containsExactly(
                "V031 fail: step 4: got 'XFR 20 NS 10.0.0.5:1863 0 10.0.0.1:1863', expected '931 20'");
        assertThat(c.exitCode()).isEqualTo(1);
    }

    @Test
    void assumeSkipsBlocksThatRelyOnADefaultTheTargetDoesNotHave() {
        Console c = Console.run("probe", target(otherNs), "--quiet-wait", "200", "--only", "V001,V012",
                "--assume", "ns=10.0.0.9:1863");
        assertThat(results(c)).containsExactly("V001 pass", "V012 skip: needs ns=10.0.0.5:1863");
        assertThat(c.exitCode()).isZero();
    }

    @Test
    void aTargetThatIsNotHostPortIsExitTwo() {
        Console c = Console.run("probe", "nowhere");
        assertThat(c.exitCode()).isEqualTo(2);
        assertThat(c.err().strip()).isEqualTo("probe: expected host:port, got 'nowhere'");
        assertThat(c.out()).isEmpty();
    }
}
