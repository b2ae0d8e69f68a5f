package io.holdfast.launcher;

import io.holdfast.connectors.metrics.AgentConfig;
import io.holdfast.connectors.metrics.NodeAgent;
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
 * {@code holdfast agent}: this node's block devices as {@code VolumeMetric}s on
 * {@code fleet.volume-metrics}, one per device per second, until Ctrl-C or SIGTERM.
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Publish this node's block device statistics (/proc/diskstats) as volume metrics, one per device "
                + "per period (1 s by default), until Ctrl-C.",
                "Settings: holdfast.agent.* (see `holdfast config --list`) and the Kafka client keys; the topic must exist "
                        + "(`holdfast topics ensure`)."})
final class AgentCommand implements Callable<Integer> {

    private static final Duration STATUS_EVERY = Duration.ofSeconds(10);

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        StopSignal stop = StopSignal.install();
        AgentConfig settings = AgentConfig.ofValidated(config.validated(ProcessEndpoints.DEFAULTS));
        NodeAgent agent = NodeAgent.start(settings);
        try (ProcessEndpoints endpoints = new ProcessEndpoints().serve(settings, agent::failure)) {
            out.printf("holdfast agent: publishing %s of node %s to %s every %d ms; %s; Ctrl-C stops%n",
                    String.join(", ", agent.initialDevices()), settings.node(), agent.topic(), settings.period().toMillis(),
                    endpoints.describe());
            out.flush();
            StatusLoop.run("agent", stop, STATUS_EVERY, out, () -> agent.status().oneLine(), agent::failure);
            out.printf("holdfast agent: stopping (%s)%n", stop.reason());
            out.flush();
        } finally {
            agent.close();
        }
        out.printf("holdfast agent: stopped: %s%n", agent.status().oneLine());
        return 0;
    }
}
