package org.msnp.dispatch.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The transcripts the server ships are the shared protocol notes' transcripts, byte for byte. */
class ShippedVectorsTest {
    private static final Path SHIPPED = Path.of("src/main/resources/msnp/vectors.txt");
    private static final Path SHARED = Path.of("../shared/protocol/vectors.txt");

    @Test
    void shippedVectorsAreTheSharedOnes() throws Exception {
        // the project's shared notes lie beside every checkout (CI included): a missing copy fails, never skips
        assertThat(Files.isRegularFile(SHARED)).as("the shared transcripts at %s", SHARED.toAbsolutePath().normalize()).isTrue();
        byte[] shipped = Files.readAllBytes(SHIPPED);
        byte[] shared = Files.readAllBytes(SHARED);
        assertThat(new String(shipped, java.nio.charset.StandardCharsets.UTF_8))
                .as("%s must be a copy of %s", SHIPPED, SHARED)
                .isEqualTo(new String(shared, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(shipped).isEqualTo(shared);
    }

    @Test
    void theClasspathCopyIsTheShippedFile() throws Exception {
        byte[] shipped = Files.readAllBytes(SHIPPED);
        try (var in = ShippedVectorsTest.class.getClassLoader().getResourceAsStream("msnp/vectors.txt")) {
            assertThat(in).isNotNull();
            assertThat(in.readAllBytes()).isEqualTo(shipped);
        }
    }
}
