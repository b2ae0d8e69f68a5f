package io.holdfast.launcher;

import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code holdfast connect <source>}: the connectors that bring outside data into Kafka. */
@Command(name = "connect", mixinStandardHelpOptions = true,
        description = "Run a source connector that feeds holdfast's topics.",
        subcommands = {ConnectBinlogCommand.class})
final class ConnectCommand implements Runnable {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
