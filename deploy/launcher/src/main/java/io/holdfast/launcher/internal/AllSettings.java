package io.holdfast.launcher.internal;

import io.holdfast.connectors.binlog.BinlogConfig;
import io.holdfast.connectors.fleet.FleetExecutorConfig;
import io.holdfast.connectors.fleet.SimulatorConfig;
import io.holdfast.connectors.metrics.AgentConfig;
import io.holdfast.connectors.metrics.CloudWatchConfig;
import io.holdfast.connectors.reconcile.ReconcileExecutorConfig;
import io.holdfast.connectors.scan.ScanConfig;
import io.holdfast.connectors.store.StoreConfig;
import io.holdfast.health.HealthConfig;
import io.holdfast.reconciler.ReconcilerConfig;
import io.holdfast.topology.config.HoldfastConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Every holdfast key of every component, so that one settings file can serve every command: it is
 * validated as a whole (an unknown holdfast key is a typo wherever it appears), and each command
 * then reads the keys it uses.
 */
public final class AllSettings {

    private AllSettings() {}

    public static ConfigDef definition() {
        return BinlogConfig.define(ReconcileExecutorConfig.define(ScanConfig.define(StoreConfig.define(SimulatorConfig.define(
                FleetExecutorConfig.define(CloudWatchConfig.define(AgentConfig.define(ReconcilerConfig.define(
                        HealthConfig.define(HoldfastConfig.baseDefinition()))))))))));
    }
}
