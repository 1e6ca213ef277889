package org.msnp.dispatch.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The reading of another process's CPU time and memory that {@code bench targets} reports. */
class ProcessUsageTest {

    @Test
    @EnabledOnOs(OS.LINUX)
    void theCpuTimeOfAChildThatBurnsAKnownAmountIsReadWithinATickOrTwo() throws Exception {
        Process child = new ProcessBuilder(List.of(Machine.javaExecutable(), "-Xint", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), CpuBurner.class.getName())).redirectErrorStream(true).start();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
             PrintWriter to = new PrintWriter(child.getOutputStream(), true, StandardCharsets.US_ASCII)) {
            assertThat(in.readLine()).isEqualTo("ready");
            long pid = child.pid();
            long tick = 1_000_000_000L / ProcessUsage.ticksPerSecond();
            for (int ms : new int[] {300, 800}) {
                long before = ProcessUsage.cpuNanos(pid);
                to.println("burn " + ms);
                String answer = in.readLine();
                long after = ProcessUsage.cpuNanos(pid);

                assertThat(answer).startsWith("burned ");
                long burned = Long.parseLong(answer.split(" ")[1]);
                assertThat(burned).isGreaterThanOrEqualTo(ms * 1_000_000L);
                // Both readings are whole ticks; reading a line and writing one around the burn costs
                // the child far less than a tick. Allowed: three ticks and 5 %.
                assertThat(after - before).as("CPU read from /proc while the child burned %d ns", burned)
                        .isBetween(burned - 3 * tick - burned / 20, burned + 3 * tick + burned / 20);
            }
            ProcessUsage.Memory m = ProcessUsage.memory(pid);
            assertThat(m.rss()).isGreaterThan(1 << 20);
            assertThat(m.peak()).isGreaterThanOrEqualTo(m.rss());
        } finally {
            child.destroy();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void fieldsAreCountedFromTheLastParenthesisOfTheCommandName() {
        // A command name may hold spaces and parentheses; utime (14) is 7, stime (15) is 5.
        String stat = "4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 120 0 0 0 7 5 0 0 20 0 3 0 100 1000 50";

        assertThat(ProcessUsage.parseCpuTicks(stat)).isEqualTo(12);
        assertThatThrownBy(() -> ProcessUsage.parseCpuTicks("4242 no name")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theMachinesBusyTimeLeavesOutIdleIowaitAndSteal() {
        // user nice system idle iowait irq softirq steal guest guest_nice
        assertThat(ProcessUsage.parseBusyTicks("cpu  1000 20 300 9000 40 5 60 700 100 0")).isEqualTo(1385);
        assertThatThrownBy(() -> ProcessUsage.parseBusyTicks("cpu0 1 2 3 4 5 6 7 8")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aProcessThatIsGoneCannotBeRead() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor(10, TimeUnit.SECONDS);

        assertThatThrownBy(() -> ProcessUsage.cpuTicks(p.pid())).isInstanceOf(java.io.IOException.class);
    }
}
