package org.msnp.dispatch.cli;

import java.sql.SQLException;
import java.util.Optional;
import org.msnp.dispatch.config.ConfigException;
import org.msnp.dispatch.config.ConfigLoader;
import org.msnp.dispatch.nodes.PolicyDocument;
import org.msnp.dispatch.nodes.PolicyVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code policy rollback N}: version N's text published again, as the next version. */
@Command(name = "rollback", sortOptions = false,
        description = {"Publish the text of version N again as the next version (checked as policy publish checks a file); "
                + "history keeps every version."})
final class PolicyRollbackCommand extends PolicyStoreCommand {
    @Parameters(index = "0", paramLabel = "N", description = "the version to go back to")
    long version;

    @Option(names = "--comment", paramLabel = "TEXT", description = "why (default: rollback to version N)")
    String comment;

    @Option(names = "--by", paramLabel = "NAME", description = "who publishes (default: $USER)")
    String by;

    @Override
    String name() {
        return "policy rollback";
    }

    @Override
    int run() throws CensusCommand.Refusal, SQLException {
        Database db = database();
        Optional<PolicyDocument> old = db.store().version(version);
        if (old.isEmpty()) {
            throw new CensusCommand.Refusal("no version " + version + " in " + db.shown() + latest(db));
        }
        try {
            ConfigLoader.parse(old.get().config(), old.get().source());
            PolicyPublishCommand.checkPublishable(old.get().config(), old.get().source());
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        PolicyVersion v = PolicyPublishCommand.publish(db, old.get().config(), by,
                comment != null ? comment : "rollback to version " + version);
        System.out.println("published policy version " + v.version() + " to " + db.shown() + ": the text of version " + version
                + " (sha256 " + v.sha256() + ")");
        return 0;
    }

    private static String latest(Database db) throws SQLException {
        var n = db.store().latestVersion();
        return n.isPresent() ? " (the latest is " + n.getAsLong() + ")" : " (nothing published yet)";
    }
}
