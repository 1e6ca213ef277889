package org.msnp.dispatch.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What one load run measured.
 *
 * @param started     handshakes started (connections attempted)
 * @param completed   handshakes whose every reply was right and that the server then closed
 * @param failed      handshakes that failed, by kind in {@code errors}
 * @param byFamily    completed handshakes per dialect family
 * @param elapsedNanos from the first connect to the last handshake's end
 * @param cpuNanos    CPU time of the whole bench process meanwhile (load generator, and the server
 *                    when it runs in-process), user and system
 * @param gcCount     garbage collections in this JVM meanwhile, and {@code gcMillis} their time
 * @param toClose     latency, connect start (or its scheduled time when paced) to the server's close
 * @param toReply     latency, connect start to the last reply (XFR or CVQ)
 */
public record Result(String label, long started, long completed, long failed, Map<String, Long> errors,
                     List<String> examples, Map<String, Long> byFamily, long elapsedNanos,
                     long cpuNanos, long gcCount, long gcMillis, Histogram toClose, Histogram toReply) {

    public double perSecond() {
        return elapsedNanos <= 0 ? 0 : completed * 1e9 / elapsedNanos;
    }

    /** Microseconds of process CPU per completed handshake; 0 when unknown. */
    public double cpuMicrosPerHandshake() {
        return completed == 0 || cpuNanos < 0 ? 0 : cpuNanos / 1e3 / completed;
    }

    static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }

    /** {@code p50 / p99 / p99.9 / max} in milliseconds. */
    static String percentiles(Histogram h) {
        if (h.getTotalCount() == 0) {
            return "-";
        }
        return ms(h.getValueAtPercentile(50)) + " / " + ms(h.getValueAtPercentile(99)) + " / "
                + ms(h.getValueAtPercentile(99.9)) + " / " + ms(h.getMaxValue());
    }

    /** The report block of this run. */
    public String report() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-10s %9.0f handshakes/s  %d completed, %d errors, %d started in %.2f s, "
                        + "%.0f us CPU per handshake%n", label, perSecond(), completed, failed, started, elapsedNanos / 1e9,
                cpuMicrosPerHandshake()));
        b.append(String.format(Locale.ROOT, "%-10s latency ms p50 / p99 / p99.9 / max, to server close: %s%n", "",
                percentiles(toClose)));
        b.append(String.format(Locale.ROOT, "%-10s garbage collections: %d, %d ms%n", "", gcCount, gcMillis));
        b.append(String.format(Locale.ROOT, "%-10s latency ms p50 / p99 / p99.9 / max, to XFR/CVQ reply: %s%n", "",
                percentiles(toReply)));
        if (!byFamily.isEmpty()) {
            StringBuilder f = new StringBuilder();
            byFamily.forEach((k, v) -> f.append(f.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
            b.append(String.format(Locale.ROOT, "%-10s by family: %s%n", "", f));
        }
        if (failed > 0) {
            b.append(String.format(Locale.ROOT, "%-10s errors: %s%n", "", errors));
            for (String e : examples) {
                b.append(String.format(Locale.ROOT, "%-10s   e.g. %s%n", "", e));
            }
        }
        return b.toString();
    }
}
