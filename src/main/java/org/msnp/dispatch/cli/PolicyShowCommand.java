package org.msnp.dispatch.cli;

import java.sql.SQLException;
import java.util.Optional;
import org.msnp.dispatch.nodes.PolicyDocument;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code policy show [N]}: a published version's text, as it was published. */
@Command(name = "show", description = "Print the text of version N (default: the latest) exactly as it was published.")
final class PolicyShowCommand extends PolicyStoreCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "N", description = "the version (default: the latest)")
    Long version;

    @Override
    String name() {
        return "policy show";
    }

    @Override
    int run() throws CensusCommand.Refusal, SQLException {
        Database db = database();
        Optional<PolicyDocument> doc = version == null ? db.store().latest() : db.store().version(version);
        if (doc.isEmpty()) {
            throw new CensusCommand.Refusal(version == null ? "no version published to " + db.shown() + " yet"
                    : "no version " + version + " in " + db.shown());
        }
        System.out.print(doc.get().config());
        return 0;
    }
}
