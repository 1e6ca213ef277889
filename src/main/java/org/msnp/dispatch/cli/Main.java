package org.msnp.dispatch.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code msnp-dispatch serve | check-config | probe | bench | admin}. */
@Command(name = "msnp-dispatch", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "MSN Messenger protocol (MSNP2-MSNP23) Dispatch Server.",
        subcommands = {ServeCommand.class, CheckConfigCommand.class, ProbeCommand.class, org.msnp.dispatch.bench.BenchCommand.class,
                AdminCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("serve")) {
            // Start-up time counts for serve: build only its command model, not every subcommand's.
            CommandLine serve = new CommandLine(new ServeCommand()).setCaseInsensitiveEnumValuesAllowed(true);
            serve.getCommandSpec().name("serve");
            System.exit(serve.execute(java.util.Arrays.copyOfRange(args, 1, args.length)));
        }
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"msnp-dispatch " + (v != null ? v : "development build")};
        }
    }
}
