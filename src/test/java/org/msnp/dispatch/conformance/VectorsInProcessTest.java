package org.msnp.dispatch.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.msnp.dispatch.app.Contexts;
import org.msnp.dispatch.config.ConfigLoader;
import org.msnp.dispatch.config.DispatchConfig;
import org.msnp.dispatch.conformance.Vectors.Block;
import org.msnp.dispatch.protocol.HostPort;
import org.msnp.dispatch.session.DispatchContext;

/** Every transcript of vectors.txt (and the project's own) against the session core, no sockets. */
class VectorsInProcessTest {

    static Runner.Result run(Block b, Variants.Variant v) throws Exception {
        DispatchConfig config = ConfigLoader.parse(VectorConfig.toYaml(v.config(b), "127.0.0.1:0"), b.id());
        DispatchContext ctx = Contexts.of(config, Contexts.pool(config));
        HostPort current = config.publicHostPort().orElseThrow();
        try (InProcessPeer peer = new InProcessPeer(ctx, current)) {
            return Runner.run(b, peer, Runner.Timing.standard(), v.alternative());
        }
    }

    static Stream<DynamicTest> tests(List<Block> blocks) {
        return Variants.tests(blocks, VectorsInProcessTest::run);
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
    void everyBlockOfVectorsTxtIsCovered() throws Exception {
        List<Block> blocks = Variants.shippedVectors();
        assertThat(blocks).hasSize(56);
        assertThat(blocks.get(0).id()).isEqualTo("V001");
        assertThat(blocks.get(55).id()).isEqualTo("V056");
    }

    @Test
    void aWrongAlternativeFails() throws Exception {
        Block v003 = Variants.shippedVectors().stream().filter(b -> b.id().equals("V003")).findFirst().orElseThrow();
        // The default configuration echoes CVR0; demanding the single form must fail.
        Runner.Result r = run(v003, new Variants.Variant("wrong", java.util.Map.of(), 1));
        assertThat(r.status()).isEqualTo(Runner.Status.FAIL);
        assertThat(r.detail()).contains("got 'VER 3 MSNP8 CVR0'");
    }
}
