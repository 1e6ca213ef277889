package org.msnp.dispatch.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.msnp.dispatch.app.Application;
import org.msnp.dispatch.app.Wiring;
import org.msnp.dispatch.config.ConfigLoader;
import org.msnp.dispatch.config.DispatchConfig;
import org.msnp.dispatch.conformance.Vectors.Block;
import org.msnp.dispatch.gateway.GatewayClient;
import org.msnp.dispatch.gateway.GatewayPeer;

/**
 * Every transcript of vectors.txt and of the project's own, on every way to reach the server: the
 * conversation in-process (no sockets), a real TCP socket, and a real HTTP client through the
 * gateway, each against a server started with the block's {@code @config} (one server per
 * distinct configuration, on ports the system picks).
 *
 * <p>Every block runs through the gateway too, including those written about framing: request
 * bodies are framed by the same conversation as the TCP stream, so the bare-LF (V033), bare-CR
 * (V034), pipelined (V024, V047, V053, P008) and split-line (P012) blocks hold with a request body
 * in place of a TCP segment.
 */
class VectorsTest {
    static final Runner.Timing TIMING = new Runner.Timing(Duration.ofSeconds(3), Duration.ofMillis(300),
            Duration.ofMillis(200), Duration.ofSeconds(3));

    /** The ways to reach the server. */
    enum Via {
        IN_PROCESS, TCP, GATEWAY;

        Peer open(Block b, Map<String, String> vectorConfig) throws Exception {
            return switch (this) {
                case IN_PROCESS -> {
                    DispatchConfig config = ConfigLoader.parse(VectorConfig.toYaml(vectorConfig, "127.0.0.1:0"), b.id());
                    yield new InProcessPeer(Wiring.snapshot(config), config.publicHostPort().orElseThrow());
                }
                case TCP -> new SocketPeer(server(vectorConfig).app().tcpAddress(), Duration.ofSeconds(3));
                case GATEWAY -> new GatewayPeer(server(vectorConfig).gateway());
            };
        }
    }

    /** A running server and an HTTP client (one connection pool) for its gateway. */
    record Server(Application app, GatewayClient gateway) {
    }

    private static final Map<String, Server> SERVERS = new HashMap<>();

    /** A server for a block's configuration, with its TCP listener and its gateway. */
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

    static Runner.Result run(Via via, Block b, Variants.Variant v) throws Exception {
        try (Peer peer = via.open(b, v.config(b))) {
            return Runner.run(b, peer, via == Via.IN_PROCESS ? Runner.Timing.standard() : TIMING, v.alternative());
        }
    }

    @TestFactory
    Stream<DynamicNode> everyTranscriptOnEveryTransport() throws Exception {
        List<Block> blocks = new ArrayList<>(Variants.shippedVectors());
        blocks.addAll(Variants.projectVectors());
        List<DynamicNode> nodes = new ArrayList<>();
        for (Via via : Via.values()) {
            nodes.add(DynamicContainer.dynamicContainer(via.name().toLowerCase().replace('_', '-'),
                    Variants.tests(blocks, (b, v) -> run(via, b, v))));
        }
        return nodes.stream();
    }

    @Test
    void everyBlockOfVectorsTxtIsCovered() throws Exception {
        List<Block> blocks = Variants.shippedVectors();
        assertThat(blocks).hasSize(56);
        assertThat(blocks.get(0).id()).isEqualTo("V001");
        assertThat(blocks.get(55).id()).isEqualTo("V056");
    }

    @Test
    void aWrongAlternativeFailsOnEveryTransport() throws Exception {
        Block v003 = Variants.shippedVectors().stream().filter(b -> b.id().equals("V003")).findFirst().orElseThrow();
        for (Via via : Via.values()) {
            // The default configuration echoes CVR0; demanding the single form must fail.
            Runner.Result r = run(via, v003, new Variants.Variant("wrong", Map.of(), 1));
            assertThat(r.status()).as(via.name()).isEqualTo(Runner.Status.FAIL);
            assertThat(r.detail()).contains("got 'VER 3 MSNP8 CVR0'");
        }
    }
}
