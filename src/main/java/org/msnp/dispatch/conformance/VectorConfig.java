package org.msnp.dispatch.conformance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates the configuration vocabulary of vectors.txt ({@code self=…}, {@code ns=…},
 * {@code cvr.MSNMSGR=rec,rec2,min,dl,info}, …) into this server's YAML configuration, so that a
 * block can be replayed against a server configured as the block assumes. Besides the keys of
 * vectors.txt it knows the switches that select a block's alternatives: {@code dialect.case},
 * {@code ns.unavailable} and {@code out.reply}.
 */
public final class VectorConfig {
    /** The DEFAULTS of vectors.txt. */
    public static final Map<String, String> DEFAULTS = Map.of(
            "self", "10.0.0.1:1863",
            "ns", "10.0.0.5:1863",
            "dialects", "MSNP2..MSNP21",
            "ver.reply", "echo_cvr0",
            "inf.msnp8plus", "close",
            "cvr.unknown", "reject420",
            "xfr.state", "increment");

    private VectorConfig() {
    }

    /**
     * Whether {@code block} depends on configuration key {@code key}: always for its own
     * {@code @config}; for a default address ({@code ns}, {@code self}) only when an expected line
     * names it; for any other default, always.
     */
    public static boolean relies(Vectors.Block block, String key) {
        if (block.config().containsKey(key) || !(key.equals("ns") || key.equals("self"))) {
            return true;
        }
        String value = DEFAULTS.get(key);
        for (Vectors.Step s : block.steps()) {
            if (s instanceof Vectors.Step.Expect e && e.alternatives().stream().anyMatch(p -> p.text().contains(value))) {
                return true;
            }
            if (s instanceof Vectors.Step.Optional o && o.pattern().text().contains(value)) {
                return true;
            }
        }
        return false;
    }

    /** DEFAULTS overridden by {@code config}, in a stable order. */
    public static Map<String, String> effective(Map<String, String> config) {
        Map<String, String> all = new LinkedHashMap<>(new java.util.TreeMap<>(DEFAULTS));
        all.putAll(new java.util.TreeMap<>(config));
        return all;
    }

    /**
     * The YAML for a server listening on {@code listen} and configured as {@code config} (over the
     * DEFAULTS) says.
     *
     * @throws IllegalArgumentException for a key or value this server has no equivalent for
     */
    public static String toYaml(Map<String, String> config, String listen) {
        Map<String, String> c = effective(config);
        StringBuilder y = new StringBuilder();
        List<String> rules = new ArrayList<>();
        Map<String, String> protocol = new LinkedHashMap<>();
        Map<String, String> policy = new LinkedHashMap<>();
        y.append("listen: ").append(q(listen)).append('\n');
        y.append("admin:\n  listen: \"127.0.0.1:0\"\n");
        for (Map.Entry<String, String> e : c.entrySet()) {
            String k = e.getKey();
            String v = e.getValue();
            switch (k) {
                case "self" -> y.append("public-address: ").append(q(v)).append('\n');
                case "ns" -> {
                    y.append("notification-servers:\n  health-check:\n    enabled: false\n");
                    y.append("  targets: ").append(v.equals("none") ? "[]" : "[" + q(v) + "]").append('\n');
                }
                case "dialects" -> y.append("dialects: ").append(q(v)).append('\n');
                case "ver.reply" -> protocol.put("ver-reply", v.replace('_', '-'));
                case "dialect.case" -> protocol.put("dialect-names", "case-" + v);
                case "inf.msnp8plus" -> protocol.put("inf-in-msnp8-plus", v.equals("502") ? "error-502" : v);
                case "inf.msnp2" -> protocol.put("inf-msnp2", "[" + v + "]");
                case "ns.unavailable" -> protocol.put("no-notification-server", v);
                case "out.reply" -> protocol.put("out-reply", v);
                case "cvr0.fallback" -> protocol.put("cvr0-fallback", v);
                case "xfr.state" -> {
                    if (!v.equals("increment")) {
                        throw new IllegalArgumentException("xfr.state=" + v + " is not supported (only increment)");
                    }
                }
                case "handles.foreign" -> y.append("foreign-handles: [").append(q(v)).append("]\n");
                case "cvr.unknown" -> policy.put("unknown-clients", switch (v) {
                    case "reject420" -> "reject-420";
                    case "placeholder", "echo" -> v;
                    default -> throw new IllegalArgumentException("cvr.unknown=" + v + " is not one of reject420, placeholder, echo");
                });
                case "cvr.placeholder.urls", "cvr.echo.urls" -> {
                    String mode = k.equals("cvr.placeholder.urls") ? "placeholder" : "echo";
                    if (mode.equals(c.get("cvr.unknown"))) {
                        String[] urls = v.split(",", 2);
                        policy.put("unknown-download-url", q(urls[0]));
                        policy.put("unknown-info-url", q(urls.length > 1 ? urls[1] : urls[0]));
                    }
                }
                default -> {
                    if (!k.startsWith("cvr.")) {
                        throw new IllegalArgumentException("unknown vector configuration key '" + k + "'");
                    }
                    String[] f = v.split(",", 5);
                    if (f.length != 5) {
                        throw new IllegalArgumentException(k + " needs rec,rec2,min,download-url,info-url");
                    }
                    rules.add("    - library: " + q(k.substring(4)) + "\n      recommended: " + q(f[0])
                            + "\n      recommended-2: " + q(f[1]) + "\n      minimum: " + q(f[2])
                            + "\n      download-url: " + q(f[3]) + "\n      info-url: " + q(f[4]) + "\n");
                }
            }
        }
        if (!protocol.isEmpty()) {
            y.append("protocol:\n");
            protocol.forEach((k, v) -> y.append("  ").append(k).append(": ").append(v).append('\n'));
        }
        y.append("version-policy:\n");
        policy.forEach((k, v) -> y.append("  ").append(k).append(": ").append(v).append('\n'));
        y.append("  rules:").append(rules.isEmpty() ? " []\n" : "\n");
        rules.forEach(y::append);
        return y.toString();
    }

    private static String q(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
