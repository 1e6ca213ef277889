package org.msnp.dispatch.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * CPU time and memory of another local process, read from {@code /proc} (Linux): user and system
 * time from {@code /proc/PID/stat} (fields 14 and 15, in clock ticks — {@code getconf CLK_TCK},
 * usually 100, so a reading is exact to 10 ms), resident and peak resident memory from
 * {@code /proc/PID/status} (VmRSS, VmHWM). Time spent by the process's children is not counted.
 */
final class ProcessUsage {
    private static final long DEFAULT_TICKS = 100;
    private static volatile long ticksPerSecond;

    private ProcessUsage() {
    }

    /** Resident memory now and at its peak, in bytes. */
    record Memory(long rss, long peak) {
    }

    /** Clock ticks per second of {@code /proc/PID/stat}, from {@code getconf CLK_TCK}; 100 when it cannot say. */
    static long ticksPerSecond() {
        long t = ticksPerSecond;
        if (t == 0) {
            t = DEFAULT_TICKS;
            try {
                Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
                if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    t = Long.parseLong(out);
                }
            } catch (IOException | NumberFormatException e) {
                // keep the default
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ticksPerSecond = t;
        }
        return t;
    }

    /** User plus system time of {@code pid} so far, in clock ticks. */
    static long cpuTicks(long pid) throws IOException {
        return parseCpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1));
    }

    /** User plus system time of {@code pid} so far, in nanoseconds (a multiple of one clock tick). */
    static long cpuNanos(long pid) throws IOException {
        return cpuTicks(pid) * 1_000_000_000L / ticksPerSecond();
    }

    /**
     * utime + stime of one {@code /proc/PID/stat} line. The command name (field 2) is in
     * parentheses and may itself hold spaces and parentheses, so fields are counted from the last
     * closing parenthesis: the state (field 3) comes first after it.
     */
    static long parseCpuTicks(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc/PID/stat line: " + stat);
        }
        String[] f = stat.substring(close + 1).trim().split(" +");
        if (f.length < 13) {
            throw new IllegalArgumentException("not a /proc/PID/stat line: " + stat);
        }
        return Long.parseLong(f[14 - 3]) + Long.parseLong(f[15 - 3]);
    }

    /**
     * Busy time of the whole machine so far, all cores, in clock ticks: the first line of
     * {@code /proc/stat} without idle, iowait and steal.
     */
    static long machineBusyTicks() throws IOException {
        String first = Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.ISO_8859_1).get(0);
        return parseBusyTicks(first);
    }

    /**
     * {@code cpu  user nice system idle iowait irq softirq steal guest guest_nice}: user, nice,
     * system, irq and softirq. Idle and iowait are not work; steal is time the hypervisor gave to
     * another machine; guest time is already in user.
     */
    static long parseBusyTicks(String cpuLine) {
        String[] f = cpuLine.trim().split(" +");
        if (!f[0].equals("cpu") || f.length < 8) {
            throw new IllegalArgumentException("not the cpu line of /proc/stat: " + cpuLine);
        }
        return Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                + Long.parseLong(f[7]);
    }

    static Memory memory(long pid) throws IOException {
        long rss = -1;
        long peak = -1;
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.ISO_8859_1)) {
            if (line.startsWith("VmRSS:")) {
                rss = kib(line);
            } else if (line.startsWith("VmHWM:")) {
                peak = kib(line);
            }
        }
        if (rss < 0 || peak < 0) {
            throw new IOException("no VmRSS/VmHWM in /proc/" + pid + "/status");
        }
        return new Memory(rss, peak);
    }

    private static long kib(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
    }
}
