package org.msnp.dispatch.cli;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.msnp.dispatch.nodes.PolicyVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code policy history}: every published version, oldest first. */
@Command(name = "history", sortOptions = false, description = "List the published versions: number, who, when (UTC), sha256, comment.")
final class PolicyHistoryCommand extends PolicyStoreCommand {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    @Option(names = "--format", paramLabel = "text|json", description = "text (default) or json")
    String format = "text";

    @Override
    String name() {
        return "policy history";
    }

    @Override
    int run() throws CensusCommand.Refusal, SQLException {
        String fmt = format.toLowerCase(Locale.ROOT);
        if (!fmt.equals("text") && !fmt.equals("json")) {
            throw new CensusCommand.Refusal("--format: '" + CensusCommand.Export.printable(format) + "' is not one of text, json");
        }
        Database db = database();
        List<PolicyVersion> versions = db.store().history();
        if (fmt.equals("json")) {
            List<Map<String, Object>> rows = versions.stream().map(v -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("version", v.version());
                m.put("published-by", v.publishedBy());
                m.put("published-at", v.publishedAt().toString());
                m.put("comment", v.comment());
                m.put("sha256", v.sha256());
                return m;
            }).toList();
            try {
                System.out.println(JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValueAsString(rows));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new CensusCommand.Refusal(e.getMessage());
            }
            return 0;
        }
        if (versions.isEmpty()) {
            System.out.println("no version published to " + db.shown() + " yet");
            return 0;
        }
        System.out.printf("%7s  %-19s  %-16s  %-12s  %s%n", "version", "published (UTC)", "by", "sha256", "comment");
        for (PolicyVersion v : versions) {
            System.out.printf("%7d  %-19s  %-16s  %-12s  %s%n", v.version(), WHEN.format(v.publishedAt()), v.publishedBy(),
                    v.sha256().substring(0, 12), v.comment());
        }
        return 0;
    }
}
