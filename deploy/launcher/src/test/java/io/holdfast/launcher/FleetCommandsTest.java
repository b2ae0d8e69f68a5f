package io.holdfast.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.connectors.fleet.FleetSimulator;
import io.holdfast.connectors.fleet.FleetSink;
import io.holdfast.connectors.fleet.ManualTime;
import io.holdfast.launcher.internal.SimulatorConsole;
import io.holdfast.schemas.TabletRecord;
import io.holdfast.schemas.VolumeMetric;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** `holdfast sim fleet` and `holdfast execute fleet` up to the point where they would reach a cluster, and the simulator's console. */
class FleetCommandsTest {

    @Test
    void bothCommandsAreRegisteredWithHelp() {
        CliRun help = CliRun.run("--help");
        assertTrue(help.out().contains("sim") && help.out().contains("execute"), help.out());
        CliRun sim = CliRun.run("sim", "fleet", "--help");
        assertEquals(0, sim.exit());
        for (String option : new String[] {"--shards", "--tablets", "--cells", "--period-ms", "--time-scale", "--inject-rate",
                "--fail-next", "--time-out-next", "--config", "--set"}) {
            assertTrue(sim.out().contains(option), option + " missing from:\n" + sim.out());
        }
        CliRun execute = CliRun.run("execute", "fleet", "--help");
        assertEquals(0, execute.exit());
        assertTrue(execute.out().contains("--driver") && execute.out().contains("vtctld") && execute.out().contains("sim is the fleet API"),
                execute.out());
    }

    @Test
    void badUsageAndBadSettingsEndWithOneLine() {
        CliRun noCluster = CliRun.run("sim", "fleet");
        assertEquals(1, noCluster.exit());
        noCluster.assertOneLine("No bootstrap.servers");

        CliRun badShards = CliRun.run("sim", "fleet", "--shards", "0");
        assertEquals(1, badShards.exit());
        badShards.assertOneLine("holdfast.sim.shards");

        CliRun badFault = CliRun.run("sim", "fleet", "--fail-next", "REBOOT", "--set", "bootstrap.servers=127.0.0.1:9");
        assertEquals(1, badFault.exit());
        badFault.assertOneLine("'REBOOT' is not one of");

        CliRun notANumber = CliRun.run("sim", "fleet", "--shards", "many");
        assertEquals(2, notANumber.exit());
        notANumber.assertOneLine("'--shards': 'many' is not an int");

        CliRun badScale = CliRun.run("sim", "fleet", "--time-scale", "0", "--set", "bootstrap.servers=127.0.0.1:9");
        assertEquals(1, badScale.exit());
        badScale.assertOneLine("holdfast.sim.time.scale");

        CliRun unknownKey = CliRun.run("sim", "fleet", "--set", "holdfast.sim.shard=2", "--set", "bootstrap.servers=127.0.0.1:9");
        assertEquals(1, unknownKey.exit());
        unknownKey.assertOneLine("Unknown configuration holdfast.sim.shard");

        CliRun badDriver = CliRun.run("execute", "fleet", "--driver", "ansible");
        assertEquals(2, badDriver.exit());
        badDriver.assertOneLine("--driver");

        CliRun noServer = CliRun.run("execute", "fleet");
        assertEquals(1, noServer.exit());
        noServer.assertOneLine("holdfast.fleet.vtctld.server");

        CliRun noBinary = CliRun.run("execute", "fleet", "--set", "holdfast.fleet.vtctld.server=127.0.0.1:15999",
                "--set", "holdfast.fleet.vtctld.path=/nonexistent/vtctldclient");
        assertEquals(1, noBinary.exit());
        noBinary.assertOneLine("holdfast.fleet.vtctld.path");

        CliRun noSimulator = CliRun.run("execute", "fleet", "--driver", "sim");
        assertEquals(1, noSimulator.exit());
        noSimulator.assertOneLine("holdfast.fleet.sim.url");

        CliRun notHttp = CliRun.run("execute", "fleet", "--driver", "sim", "--set", "holdfast.fleet.sim.url=127.0.0.1:4100");
        assertEquals(1, notHttp.exit());
        notHttp.assertOneLine("expected http://HOST:PORT");

        CliRun noApi = CliRun.run("sim", "fleet", "--set", "holdfast.sim.execute.commands=false", "--set", "bootstrap.servers=127.0.0.1:9");
        assertEquals(1, noApi.exit());
        noApi.assertOneLine("set holdfast.sim.api.port");
    }

    @Test
    void configListShowsTheFleetKeys() {
        CliRun list = CliRun.run("config", "--list");
        assertEquals(0, list.exit());
        for (String key : new String[] {"holdfast.sim.shards", "holdfast.sim.tablets", "holdfast.sim.cells", "holdfast.sim.time.scale",
                "holdfast.sim.delay.planned.reparent.ms", "holdfast.sim.inject.rate.per.hour", "holdfast.fleet.vtctld.server",
                "holdfast.fleet.vtctld.path", "holdfast.fleet.hook.fence.command", "holdfast.fleet.group.id", "holdfast.agent.period.ms",
                "holdfast.sim.api.port", "holdfast.sim.execute.commands", "holdfast.fleet.sim.url"}) {
            assertTrue(list.out().contains(key + " ("), key + " missing from:\n" + list.out());
        }
    }

    @Test
    void theConsoleTurnsLinesIntoInjectionsAndShowsTheLedger() {
        ManualTime time = new ManualTime(1_700_000_000_000L);
        FleetSink discard = new FleetSink() {
            @Override
            public void tablet(TabletRecord record) {
            }

            @Override
            public void metric(VolumeMetric metric) {
            }
        };
        try (FleetSimulator sim = FleetSimulator.builder().shards(2).time(time).sink(discard).start()) {
            SimulatorConsole console = new SimulatorConsole(sim);
            String injected = console.handle("degrade-primary -80 30 250");
            assertTrue(injected.startsWith("injected #1 DEGRADED_PRIMARY") && injected.contains("zone1-0000000100"), injected);
            assertTrue(console.handle("stall-primary 80- 10").contains("STALLED_PRIMARY"));
            assertTrue(console.handle("degrade-primary -80 30").startsWith("not done: "), "already degraded");
            assertTrue(console.handle("degrade-cell zone9 0.5 10").startsWith("not done: no cell"));
            assertTrue(console.handle("stall-primary").contains("needs SHARD"));
            assertTrue(console.handle("fail-next reparent -80").contains("will fail"));
            assertTrue(console.handle("time-out-next PROVISION_VOLUME").contains("will not be answered"));
            assertTrue(console.handle("fail-next reboot").startsWith("not done: "));
            assertTrue(console.handle("fail-next reparent -8O").startsWith("not done: no shard '-8O'"), "a typo is not armed silently");
            assertTrue(console.handle("frobnicate").startsWith("unknown"));

            time.advanceBy(Duration.ofSeconds(30));
            String ledger = console.handle("ledger");
            assertTrue(ledger.contains("#1 DEGRADED_PRIMARY commerce/-80") && ledger.contains("impact 30.0 s"), ledger);
            assertTrue(ledger.contains("split-brain moments: none"), ledger);
            assertTrue(console.handle("status").startsWith("2 shards, 6 tablets"), console.handle("status"));
        }
    }
}
