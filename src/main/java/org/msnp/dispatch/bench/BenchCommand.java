package org.msnp.dispatch.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code msnp-dispatch bench}: the load tool. Handshakes per second on fresh TCP connections and
 * their latency ({@code run}, {@code targets}), through the HTTP gateway ({@code gateway}), the
 * memory an idle connection costs ({@code idle}), how soon a new process serves ({@code startup}),
 * and the ceiling as a server of its own ({@code ceiling-server}). See docs/benchmarks.md.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure a dispatch server: give one of the commands below.",
        subcommands = {RunCommand.class, TargetsCommand.class, IdleCommand.class, StartupCommand.class,
                GatewayCommand.class, CeilingServerCommand.class, IdleCommand.Client.class})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "bench: give a command: run, targets, idle, startup, gateway or ceiling-server");
    }
}
