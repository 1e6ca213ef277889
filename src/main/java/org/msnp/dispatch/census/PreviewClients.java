package org.msnp.dispatch.census;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msnp.dispatch.policy.PolicyPreview;

/** The census as the policy preview reads it: every client that answered CVR/CVQ, with its conversations. */
public final class PreviewClients {
    private PreviewClients() {
    }

    /**
     * The clients of {@code range}, summed over hours, nodes, transports, dialects and outcomes.
     * Conversations that never reported a client (no CVR/CVQ) are left out: no policy decides them.
     */
    public static List<PolicyPreview.Client> of(CensusQueries queries, CensusQueries.Range range) throws SQLException {
        Map<List<String>, long[]> sums = new LinkedHashMap<>();
        queries.rows(range, r -> {
            CensusKey k = r.key();
            if (k.library().equals("-")) {
                return;
            }
            sums.computeIfAbsent(List.of(k.library(), k.build(), k.osType(), k.locale()), x -> new long[1])[0] += r.conversations();
        });
        List<PolicyPreview.Client> out = new ArrayList<>();
        sums.forEach((k, n) -> out.add(new PolicyPreview.Client(k.get(0), k.get(1), k.get(2), k.get(3), n[0])));
        return out;
    }
}
