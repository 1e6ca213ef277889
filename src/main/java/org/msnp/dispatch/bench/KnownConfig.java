package org.msnp.dispatch.bench;

import org.msnp.dispatch.config.ConfigException;
import org.msnp.dispatch.config.ConfigLoader;
import org.msnp.dispatch.config.DispatchConfig;

/**
 * The configuration the bench gives the server it starts itself ({@code --self}): the one the
 * exact replies of {@link Mix} are written for. It speaks MSNP2..MSNP21 (the DEFAULTS of
 * vectors.txt), refers everybody to one Notification Server and names itself in
 * MSNP7–12 XFR; its version policy has three MSNMSGR rules, one with a per-language download URL
 * template and one with a per-locale URL table, so that CVR answers go through every branch of
 * the URL resolution.
 */
public final class KnownConfig {
    public static final String NS = "10.0.0.5:1863";
    public static final String SELF = "10.0.0.1:1863";

    private KnownConfig() {
    }

    /**
     * @param listen      {@code host:port} to listen on
     * @param idleTimeout how long a connection may stay silent after VER (the idle-connection test
     *                    holds connections longer than the default 60 s)
     */
    public static String yaml(String listen, String idleTimeout) {
        return yaml(listen, idleTimeout, null);
    }

    /**
     * @param closeLinger the server's {@code limits.close-linger}; null for its default. Only for
     *                    experiments: it changes nothing on the wire when clients close promptly.
     */
    public static String yaml(String listen, String idleTimeout, String closeLinger) {
        String linger = closeLinger == null ? "" : "  close-linger: \"" + closeLinger + "\"\n";
        return """
                listen: "%s"
                public-address: "%s"
                dialects: "MSNP2..MSNP21"
                notification-servers:
                  selection: round-robin
                  health-check:
                    enabled: false
                  targets: ["%s"]
                admin:
                  enabled: false
                limits:
                  idle-timeout: "%s"
                  max-connections: 1000000
                  max-connections-per-ip: 1000000
                %sversion-policy:
                  unknown-clients: reject-420
                  rules:
                    - library: MSNMSGR
                      below: "8.0"
                      recommended: "7.5.0324"
                      minimum: "5.0.0537"
                      download-url: "http://download.example.net/msn/7.5/setup.exe"
                      info-url: "http://messenger.example.net"
                    - library: MSNMSGR
                      from: "8.0"
                      below: "14.0"
                      recommended: "8.5.1302.1018"
                      minimum: "8.0.0787"
                      download-url: "http://download.example.net/wlm/8.5/{lang}/Install_Messenger.exe"
                      info-url: "http://messenger.example.net/wlm"
                    - library: MSNMSGR
                      from: "14.0"
                      recommended: "15.4.3508.1109"
                      minimum: "14.0.8117.0416"
                      download-url: "http://download.example.net/wlm/2011/wlsetup.exe"
                      download-urls:
                        "0x0407": "http://download.example.net/wlm/2011/de-de/wlsetup.exe"
                      info-url: "http://messenger.example.net/wlm"
                """.formatted(listen, SELF, NS, idleTimeout, linger);
    }

    public static DispatchConfig config(String listen, String idleTimeout) {
        return config(listen, idleTimeout, null);
    }

    public static DispatchConfig config(String listen, String idleTimeout, String closeLinger) {
        try {
            return ConfigLoader.parse(yaml(listen, idleTimeout, closeLinger), "bench known configuration");
        } catch (ConfigException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
