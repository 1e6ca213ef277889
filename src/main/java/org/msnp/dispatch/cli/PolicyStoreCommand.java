package org.msnp.dispatch.cli;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.msnp.dispatch.config.ConfigException;
import org.msnp.dispatch.config.ConfigLoader;
import org.msnp.dispatch.config.PolicySourceConfig;
import org.msnp.dispatch.nodes.PolicyDatabase;
import org.msnp.dispatch.nodes.PolicyStore;
import picocli.CommandLine.Option;

/**
 * The {@code policy} subcommands that work on the published versions in PostgreSQL
 * (docs/scaling.md): where the database is, and the one-line answer to anything wrong (exit 1).
 */
abstract class PolicyStoreCommand implements Callable<Integer> {
    @Option(names = "--database", paramLabel = "URL",
            description = "the policy database: jdbc:postgresql://host/db (credentials in the URL)")
    String database;

    @Option(names = "--config", paramLabel = "FILE",
            description = "use the policy-source database (database-url, username, password) of this configuration file")
    Path config;

    /** {@code policy publish}, …: the prefix of every error line. */
    abstract String name();

    abstract int run() throws CensusCommand.Refusal, SQLException;

    @Override
    public final Integer call() {
        try {
            return run();
        } catch (CensusCommand.Refusal e) {
            System.err.println(name() + ": " + e.getMessage());
            return 1;
        } catch (SQLException e) {
            System.err.println(name() + ": " + problem(e));
            return 1;
        }
    }

    /** The database named by {@code --database} or {@code --config}. */
    record Database(String url, DataSource dataSource) {
        String shown() {
            return PolicyDatabase.shown(url);
        }

        PolicyStore store() {
            return new PolicyStore(dataSource);
        }
    }

    Database database() throws CensusCommand.Refusal {
        if ((database == null) == (config == null)) {
            throw new CensusCommand.Refusal("give --database URL or --config FILE (its policy-source database)");
        }
        String url = database;
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        if (config != null) {
            PolicySourceConfig p;
            try {
                p = ConfigLoader.load(config).policySource();
            } catch (ConfigException e) {
                throw new CensusCommand.Refusal(e.getMessage());
            }
            url = p.url().orElseThrow(() -> new CensusCommand.Refusal(config + ": policy-source.database-url is not set"));
            user = p.user();
            password = p.secret();
        }
        try {
            return new Database(url, PolicyDatabase.simple(url, user, password));
        } catch (IllegalArgumentException e) {
            throw new CensusCommand.Refusal("--database: " + e.getMessage());
        }
    }

    private String problem(SQLException e) {
        String where = database != null ? PolicyDatabase.shown(database) : "the policy database of " + config;
        if (PolicyStore.noTables(e)) {
            return where + " holds no policy tables: nothing has been published there";
        }
        return "cannot use " + where + ": " + PolicyDatabase.problem(e);
    }

    /** {@code --by}'s default: the login name. */
    static String loginName() {
        String user = System.getenv("USER");
        return user != null && !user.isBlank() ? user : System.getProperty("user.name", "");
    }
}
