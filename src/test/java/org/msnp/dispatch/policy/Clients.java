package org.msnp.dispatch.policy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.msnp.dispatch.protocol.ClientInfo;
import org.msnp.dispatch.protocol.ClientVersion;
import org.msnp.dispatch.protocol.Lcid;

/** Builders for policy tests: clients as CVR reports them, rules as an operator writes them. */
final class Clients {
    private Clients() {
    }

    static ClientInfo cvr(String line) {
        ClientInfo.Reading r = ClientInfo.read(List.of(line.split(" ")));
        if (r instanceof ClientInfo.Valid v) {
            return v.info();
        }
        throw new IllegalArgumentException(line + " is not a valid CVR: " + r);
    }

    static ClientInfo client(String library, String version) {
        return cvr("0x0409 winnt 5.1 i386 " + library + " " + version + " MSMSGS a@example.com");
    }

    static ClientInfo client(int lcid, String os, String arch, String library, String version) {
        return cvr(Lcid.format(lcid) + " " + os + " 5.1 " + arch + " " + library + " " + version);
    }

    /** A rule as the config loader would build it; {@code from}/{@code below} may be null. */
    static Rule rule(String library, String from, String below, String recommended, String minimum, String info) {
        return rule(library, List.of(), List.of(), List.of(), from, below, recommended, minimum, info);
    }

    static Rule rule(String library, List<String> os, List<String> archs, List<Integer> locales, String from,
                     String below, String recommended, String minimum, String info) {
        return new Rule(library, os, archs, locales, Optional.ofNullable(from).map(ClientVersion::of),
                Optional.ofNullable(below).map(ClientVersion::of), ClientVersion.of(recommended),
                ClientVersion.of(recommended), ClientVersion.of(minimum),
                DownloadUrl.of("http://dl.example/" + info, Map.of()), info);
    }

    static UnknownClients reject420() {
        return new UnknownClients(UnknownClients.Mode.REJECT_420, "http://unknown.example/dl", "http://unknown.example/info");
    }

    static VersionPolicy policy(Rule... rules) {
        return new VersionPolicy(List.of(rules), reject420(), VersionPolicy.DEFAULT_CEILING);
    }
}
