package org.msnp.dispatch.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.msnp.dispatch.app.Application;
import org.msnp.dispatch.config.ConfigLoader;
import org.msnp.dispatch.conformance.Vectors.Block;
import org.msnp.dispatch.gateway.GatewayClient;
import org.msnp.dispatch.gateway.GatewayPeer;

/**
 * The transcripts through the HTTP gateway: a real HTTP client against the real gateway listener
 * of a server started with the block's {@code @config}, expecting the same replies as over TCP.
 *
 * <p>Every block runs, including those written about framing: the gateway frames request bodies
 * exactly as the TCP listener frames its stream (docs/gateway.md), so the bare-LF (V033), bare-CR
 * (V034), pipelined (V024, V047, V053, P008) and split-line (P012) blocks hold with a request body
 * in place of a TCP segment. A block that really depended on the socket (a half-close, a reset, a
 * server writing before the client's first line) would be left out here, with its reason.
 */
class VectorsOverGatewayTest {
    private static final Map<String, Server> SERVERS = new HashMap<>();

    record Server(Application app, GatewayClient client) {
    }

    static synchronized Server server(Map<String, String> vectorConfig) throws Exception {
        String yaml = VectorConfig.toYaml(vectorConfig, "127.0.0.1:0") + "gateway:\n  enabled: true\n  listen: \"127.0.0.1:0\"\n";
        Server s = SERVERS.get(yaml);
        if (s == null) {
            Application app = Application.start(ConfigLoader.parse(yaml, "test"), record -> { });
            s = new Server(app, new GatewayClient(app.gatewayAddress().orElseThrow()));
            SERVERS.put(yaml, s);
        }
        return s;
    }

    @AfterAll
    static void stopServers() throws Exception {
        for (Server s : SERVERS.values()) {
            s.app().stopNow();
        }
        SERVERS.clear();
    }

    static Stream<DynamicTest> tests(List<Block> blocks) {
        return Variants.tests(blocks, (b, v) -> {
            try (GatewayPeer peer = new GatewayPeer(server(v.config(b)).client())) {
                return Runner.run(b, peer, VectorsOverTcpTest.TIMING, v.alternative());
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

    @Test
    void aWrongAlternativeFailsThroughTheGatewayToo() throws Exception {
        Block v003 = Variants.shippedVectors().stream().filter(b -> b.id().equals("V003")).findFirst().orElseThrow();
        Runner.Result r;
        try (GatewayPeer peer = new GatewayPeer(server(v003.config()).client())) {
            r = Runner.run(v003, peer, VectorsOverTcpTest.TIMING, 1);
        }
        assertThat(r.status()).isEqualTo(Runner.Status.FAIL);
        assertThat(r.detail()).contains("got 'VER 3 MSNP8 CVR0'");
    }
}
