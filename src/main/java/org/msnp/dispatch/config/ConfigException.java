package org.msnp.dispatch.config;

/**
 * A configuration that cannot be used. The message is one line naming the file, the line and
 * the field: {@code dispatch.yaml:12: protocol.ver-reply: 'x' is not one of echo-cvr0, single}.
 */
public final class ConfigException extends Exception {
    private final String source;
    private final int line;
    private final String field;
    private final String problem;

    public ConfigException(String source, int line, String field, String problem) {
        super(format(source, line, field, problem));
        this.source = source;
        this.line = line;
        this.field = field;
        this.problem = problem;
    }

    private static String format(String source, int line, String field, String problem) {
        StringBuilder b = new StringBuilder(source);
        if (line > 0) {
            b.append(':').append(line);
        }
        b.append(": ");
        if (!field.isEmpty()) {
            b.append(field).append(": ");
        }
        return b.append(problem.replace('\n', ' ')).toString();
    }

    public String source() {
        return source;
    }

    public int line() {
        return line;
    }

    public String field() {
        return field;
    }

    public String problem() {
        return problem;
    }
}
