package org.msnp.dispatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The {@code census:} block. */
class CensusConfigTest {

    @Test
    void withoutABlockTheCensusIsOnInAnH2FileUnderData() throws Exception {
        CensusConfig c = ConfigLoader.parse("listen: 127.0.0.1:0\n", "t.yaml").census();
        assertThat(c.enabled()).isTrue();
        // "data" unless the JVM says otherwise (the test run keeps it under target/)
        String dataDir = System.getProperty("msnp.census.data-dir", "data");
        assertThat(c.dataDir()).isEqualTo(dataDir);
        assertThat(c.h2File()).isEqualTo(Path.of(dataDir).toAbsolutePath().normalize().resolve("census"));
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:h2:file:" + c.h2File() + ";DB_CLOSE_ON_EXIT=FALSE");
        assertThat(c.nodeName()).isEmpty();
        assertThat(c.user()).isEmpty();
        assertThat(c.flushInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.maxKeysPerHour()).isEqualTo(2000);
        assertThat(c.maxPendingKeys()).isEqualTo(100_000);
        assertThat(c.hourlyRetention()).isEqualTo(Duration.ofDays(35));
        assertThat(DispatchConfig.defaults().census()).isEqualTo(c);
    }

    @Test
    void everyKeyIsRead() throws Exception {
        CensusConfig c = ConfigLoader.parse("""
                census:
                  enabled: true
                  database-url: jdbc:postgresql://db.example.net/msnp
                  data-dir: /var/lib/msnp-dispatch
                  username: msnp
                  password: s3cret
                  node: dispatch-1.example.net
                  flush-interval: 5s
                  max-keys-per-hour: 500
                  max-pending-keys: 20000
                  hourly-retention: 90d
                """, "t.yaml").census();
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.net/msnp");
        assertThat(c.user()).contains("msnp");
        assertThat(c.secret()).contains("s3cret");
        assertThat(c.nodeName()).contains("dispatch-1.example.net");
        assertThat(c.flushInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.maxKeysPerHour()).isEqualTo(500);
        assertThat(c.maxPendingKeys()).isEqualTo(20_000);
        assertThat(c.hourlyRetention()).isEqualTo(Duration.ofDays(90));
        assertThat(c.toString()).doesNotContain("s3cret");
        assertThat(ConfigLoader.parse("census: {enabled: false}\n", "t.yaml").census().enabled()).isFalse();
    }

    @Test
    void aBadValueNamesItsKeyAndLine() {
        assertThatThrownBy(() -> ConfigLoader.parse("listen: 127.0.0.1:0\ncensus:\n  max-keys-per-hour: 0\n", "t.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("t.yaml:3: census.max-keys-per-hour: max-keys-per-hour must be 1..1000000, got 0");
        assertThatThrownBy(() -> ConfigLoader.parse("census:\n  max-keys-per-hour: 5000\n  max-pending-keys: 9000\n", "t.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("t.yaml:3: census.max-pending-keys: max-pending-keys must be at least twice");
        assertThatThrownBy(() -> ConfigLoader.parse("census:\n  database-url: mysql://db/x\n", "t.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("t.yaml:2: census.database-url: database-url must be a jdbc:h2: or jdbc:postgresql: URL");
        assertThatThrownBy(() -> ConfigLoader.parse("census:\n  node: \"<b>x</b>\"\n", "t.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("t.yaml:2: census.node: node must be 1-64");
        assertThatThrownBy(() -> ConfigLoader.parse("census:\n  hourly-retention: 12h\n", "t.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("t.yaml:2: census.hourly-retention: hourly-retention must be at least 1d, got 12h");
        assertThatThrownBy(() -> ConfigLoader.parse("census:\n  flush-interval: 10ms\n", "t.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("census.flush-interval: flush-interval must be 100ms..1h");
        assertThatThrownBy(() -> ConfigLoader.parse("census:\n  flush-interval: soon\n", "t.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'soon' is not a duration: write e.g. 500ms, 60s, 2m, 1h or 35d");
        assertThatThrownBy(() -> ConfigLoader.parse("census:\n  enabled: true\n  retention: 5d\n", "t.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("t.yaml:3: census.retention: unknown key")
                .hasMessageContaining("hourly-retention");
    }

    @Test
    void durationsCountDays() {
        assertThat(Durations.parse("35d")).isEqualTo(Duration.ofDays(35));
        assertThat(Durations.format(Duration.ofDays(35))).isEqualTo("35d");
        assertThat(Durations.format(Duration.ofHours(25))).isEqualTo("25h");
    }
}
