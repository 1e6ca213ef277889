package org.msnp.dispatch.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Which top-level keys several nodes share through a published policy, and which stay in each
 * node's own file (docs/scaling.md, "Which keys are shared"). The shared keys say how every node
 * answers a client; the node-local ones say how this machine listens, limits, reports and
 * stores.
 */
public final class SharedKeys {
    /** The keys a published policy holds, in the order the documentation lists them. */
    public static final List<String> SHARED = List.of("version-policy", "dialects", "protocol", "notification-servers",
            "foreign-handles");

    private static final YAMLMapper YAML = new YAMLMapper();

    private SharedKeys() {
    }

    /**
     * The configuration a node runs: {@code local}'s node-local keys with {@code published}'s
     * shared keys. A shared key the published document leaves out takes its default, not the
     * local file's value: every node runs the same policy.
     */
    public static DispatchConfig merge(DispatchConfig local, DispatchConfig published) {
        return new DispatchConfig(local.listen(), local.proxyProtocol(), local.proxyProtocolTrusted(), local.publicAddress(),
                published.dialects(), published.protocol(), published.notificationServers(), published.foreignHandles(),
                published.versionPolicy(), local.limits(), local.admin(), local.gateway(), local.census(),
                local.policySource(), local.membership(), local.transport());
    }

    /** A node-local key found in a document meant to be published, with its line (0: unknown). */
    public record LocalKey(String key, int line) {
    }

    /**
     * The node-local top-level keys {@code text} sets, in the order written. The text must
     * already have loaded ({@link ConfigLoader#parse}); an empty document sets none.
     */
    public static List<LocalKey> localKeysIn(String text) {
        List<LocalKey> found = new ArrayList<>();
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JacksonException e) {
            return found;
        }
        if (root == null || !root.isObject()) {
            return found;
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String key = names.next();
            if (!SHARED.contains(key)) {
                found.add(new LocalKey(key, KeyLines.find(text, List.of(key))));
            }
        }
        return found;
    }

    /**
     * Refuses a document meant to be published that sets a node-local key: the first such key,
     * as one line naming the source, the line and the key.
     */
    public static void requireSharedOnly(String text, String source) throws ConfigException {
        List<LocalKey> local = localKeysIn(text);
        if (!local.isEmpty()) {
            LocalKey k = local.get(0);
            throw new ConfigException(source, k.line(), k.key(), "a node-local key cannot be published: set it in each node's"
                    + " own file; a published policy holds only " + String.join(", ", SHARED) + " (docs/scaling.md)");
        }
    }
}
