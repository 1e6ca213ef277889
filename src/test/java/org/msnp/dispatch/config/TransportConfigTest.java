package org.msnp.dispatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.msnp.dispatch.net.Transport;

/** The node-local key {@code transport}: which socket transport the listeners run on. */
class TransportConfigTest {
    static DispatchConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "dispatch.yaml");
    }

    @ParameterizedTest(name = "transport: {0}")
    @ValueSource(strings = {"auto", "io_uring", "epoll", "nio"})
    void eachValueParses(String value) throws Exception {
        assertThat(parse("listen: 127.0.0.1:0\ntransport: " + value + "\n").transport().label()).isEqualTo(value);
        assertThat(parse("transport: \"" + value + "\"\n").transport()).isEqualTo(new TransportName(value));
    }

    @Test
    void theDefaultIsAuto() throws Exception {
        assertThat(DispatchConfig.defaults().transport()).isEqualTo(TransportName.AUTO);
        assertThat(parse("listen: 127.0.0.1:0\n").transport().label()).isEqualTo("auto");
    }

    @Test
    void everyValueButAutoIsATransportTheServerKnows() {
        assertThat(TransportName.KNOWN).first().isEqualTo("auto");
        for (String name : TransportName.KNOWN.subList(1, TransportName.KNOWN.size())) {
            assertThat(Transport.parse(name).label()).isEqualTo(name);
        }
        assertThat(TransportName.KNOWN).hasSize(Transport.values().length + 1);
    }

    @ParameterizedTest(name = "transport: {0}")
    @ValueSource(strings = {"uring", "io-uring", "IO_URING", "Epoll", "kqueue", "''"})
    void aBadValueIsOneLineNamingFileLineAndKey(String value) {
        assertThatThrownBy(() -> parse("listen: 127.0.0.1:0\nlimits: {close-wait: 5s}\ntransport: " + value + "\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("dispatch.yaml:3: transport: '" + (value.equals("''") ? "" : value)
                        + "' is not a transport: write auto, io_uring, epoll or nio");
    }

    @Test
    void aListIsNotATransport() {
        assertThatThrownBy(() -> parse("transport: [epoll, nio]\n"))
                .hasMessage("dispatch.yaml:1: transport: expected one value, not a list or mapping");
    }

    @Test
    void itIsNodeLocal() throws Exception {
        String text = "listen: 127.0.0.1:0\ntransport: io_uring\n";
        assertThat(SharedKeys.SHARED).doesNotContain("transport");
        assertThat(SharedKeys.localKeysIn(text)).contains(new SharedKeys.LocalKey("transport", 2));
        assertThatThrownBy(() -> SharedKeys.requireSharedOnly("transport: epoll\n", "policy.yaml"))
                .hasMessageStartingWith("policy.yaml:1: transport: a node-local key cannot be published");
        // a node runs its own file's transport whatever a published document says
        DispatchConfig local = parse(text);
        DispatchConfig published = parse("transport: nio\ndialects: MSNP8\n");
        DispatchConfig running = SharedKeys.merge(local, published);
        assertThat(running.transport().label()).isEqualTo("io_uring");
        assertThat(running.dialects()).isEqualTo(published.dialects());
        assertThat(running.listen()).isEqualTo(local.listen());
    }
}
