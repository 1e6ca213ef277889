package org.msnp.dispatch.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Running a test on every socket transport. A server under test is given its transport by the
 * configuration key {@code transport}, never by the JVM-wide {@link Transport#PROPERTY}, so that
 * tests stay independent of each other. A transport this machine cannot run fails the test with
 * the reason: the machines the tests run on (this one, CI's Debian) have all three, and a silent
 * skip would hide a transport that stopped working.
 */
public final class Transports {
    private Transports() {
    }

    /** Every transport, named by its configuration value ({@code io_uring}, {@code epoll}, {@code nio}). */
    public static Stream<Arguments> all() {
        return Arrays.stream(Transport.values()).map(t -> Arguments.of(Named.of(t.label(), t)));
    }

    /** A test run once per transport, named {@code on io_uring} and so on; it takes the {@link Transport}. */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @ParameterizedTest(name = "on {0}")
    @MethodSource("org.msnp.dispatch.net.Transports#all")
    public @interface OnEveryTransport {
    }

    /** {@code t}; fails the test, with the reason, when this machine cannot run it. */
    public static Transport require(Transport t) {
        if (!t.isAvailable()) {
            fail("the " + t.label() + " transport is not available on this machine: " + t.unavailableReason()
                    + " (every transport is tested; none is skipped)");
        }
        return t;
    }

    /** The configuration line that selects {@code t}. */
    public static String yaml(Transport t) {
        return "transport: " + t.label() + "\n";
    }

    /** Fails unless a server configured for {@code asked} runs it. */
    public static void assertRuns(Transport running, Transport asked) {
        assertThat(running).as("the transport of a server configured with 'transport: %s'%s", asked.label(),
                System.getProperty(Transport.PROPERTY) != null ? " (-D" + Transport.PROPERTY + " is set and overrides it)" : "")
                .isEqualTo(asked);
    }
}
