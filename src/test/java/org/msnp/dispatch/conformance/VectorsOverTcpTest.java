package org.msnp.dispatch.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.msnp.dispatch.app.Application;
import org.msnp.dispatch.config.ConfigLoader;
import org.msnp.dispatch.config.DispatchConfig;
import org.msnp.dispatch.conformance.Vectors.Block;

/**
 * Every transcript over a real TCP socket, against a real server started with the block's
 * {@code @config} (one server per distinct configuration, on a port the system picks).
 */
class VectorsOverTcpTest {
    static final Runner.Timing TIMING = new Runner.Timing(Duration.ofSeconds(3), Duration.ofMillis(300),
            Duration.ofMillis(200), Duration.ofSeconds(3));
    private static final Map<String, Application> SERVERS = new HashMap<>();

    static synchronized Application server(Map<String, String> vectorConfig) throws Exception {
        String yaml = VectorConfig.toYaml(vectorConfig, "127.0.0.1:0");
        Application app = SERVERS.get(yaml);
        if (app == null) {
            DispatchConfig config = ConfigLoader.parse(yaml, "test");
            app = Application.start(config, record -> { });
            SERVERS.put(yaml, app);
        }
        return app;
    }

    @AfterAll
    static void stopServers() throws Exception {
        for (Application app : SERVERS.values()) {
            app.stopNow();
        }
        SERVERS.clear();
    }

    static Stream<DynamicTest> tests(List<Block> blocks) {
        return Variants.tests(blocks, (b, v) -> {
            try (SocketPeer peer = new SocketPeer(server(v.config(b)).tcpAddress(), Duration.ofSeconds(3))) {
                return Runner.run(b, peer, TIMING, v.alternative());
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> vectorsTxt() throws Exception {
        return tests(Variants.shippedVectors());
    }

    @TestFactory
    Stream<DynamicTest> projectVectors() throws Exception {
        return tests(Variants.projectVectors());
    }
}
