package org.msnp.dispatch.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.springframework.security.crypto.bcrypt.BCrypt;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code msnp-dispatch admin …}: tools for the admin listener. */
@Command(name = "admin", description = "Tools for the admin listener.", subcommands = AdminCommand.HashPassword.class)
final class AdminCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * Reads a password from standard input (typed twice, unechoed, on a terminal; the first line
     * otherwise) and prints its bcrypt hash for {@code admin.auth.password-hash}.
     */
    @Command(name = "hash-password", description = "Read a password from standard input and print its bcrypt hash "
            + "for admin.auth.password-hash.")
    static final class HashPassword implements Callable<Integer> {
        @Option(names = "--cost", paramLabel = "N", description = "bcrypt cost, 4..31: each step doubles the work "
                + "of a login and of a guess (default: ${DEFAULT-VALUE})")
        int cost = 12;

        @Override
        public Integer call() throws IOException {
            if (cost < 4 || cost > 31) {
                System.err.println("hash-password: --cost must be 4..31, got " + cost);
                return 2;
            }
            String password;
            Console console = System.console();
            if (console != null) {
                char[] first = console.readPassword("Password: ");
                char[] again = console.readPassword("Again: ");
                if (first == null || again == null || !Arrays.equals(first, again)) {
                    System.err.println("hash-password: the two passwords differ");
                    return 1;
                }
                password = new String(first);
                Arrays.fill(first, ' ');
                Arrays.fill(again, ' ');
            } else {
                String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                password = line == null ? "" : line;
            }
            if (password.isEmpty()) {
                System.err.println("hash-password: no password on standard input");
                return 1;
            }
            if (password.getBytes(StandardCharsets.UTF_8).length > 72) {
                System.err.println("hash-password: bcrypt takes at most 72 bytes of a password; choose a shorter one");
                return 1;
            }
            if (password.length() < 12) {
                System.err.println("hash-password: warning: a password of fewer than 12 characters is easy to guess");
            }
            System.out.println(BCrypt.hashpw(password, BCrypt.gensalt(cost)));
            return 0;
        }
    }
}
