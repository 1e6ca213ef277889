package org.msnp.dispatch.config;

/** The HTTP listener for {@code /metrics} and {@code /health}; loopback by default. */
public record AdminConfig(Boolean enabled, BindAddress listen) {
    static final AdminConfig DEFAULT = new AdminConfig(null, null);

    public AdminConfig {
        enabled = enabled == null || enabled;
        listen = listen != null ? listen : BindAddress.parse("127.0.0.1:9863");
    }
}
