package io.holdfast.topology.control;

import io.holdfast.schemas.ControlAction;
import io.holdfast.schemas.ControlCommand;
import java.util.function.Function;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The operator controls in force for an app, read from a global copy of the {@code control} topic.
 * The topic is compacted by scope and app ({@link io.holdfast.schemas.Scopes#controlKey}), so the latest
 * instruction per scope is the one in force (PAUSE or DRY_RUN_ON until a RESUME, DRY_RUN_OFF or its
 * expiry); of an instruction to every app and one to this app for the same scope, the later one.
 * Scopes add up: a global pause pauses everything whatever a narrower scope's own latest instruction
 * says. Instructions for another app are ignored.
 */
public final class ControlView {

    /** What the operator asked for a scope: no automated action, or actions decided and audited only. */
    public record Control(boolean paused, boolean dryRun) {
        public static final Control NONE = new Control(false, false);
    }

    private final Function<String, ControlCommand> store;
    private final String app;

    public ControlView(KeyValueStore<String, ControlCommand> store, String app) {
        this.store = store::get;
        this.app = app;
    }

    private ControlView(Function<String, ControlCommand> latestByKey, String app) {
        this.store = latestByKey;
        this.app = app;
    }

    /** Over any copy of the topic's latest instruction per key (e.g. one a dashboard keeps in memory). */
    public static ControlView over(Function<String, ControlCommand> latestByKey, String app) {
        return new ControlView(latestByKey, app);
    }

    /** The controls in force at {@code now} over the given scope keys ({@link io.holdfast.schemas.Scopes#key}), OR'ed. */
    public Control forScopes(long now, String... scopeKeys) {
        boolean paused = false;
        boolean dryRun = false;
        for (String scope : scopeKeys) {
            ControlCommand c = later(inForce(store.apply(scope), now), inForce(store.apply(app + "@" + scope), now));
            if (c == null) {
                continue;
            }
            paused |= c.getAction() == ControlAction.PAUSE;
            dryRun |= c.getAction() == ControlAction.DRY_RUN_ON;
        }
        return paused || dryRun ? new Control(paused, dryRun) : Control.NONE;
    }

    private ControlCommand inForce(ControlCommand c, long now) {
        boolean inForce = c != null && (c.getApp() == null || c.getApp().equals(app))
                && (c.getExpiresTime() == null || c.getExpiresTime().toEpochMilli() > now);
        return inForce ? c : null;
    }

    /** For one scope, the instruction to every app and the one to this app: the later one is in force. */
    private static ControlCommand later(ControlCommand toAll, ControlCommand toThisApp) {
        if (toAll == null || toThisApp == null) {
            return toAll == null ? toThisApp : toAll;
        }
        return toThisApp.getIssuedTime().isBefore(toAll.getIssuedTime()) ? toAll : toThisApp;
    }
}
