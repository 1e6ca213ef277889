package org.msnp.dispatch.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Failed logins per address: five within a minute shut the address out for the rest of it. */
class LoginLimiterTest {
    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final LoginLimiter limiter = new LoginLimiter(5, Duration.ofMinutes(1), now::get);

    void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void fiveFailuresWithinTheWindowBlockUntilItEnds() {
        for (int i = 1; i <= 4; i++) {
            assertThat(limiter.failed("192.0.2.1")).isEqualTo(i);
            assertThat(limiter.blockedSeconds("192.0.2.1")).isZero();
        }
        advance(Duration.ofSeconds(20));
        assertThat(limiter.failed("192.0.2.1")).isEqualTo(5);
        assertThat(limiter.blockedSeconds("192.0.2.1")).isEqualTo(40);
        assertThat(limiter.blockedSeconds("192.0.2.2")).as("another address").isZero();
        advance(Duration.ofSeconds(40));
        assertThat(limiter.blockedSeconds("192.0.2.1")).isZero();
        assertThat(limiter.failed("192.0.2.1")).as("a new window").isEqualTo(1);
    }

    @Test
    void failuresSpreadOverMoreThanAWindowDoNotBlock() {
        for (int i = 0; i < 20; i++) {
            limiter.failed("192.0.2.1");
            advance(Duration.ofSeconds(15));
            if (i % 4 == 3) {
                assertThat(limiter.blockedSeconds("192.0.2.1")).isZero();
            }
        }
    }

    @Test
    void aSuccessClearsTheCount() {
        for (int i = 0; i < 4; i++) {
            limiter.failed("192.0.2.1");
        }
        limiter.succeeded("192.0.2.1");
        assertThat(limiter.failed("192.0.2.1")).isEqualTo(1);
    }

    @Test
    void ipv6AddressesCountPerSlash64() {
        for (int i = 0; i < 5; i++) {
            limiter.failed("2001:db8:1:2::" + Integer.toHexString(i + 1));
        }
        assertThat(limiter.blockedSeconds("2001:db8:1:2:ffff::9")).as("same /64").isPositive();
        assertThat(limiter.blockedSeconds("2001:db8:1:3::1")).as("another /64").isZero();
        assertThat(LoginLimiter.key("::ffff:192.0.2.7")).isEqualTo("192.0.2.7");
    }
}
