package org.msnp.dispatch.cli;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.msnp.dispatch.census.CensusQueries;
import org.msnp.dispatch.census.PreviewClients;
import org.msnp.dispatch.config.ConfigException;
import org.msnp.dispatch.config.ConfigLoader;
import org.msnp.dispatch.config.DispatchConfig;
import org.msnp.dispatch.policy.PolicyPreview;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code msnp-dispatch policy preview}: what a candidate policy would do to the clients the census saw. */
@Command(name = "policy", description = "Work with version policies (docs/console.md).",
        subcommands = {PolicyCommand.Preview.class, PolicyPublishCommand.class, PolicyHistoryCommand.class,
                PolicyRollbackCommand.class, PolicyShowCommand.class})
final class PolicyCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "preview", sortOptions = false,
            description = {"Validate CANDIDATE (the same errors as check-config), then decide every client the census saw "
                    + "in the last N days by the running policy and by the candidate, weighted by conversations: "
                    + "verdict changes, rule matches, dead rules, builds left to the unknown-client behaviour.",
                    "Changes nothing: applying stays a file change and a reload."})
    static final class Preview implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "CANDIDATE", description = "the candidate configuration file")
        Path candidate;

        @Option(names = "--config", paramLabel = "FILE",
                description = "the running configuration (its policy and its census database); default: the embedded defaults")
        Path config;

        @Option(names = "--database", paramLabel = "URL", description = "read the census from this database instead")
        String database;

        @Option(names = "--days", paramLabel = "N", description = "how many days of census to look at (default 7)")
        int days = 7;

        @Option(names = "--format", paramLabel = "text|json", description = "text (default) or json")
        String format = "text";

        @Override
        public Integer call() {
            try {
                DispatchConfig next;
                try {
                    next = ConfigLoader.load(candidate);
                } catch (ConfigException e) {
                    System.err.println(e.getMessage());
                    return 1;
                }
                if (days < 1 || days > 3660) {
                    throw new CensusCommand.Refusal("--days must be 1..3660, got " + days);
                }
                String fmt = format.toLowerCase(Locale.ROOT);
                if (!fmt.equals("text") && !fmt.equals("json")) {
                    throw new CensusCommand.Refusal("--format: '" + format + "' is not one of text, json");
                }
                DispatchConfig running;
                try {
                    running = config == null ? DispatchConfig.defaults() : ConfigLoader.load(config);
                } catch (ConfigException e) {
                    throw new CensusCommand.Refusal(e.getMessage());
                }
                CensusCommand.Source source = CensusCommand.source(config, database);
                Instant now = Instant.now();
                CensusQueries.Range range = new CensusQueries.Range(now.minus(Duration.ofDays(days)), now, Optional.empty());
                List<PolicyPreview.Client> clients;
                try {
                    clients = PreviewClients.of(source.queries(), range);
                } catch (SQLException e) {
                    throw new CensusCommand.Refusal(CensusCommand.Export.databaseProblem(source.url(), e));
                }
                PolicyPreview.Result r = PolicyPreview.compare(running.versionPolicy().build(), next.versionPolicy().build(), clients);
                if (fmt.equals("json")) {
                    System.out.println(JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValueAsString(r));
                } else {
                    print(r, days);
                }
                return 0;
            } catch (CensusCommand.Refusal e) {
                System.err.println("policy preview: " + e.getMessage());
                return 1;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                System.err.println("policy preview: " + e.getMessage());
                return 1;
            }
        }

        private static void print(PolicyPreview.Result r, int days) {
            System.out.printf("%d conversations with a client report in the last %d day(s); %d would change verdict%n",
                    r.conversations(), days, r.changed());
            System.out.println("verdict now -> with the candidate:");
            for (PolicyPreview.Change c : r.verdicts()) {
                System.out.printf("  %-15s -> %-15s %10d%s%n", c.from(), c.to(), c.conversations(), c.from().equals(c.to()) ? "" : "  *");
            }
            System.out.println("candidate rules:");
            for (PolicyPreview.RuleUse u : r.rules()) {
                System.out.printf("  %3d. %-70s %10d%s%n", u.position(), u.rule(), u.conversations(),
                        u.conversations() == 0 ? (u.namesArchs() ? "  (names archs: the census keeps none)" : "  dead") : "");
            }
            if (!r.unknown().isEmpty()) {
                System.out.println("builds no candidate rule covers (answered as unknown clients):");
                r.unknown().stream().limit(20).forEach(u -> System.out.printf("  %-40s %10d%n", u.library() + " " + u.build(), u.conversations()));
            }
            if (r.skipped() > 0) {
                System.out.printf("%d conversation(s) not decided: client text folded into 'other' by the census%n", r.skipped());
            }
        }
    }
}
