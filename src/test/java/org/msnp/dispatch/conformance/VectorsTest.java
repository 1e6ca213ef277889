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
import org.msnp.dispatch.net.Transport;
import org.msnp.dispatch.net.Transports;

/**
 * Every transcript of vectors.txt and of the project's own, on every way to reach the server: the
 * conversation in-process (no sockets), a real TCP socket, and a real HTTP client through the
 * gateway, each against a server started with the block's {@code @config} (one server per
 * distinct configuration, on ports the system picks); the socket runs on every transport
 * (io_uring, epoll, nio), each chosen by the server's {@code transport} key.
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

        /** A client for {@code b}; over a socket, to a server on {@code transport}. */
        Peer open(Block b, Map<String, String> vectorConfig, Transport transport) throws Exception {
            return switch (this) {
                case IN_PROCESS -> {
                    DispatchConfig config = ConfigLoader.parse(VectorConfig.toYaml(vectorConfig, "127.0.0.1:0"), b.id());
                    yield new InProcessPeer(Wiring.snapshot(config), config.publicHostPort().orElseThrow());
                }
                case TCP -> new SocketPeer(server(vectorConfig, transport).app().tcpAddress(), Duration.ofSeconds(3));
                case GATEWAY -> new GatewayPeer(server(vectorConfig, transport).gateway());
            };
        }

        String label() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    /** A running server and an HTTP client (one connection pool) for its gateway. */
    record Server(Application app, GatewayClient gateway) {
    }

    private static final Map<String, Server> SERVERS = new HashMap<>();

    /**
     * A server for a block's configuration on {@code transport} (its configuration key, not the
     * JVM-wide property), with its TCP listener and its gateway. The servers of one transport are
     * stopped when the first of another is asked for: the transports run one after the other.
     */
    static synchronized Server server(Map<String, String> vectorConfig, Transport transport) throws Exception {
        Transports.require(transport);
        String yaml = VectorConfig.toYaml(vectorConfig, "127.0.0.1:0") + "gateway:\n  enabled: true\n  listen: \"127.0.0.1:0\"\n"
                + Transports.yaml(transport);
        if (transport != Transport.best()) {
            // The census database and the admin listener change no byte on the wire: the servers
            // of the default transport run them, the others leave them out (starting them would
            // take most of the time of forty-odd servers per transport).
            yaml = yaml.replace("admin:\n  listen: \"127.0.0.1:0\"\n", "admin:\n  enabled: false\n") + "census:\n  enabled: false\n";
        }
        Server s = SERVERS.get(yaml);
        if (s == null) {
            if (!SERVERS.isEmpty() && SERVERS.values().iterator().next().app().transport() != transport) {
                stopServers();
            }
            Application app = Application.start(ConfigLoader.parse(yaml, "test"), record -> { });
            s = new Server(app, new GatewayClient(app.gatewayAddress().orElseThrow()));
            SERVERS.put(yaml, s);
            Transports.assertRuns(app.transport(), transport);
        }
        return s;
    }

    @AfterAll
    static synchronized void stopServers() throws Exception {
        for (Server s : SERVERS.values()) {
            s.app().stopNow();
        }
        SERVERS.clear();
    }

    static Runner.Result run(Via via, Transport transport, Block b, Variants.Variant v) throws Exception {
        try (Peer peer = via.open(b, v.config(b), transport)) {
            return Runner.run(b, peer, via == Via.IN_PROCESS ? Runner.Timing.standard() : TIMING, v.alternative());
        }
    }

    /**
     * Every transcript in-process, then over TCP and through the gateway on each socket transport
     * ({@code tcp on io_uring}, {@code gateway on io_uring}, {@code tcp on epoll}, …).
     */
    @TestFactory
    Stream<DynamicNode> everyTranscriptOnEveryTransport() throws Exception {
        List<Block> blocks = new ArrayList<>(Variants.shippedVectors());
        blocks.addAll(Variants.projectVectors());
        List<DynamicNode> nodes = new ArrayList<>();
        nodes.add(DynamicContainer.dynamicContainer(Via.IN_PROCESS.label(),
                Variants.tests(blocks, (b, v) -> run(Via.IN_PROCESS, null, b, v))));
        for (Transport t : Transport.values()) {
            for (Via via : List.of(Via.TCP, Via.GATEWAY)) {
                String name = via.label() + " on " + t.label();
                nodes.add(DynamicContainer.dynamicContainer(name, Variants.tests(blocks, (b, v) -> {
                    Runner.Result r = run(via, t, b, v);
                    // a failure says where it happened, whatever the report calls the test
                    return new Runner.Result(r.block(), r.status(), name + ": " + r.detail(), r.matched());
                })));
            }
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
            Runner.Result r = run(via, Transport.best(), v003, new Variants.Variant("wrong", Map.of(), 1));
            assertThat(r.status()).as(via.name()).isEqualTo(Runner.Status.FAIL);
            assertThat(r.detail()).contains("got 'VER 3 MSNP8 CVR0'");
        }
    }
}
