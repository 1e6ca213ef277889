package org.msnp.dispatch.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

/**
 * Child process of {@link ProcessUsageTest}: says {@code ready}; for each line {@code burn MS} spins
 * until its own CPU time — as the JVM reports it, not through /proc/PID/stat — has grown by MS
 * milliseconds, and answers {@code burned NANOS} with the growth it saw; ends with its input.
 */
public final class CpuBurner {
    private CpuBurner() {
    }

    public static void main(String[] args) throws Exception {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        System.out.println("ready");
        System.out.flush();
        long sink = 0;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            long want = Long.parseLong(line.substring("burn ".length())) * 1_000_000L;
            long before = os.getProcessCpuTime();
            long now = before;
            while (now - before < want) {
                for (int i = 0; i < 100_000; i++) {
                    sink += i * 31L ^ sink;
                }
                now = os.getProcessCpuTime();
            }
            System.out.println("burned " + (now - before) + " " + (sink & 1));
            System.out.flush();
        }
    }
}
