package org.msnp.dispatch.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM options the shipped unit starts the server with (dist/msnp-dispatch.service) are the
 * ones docs/operations.md gives, and this JVM serves a handshake with them: an option the JVM
 * refuses would stop the unit from starting at all.
 */
class UnitJvmOptionsTest {
    @TempDir
    Path dir;

    /** The options between {@code java} and {@code -jar} on the unit's ExecStart line. */
    static List<String> unitOptions() throws Exception {
        String unit = Files.readString(Path.of("dist/msnp-dispatch.service"));
        Matcher m = Pattern.compile("(?m)^ExecStart=\\S*java (.*?) -jar ").matcher(unit);
        assertThat(m.find()).as("an ExecStart line running java -jar in the unit").isTrue();
        return Arrays.asList(m.group(1).trim().split("\\s+"));
    }

    @Test
    void operationsGuideQuotesTheUnitsOptions() throws Exception {
        List<String> options = unitOptions();
        assertThat(options).allMatch(o -> o.startsWith("-X"), "JVM options only");
        String guide = Files.readString(Path.of("docs/operations.md"));
        Matcher block = Pattern.compile("(?s)## JVM options.*?```\\n(.*?)\\n```").matcher(guide);
        assertThat(block.find()).as("a code block under 'JVM options' in docs/operations.md").isTrue();
        assertThat(Arrays.asList(block.group(1).trim().split("\\s+"))).isEqualTo(options);
    }

    @Test
    void serverStartsAndAnswersWithTheUnitsOptions() throws Exception {
        Path file = dir.resolve("dispatch.yaml");
        Files.writeString(file, ServeProcessTest.CONFIG.formatted("10.0.0.5:1863"));
        try (ServeProcess serve = ServeProcess.start(file, Optional.empty(), unitOptions())) {
            InetSocketAddress address = serve.listening();
            assertThat(Wire.msnp8Login(address, null)).last().isEqualTo("XFR 3 NS 10.0.0.5:1863 0 10.0.0.1:1863");
            serve.signal("TERM");
            assertThat(serve.exitCode()).as(String.join("\n", serve.lines())).isZero();
            // nothing from the JVM about its options (a warning of an obsolete or ignored one)
            assertThat(serve.lines()).noneMatch(l -> l.contains("VM warning"));
        }
    }
}
