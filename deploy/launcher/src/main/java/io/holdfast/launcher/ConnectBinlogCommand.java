package io.holdfast.launcher;

import io.holdfast.connectors.binlog.BinlogConfig;
import io.holdfast.connectors.binlog.BinlogSource;
import io.holdfast.connectors.binlog.BinlogSourceException;
import io.holdfast.launcher.internal.ConfigOptions;
import io.holdfast.launcher.internal.Failures;
import io.holdfast.launcher.internal.StatusLoop;
import io.holdfast.launcher.internal.StopSignal;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code holdfast connect binlog}: the revisions and heads tables' change events onto the cdc topics,
 * through Debezium's embedded engine, until Ctrl-C or SIGTERM (then the engine flushes its offsets and the
 * command exits 0).
 */
@Command(name = "binlog", mixinStandardHelpOptions = true,
        description = {"Capture the revisions and heads tables' changes from the database's binlog with Debezium "
                + "(MariaDB connector by default) onto the cdc topics, as Kafka Connect's JSON, until Ctrl-C.",
                "On a first start (no offsets stored) the existing rows are copied first, in chunks, resumable after a "
                        + "crash; copy progress goes to <holdfast.cdc.topic.prefix>.notifications.",
                "Settings: holdfast.db.url/.user/.password, holdfast.binlog.* and holdfast.binlog.debezium.<any Debezium "
                        + "property> (see `holdfast config --list`), bootstrap.servers and the Kafka client keys."})
final class ConnectBinlogCommand implements Callable<Integer> {

    private static final Duration STATUS_EVERY = Duration.ofSeconds(5);

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(names = "--snapshot", description = "Copy the existing rows again (a new incremental snapshot) once streaming.")
    boolean snapshot;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        StopSignal stop = StopSignal.install();
        BinlogConfig settings = BinlogConfig.ofValidated(config.validated(Map.of()));
        BinlogSource source;
        try {
            source = BinlogSource.start(settings, snapshot);
        } catch (BinlogSourceException e) {
            LoggerFactory.getLogger(ConnectBinlogCommand.class).debug("binlog source did not start", e);
            throw new Failures.UserError(e.getMessage());
        }
        try {
            out.printf("holdfast connect binlog: %s; HTTP on port %d (/live, /ready, /metrics); copy progress on %s; Ctrl-C stops%n",
                    source.firstStart() ? "first start, copying the existing rows once streaming"
                            : snapshot ? "resuming, a new copy requested" : "resuming from the stored offsets",
                    source.httpPort(), source.notificationsTopic());
            out.flush();
            StatusLoop.run("connect binlog", stop, STATUS_EVERY, out, () -> source.status().oneLine(), source::failure);
            out.printf("holdfast connect binlog: stopping (%s)%n", stop.reason());
            out.flush();
        } finally {
            source.close();
        }
        out.printf("holdfast connect binlog: stopped: %s%n", source.status().totals());
        return 0;
    }
}
