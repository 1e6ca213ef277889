package org.msnp.dispatch.policy;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.msnp.dispatch.protocol.ClientInfo;
import org.msnp.dispatch.protocol.ClientVersion;

/**
 * One entry of the version policy: which clients it covers and what it answers them.
 * Empty optional criteria match everything. {@code from} is inclusive, {@code below} exclusive.
 *
 * @param library requesting library (cvq-cvr.md §2 #5), case-insensitive; {@code *} for any
 */
public record Rule(String library, List<String> osTypes, List<String> archs, List<Integer> locales,
                   Optional<ClientVersion> from, Optional<ClientVersion> below,
                   ClientVersion recommended, ClientVersion recommended2, ClientVersion minimum,
                   DownloadUrl downloadUrl, String infoUrl) {

    public static final String ANY_LIBRARY = "*";

    public Rule {
        osTypes = List.copyOf(osTypes);
        archs = List.copyOf(archs);
        locales = List.copyOf(locales);
        if (from.isPresent() && below.isPresent() && !from.get().isBelow(below.get())) {
            throw new IllegalArgumentException("client-versions: from " + from.get() + " is not below " + below.get());
        }
        if (recommended.isBelow(minimum)) {
            throw new IllegalArgumentException("minimum " + minimum + " is above recommended " + recommended);
        }
    }

    /** A rule for every build of {@code library}, on every system and locale. */
    public static Rule forLibrary(String library, String recommended, String recommended2, String minimum,
                                  String downloadUrl, String infoUrl) {
        return new Rule(library, List.of(), List.of(), List.of(), Optional.empty(), Optional.empty(),
                ClientVersion.of(recommended), ClientVersion.of(recommended2), ClientVersion.of(minimum),
                DownloadUrl.fixed(downloadUrl), infoUrl);
    }

    boolean hasVersionRange() {
        return from.isPresent() || below.isPresent();
    }

    /** The criteria other than library and version; allocation-free. */
    boolean matchesPlatform(ClientInfo c, int[] sortedLocales) {
        return matchesAny(osTypes, c.osType()) && matchesAny(archs, c.arch())
                && (sortedLocales.length == 0 || Arrays.binarySearch(sortedLocales, c.locale()) >= 0);
    }

    private static boolean matchesAny(List<String> accepted, String value) {
        if (accepted.isEmpty()) {
            return true;
        }
        for (int i = 0, n = accepted.size(); i < n; i++) {
            if (accepted.get(i).equalsIgnoreCase(value)) {
                return true;
            }
        }
        return false;
    }
}
