package org.msnp.dispatch.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.msnp.dispatch.config.ConfigException;
import org.msnp.dispatch.config.ConfigLoader;
import org.msnp.dispatch.config.DispatchConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Validates a configuration file without starting anything. Exit 0 when usable, 1 when not. */
@Command(name = "check-config", description = "Check a configuration file and say what it configures.")
final class CheckConfigCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "the YAML configuration file")
    Path file;

    @Override
    public Integer call() {
        try {
            DispatchConfig c = ConfigLoader.load(file);
            System.out.println(file + ": ok — " + Summary.of(c));
            return 0;
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 1;
        }
    }
}
