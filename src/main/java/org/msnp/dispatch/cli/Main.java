package org.msnp.dispatch.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code msnp-dispatch serve | check-config | probe | bench | census | admin}. */
@Command(name = "msnp-dispatch", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "MSN Messenger protocol (MSNP) Dispatch Server.",
        subcommands = {ServeCommand.class, CheckConfigCommand.class, ProbeCommand.class, org.msnp.dispatch.bench.BenchCommand.class,
                PolicyCommand.class, CensusCommand.class, AdminCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        quietNetty();
        if (args.length > 0 && args[0].equals("serve")) {
            // before anything else: until then a SIGHUP or SIGTERM ends the process (docs/operations.md)
            ServeSignals.install();
            // Logging is set up here, before any other thread can log: a logging call made on another
            // thread while SLF4J initialises is queued and replayed with a warning on stderr.
            org.slf4j.LoggerFactory.getILoggerFactory();
            // Start-up time counts for serve: build only its command model, not every subcommand's.
            CommandLine serve = new CommandLine(new ServeCommand()).setCaseInsensitiveEnumValuesAllowed(true);
            serve.getCommandSpec().name("serve");
            System.exit(serve.execute(java.util.Arrays.copyOfRange(args, 1, args.length)));
        }
        System.exit(commandLine().execute(args));
    }

    /**
     * Netty derives a machine id for channel ids from a hardware address, and warns when the host
     * has none (containers, some VMs). Channel ids only need to be unique within this process: a
     * random locally administered id does, without the warning.
     */
    static void quietNetty() {
        // Buffer leak tracking samples allocations with a stack trace each: for development and
        // tests, not for a server under load; -Dio.netty.leakDetection.level=… brings it back.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
        }
        if (System.getProperty("io.netty.machineId") == null) {
            byte[] id = new byte[6];
            new java.util.Random().nextBytes(id);
            id[0] = (byte) ((id[0] | 0x02) & 0xfe);  // locally administered, unicast
            StringBuilder b = new StringBuilder();
            for (byte x : id) {
                b.append(b.length() == 0 ? "" : ":").append(String.format("%02x", x & 0xff));
            }
            System.setProperty("io.netty.machineId", b.toString());
        }
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
        CommandLine.IParameterExceptionHandler usage = cli.getParameterExceptionHandler();
        cli.setParameterExceptionHandler((e, args) -> {
            if (e.getCommandLine().getCommand() instanceof CensusCommand.Export) {
                // The census tools answer a bad argument with one line and exit 1, like check-config.
                System.err.println("census export: " + e.getMessage());
                return 1;
            }
            if (e.getCommandLine().getCommand() instanceof PolicyStoreCommand p) {
                System.err.println(p.name() + ": " + e.getMessage());
                return 1;
            }
            return usage.handleParseException(e, args);
        });
        return cli;
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
