package org.msnp.dispatch.cli;

import java.nio.file.Path;
import java.sql.SQLException;
import org.msnp.dispatch.config.ConfigException;
import org.msnp.dispatch.config.ConfigLoader;
import org.msnp.dispatch.config.SharedKeys;
import org.msnp.dispatch.nodes.PolicyStore;
import org.msnp.dispatch.nodes.PolicyVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code policy publish FILE}: the next version of the shared policy, for every node that follows the database. */
@Command(name = "publish", sortOptions = false,
        description = {"Check FILE as check-config does, then store it as the next version of the shared policy and "
                + "notify every node that follows the database (docs/scaling.md).",
                "FILE holds only the shared keys: version-policy, dialects, protocol, notification-servers, foreign-handles."})
final class PolicyPublishCommand extends PolicyStoreCommand {
    @Parameters(index = "0", paramLabel = "FILE", description = "the policy document (YAML)")
    Path file;

    @Option(names = "--comment", paramLabel = "TEXT", description = "why (shown in policy history)")
    String comment = "";

    @Option(names = "--by", paramLabel = "NAME", description = "who publishes (default: $USER)")
    String by;

    @Override
    String name() {
        return "policy publish";
    }

    @Override
    int run() throws CensusCommand.Refusal, SQLException {
        String text;
        try {
            text = ConfigLoader.read(file);
            ConfigLoader.parse(text, file.toString());
            checkPublishable(text, file.toString());
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        Database db = database();
        PolicyVersion v = publish(db, text, by, comment);
        System.out.println("published policy version " + v.version() + " to " + db.shown() + " (sha256 " + v.sha256() + ")");
        return 0;
    }

    /** What a node-independent document must be besides a valid configuration: not empty, shared keys only. */
    static void checkPublishable(String text, String source) throws ConfigException {
        if (text.isBlank() || text.lines().allMatch(l -> l.isBlank() || l.strip().startsWith("#"))) {
            throw new ConfigException(source, 0, "", "empty: nothing to publish (an empty policy would be the defaults:"
                    + " every client accepted and referred to 127.0.0.1:1864)");
        }
        SharedKeys.requireSharedOnly(text, source);
        if (text.length() > PolicyStore.MAX_CONFIG_CHARS) {
            throw new ConfigException(source, 0, "", "longer than " + PolicyStore.MAX_CONFIG_CHARS + " characters");
        }
    }

    /** Stores {@code text} (already checked) as the next version. */
    static PolicyVersion publish(Database db, String text, String by, String comment) throws CensusCommand.Refusal, SQLException {
        String who = by != null ? by : loginName();
        if (who.isBlank()) {
            throw new CensusCommand.Refusal("--by: no login name in $USER: say who publishes with --by NAME");
        }
        PolicyStore store = db.store();
        try (java.sql.Connection c = db.dataSource().getConnection()) {
            // reachable: a failure below is about the schema, not the connection
            c.isValid(1);
        }
        try {
            store.migrate();
        } catch (RuntimeException e) {
            throw new CensusCommand.Refusal("cannot create the policy tables in " + db.shown() + ": "
                    + org.msnp.dispatch.nodes.PolicyDatabase.problem(e).replace(db.url(), db.shown()));
        }
        try {
            return store.publish(text, who, comment);
        } catch (IllegalArgumentException e) {
            throw new CensusCommand.Refusal(e.getMessage());
        }
    }
}
