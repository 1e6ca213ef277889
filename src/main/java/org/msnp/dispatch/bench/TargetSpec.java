package org.msnp.dispatch.bench;

import java.net.InetSocketAddress;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.msnp.dispatch.protocol.HostPort;

/**
 * One server of a {@code bench targets} run.
 *
 * @param name   what it is called in the report
 * @param pid    the local process whose CPU time and memory are read, if known
 * @param exact  its replies are checked byte for byte (it runs the {@link KnownConfig}, or is the
 *               ceiling), else by shape
 * @param origin how it came to be (a started process, or given on the command line)
 */
record TargetSpec(String name, InetSocketAddress address, OptionalLong pid, boolean exact, String origin) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,32}");
    private static final Pattern WITH_PID = Pattern.compile("(.+:\\d+):(\\d+)");

    /**
     * {@code NAME=HOST:PORT[:PID]}.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static TargetSpec parse(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("--target wants NAME=HOST:PORT[:PID], got '" + text + "'");
        }
        String name = checkName(text.substring(0, eq));
        String rest = text.substring(eq + 1);
        OptionalLong pid = OptionalLong.empty();
        Matcher m = WITH_PID.matcher(rest);
        if (m.matches()) {
            rest = m.group(1);
            pid = OptionalLong.of(Long.parseLong(m.group(2)));
        }
        HostPort hp = HostPort.parse(rest);
        return new TargetSpec(name, new InetSocketAddress(hp.host(), hp.port()), pid, false,
                "given" + (pid.isPresent() ? ", pid " + pid.getAsLong() : ", no pid: no server CPU or memory"));
    }

    static String checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a target name is 1-32 letters, digits, '.', '_' or '-', got '" + name + "'");
        }
        return name;
    }
}
