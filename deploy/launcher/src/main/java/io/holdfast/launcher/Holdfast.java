package io.holdfast.launcher;

import io.holdfast.launcher.internal.Failures;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code holdfast} command. Every failure a user can cause (a bad flag, an invalid setting, a
 * component that cannot start) ends with one line on stderr and a non-zero exit: 2 for usage
 * errors, 1 for everything else. Stack traces go to the log at DEBUG ({@code HOLDFAST_LOG_LEVEL=DEBUG}).
 */
@Command(name = "holdfast",
        mixinStandardHelpOptions = true,
        versionProvider = Holdfast.Version.class,
        description = "Kafka Streams control plane that keeps a revisioned entity store (S3 + Vitess + EBS) lossless and available.",
        subcommands = {DevCommand.class, TopicsCommand.class, ConfigCommand.class, RunCommand.class, HealthCommand.class,
                AgentCommand.class, CloudWatchCommand.class, SimCommand.class, ExecuteCommand.class, ControlCommandLine.class, DlqCommand.class,
                WriteCommand.class, ScanCommand.class, ConnectCommand.class, StatusCommand.class, ChaosCommand.class, CommandLine.HelpCommand.class})
public final class Holdfast implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (no System.exit, for tests). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Holdfast())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler((e, a) -> {
                    PrintWriter err = e.getCommandLine().getErr();
                    err.println("holdfast: " + e.getMessage() + " (see `" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help`)");
                    return 2;
                })
                .setExecutionExceptionHandler((e, commandLine, parseResult) -> {
                    org.slf4j.LoggerFactory.getLogger(Holdfast.class).debug("command failed", e);
                    commandLine.getErr().println("holdfast: " + Failures.oneLine(e));
                    return 1;
                });
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Holdfast.class.getPackage().getImplementationVersion();
            return new String[] {"holdfast " + (version == null ? "development build" : version)
                    + " (Kafka " + org.apache.kafka.common.utils.AppInfoParser.getVersion()
                    + ", Java " + Runtime.version() + ")"};
        }
    }
}
