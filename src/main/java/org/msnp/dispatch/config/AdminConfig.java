package org.msnp.dispatch.config;

/** The HTTP listener for {@code /metrics} and {@code /health}; loopback by default. */
public record AdminConfig(Boolean enabled, String listen) {
    static final AdminConfig DEFAULT = new AdminConfig(null, null);

    public AdminConfig {
        enabled = enabled == null || enabled;
        listen = listen != null ? listen : "127.0.0.1:9863";
        BindAddress.parse(listen);
    }

    public BindAddress listenAddress() {
        return BindAddress.parse(listen);
    }
}
