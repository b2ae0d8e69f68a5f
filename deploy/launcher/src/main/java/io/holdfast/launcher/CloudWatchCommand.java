package io.holdfast.launcher;

import io.holdfast.connectors.metrics.CloudWatchConfig;
import io.holdfast.connectors.metrics.CloudWatchPoller;
import io.holdfast.launcher.internal.ConfigOptions;
import io.holdfast.launcher.internal.ProcessEndpoints;
import io.holdfast.launcher.internal.StatusLoop;
import io.holdfast.launcher.internal.StopSignal;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * {@code holdfast cloudwatch}: EBS volume metrics from CloudWatch as {@code VolumeMetric}s on
 * {@code fleet.volume-metrics}, one per volume per minute, until Ctrl-C or SIGTERM.
 */
@Command(name = "cloudwatch", mixinStandardHelpOptions = true,
        description = {"Poll EBS volume metrics from CloudWatch (GetMetricData) for listed volumes or a tag filter and "
                + "publish them as volume metrics, until Ctrl-C.",
                "Settings: holdfast.cloudwatch.* (see `holdfast config --list`) and the Kafka client keys; AWS credentials "
                        + "come from the SDK's default chain (environment, profile, instance or pod role)."})
final class CloudWatchCommand implements Callable<Integer> {

    private static final Duration STATUS_EVERY = Duration.ofSeconds(10);

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        StopSignal stop = StopSignal.install();
        CloudWatchConfig settings = CloudWatchConfig.ofValidated(config.validated(ProcessEndpoints.DEFAULTS));
        CloudWatchPoller poller = CloudWatchPoller.start(settings);
        try (ProcessEndpoints endpoints = new ProcessEndpoints().serve(settings, poller::failure)) {
            out.printf("holdfast cloudwatch: polling %d EBS volumes every %d s to %s; %s; Ctrl-C stops%n",
                    poller.volumeIds().size(), settings.pollInterval().toSeconds(), poller.topic(), endpoints.describe());
            out.flush();
            StatusLoop.run("cloudwatch", stop, STATUS_EVERY, out, () -> poller.status().oneLine(), poller::failure);
            out.printf("holdfast cloudwatch: stopping (%s)%n", stop.reason());
            out.flush();
        } finally {
            poller.close();
        }
        out.printf("holdfast cloudwatch: stopped: %s%n", poller.status().oneLine());
        return 0;
    }
}
