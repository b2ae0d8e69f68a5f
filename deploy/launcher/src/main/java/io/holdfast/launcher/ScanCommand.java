package io.holdfast.launcher;

import io.holdfast.connectors.scan.PassSummary;
import io.holdfast.connectors.scan.S3Scanner;
import io.holdfast.connectors.scan.ScanConfig;
import io.holdfast.connectors.scan.ScanListener;
import io.holdfast.launcher.internal.ConfigOptions;
import io.holdfast.launcher.internal.ProcessEndpoints;
import io.holdfast.launcher.internal.StatusLoop;
import io.holdfast.launcher.internal.StopSignal;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code holdfast scan ...}: inventories of the entity store, for the reconciler. */
@Command(name = "scan", mixinStandardHelpOptions = true, description = "Inventory the entity store for the reconciler.",
        subcommands = ScanCommand.S3.class)
final class ScanCommand implements Runnable {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "s3", mixinStandardHelpOptions = true,
            description = {"List the snapshot bucket (holdfast.snapshots.bucket / .prefix) page by page and publish one "
                    + "SnapshotObject per object to s3.snapshots, with its tags and metadata; a checkpoint after every page "
                    + "lets a restarted scan resume its pass. A new pass every holdfast.scan.interval.ms until Ctrl-C, or one with --once.",
                    "Settings: holdfast.scan.*, holdfast.s3.* (see `holdfast config --list`) and the Kafka client keys; the topics "
                            + "must exist (`holdfast topics ensure`)."})
    static final class S3 implements Callable<Integer> {

        private static final Duration STATUS_EVERY = Duration.ofSeconds(5);

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        ConfigOptions config;

        @Option(names = "--once", description = "Run one pass (or finish the interrupted one) and exit.")
        boolean once;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            ScanConfig settings = ScanConfig.ofValidated(config.validated(ProcessEndpoints.DEFAULTS));
            StopSignal stop = StopSignal.install();
            ScanListener passLines = new ScanListener() {
                @Override
                public void passEnded(PassSummary summary) {
                    out.printf("holdfast scan s3: %s%n", summary.oneLine());
                    out.flush();
                }
            };
            ProcessEndpoints endpoints = new ProcessEndpoints();
            S3Scanner scanner = S3Scanner.connect(settings, passLines, endpoints.registry());
            try {
                endpoints.serve(settings, scanner::failure);
                out.printf("holdfast scan s3: s3://%s/%s, pages of %d, %s; %s; Ctrl-C stops%n", settings.bucket(), settings.prefix(),
                        settings.pageSize(), once ? "one pass" : "a pass every " + settings.interval().toMillis() + " ms",
                        endpoints.describe());
                out.flush();
                scanner.start(once, () -> stop.request(once ? "pass complete" : "scanner stopped"));
                StatusLoop.run("scan s3", stop, STATUS_EVERY, out, () -> scanner.status().oneLine(), scanner::failure);
                if (!once || !"pass complete".equals(stop.reason())) {
                    out.printf("holdfast scan s3: stopping (%s)%n", stop.reason());
                    out.flush();
                }
            } finally {
                scanner.close();
                endpoints.close();
            }
            if (scanner.failure().isPresent()) {
                // Failed while stopping: StatusLoop had already returned.
                throw new IllegalStateException("scan s3 stopped: " + scanner.failure().get(), scanner.failure().get());
            }
            out.printf("holdfast scan s3: stopped: %s%n", scanner.status().oneLine());
            return 0;
        }
    }
}
