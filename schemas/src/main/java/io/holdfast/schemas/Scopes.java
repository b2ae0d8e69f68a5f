package io.holdfast.schemas;

import java.util.Locale;
import java.util.Objects;

/**
 * Builds {@link Scope} values and their canonical Kafka key, used as the record key of the
 * {@code control}, {@code audit} and {@code alerts} topics. One scope has exactly one key, so every record
 * about it lands in the same partition and compaction keeps the latest per scope.
 */
public final class Scopes {

    private Scopes() {
    }

    public static Scope global() {
        return Scope.newBuilder().setKind(ScopeKind.GLOBAL).build();
    }

    public static Scope keyspace(String keyspace) {
        return Scope.newBuilder().setKind(ScopeKind.KEYSPACE).setKeyspace(required(keyspace, "keyspace")).build();
    }

    public static Scope shard(String keyspace, String shard) {
        return Scope.newBuilder()
                .setKind(ScopeKind.SHARD)
                .setKeyspace(required(keyspace, "keyspace"))
                .setShard(required(shard, "shard"))
                .build();
    }

    public static Scope cell(String cell) {
        return targeted(ScopeKind.CELL, cell);
    }

    public static Scope volume(String volumeId) {
        return targeted(ScopeKind.VOLUME, volumeId);
    }

    public static Scope tablet(String tabletAlias) {
        return targeted(ScopeKind.TABLET, tabletAlias);
    }

    public static Scope entity(String entityId) {
        return targeted(ScopeKind.ENTITY, entityId);
    }

    public static Scope workflow(String streamAndTable) {
        return targeted(ScopeKind.WORKFLOW, streamAndTable);
    }

    /**
     * The key of an operator instruction on the {@code control} topic: the scope's key for an
     * instruction to every app, {@code <app>@<scope key>} for one app. Compaction then keeps the
     * latest instruction per scope and app, so one app's instruction never erases another's.
     */
    public static String controlKey(String app, Scope scope) {
        return app == null ? key(scope) : app + "@" + key(scope);
    }

    /**
     * The canonical key of a scope: {@code global}, {@code keyspace:<ks>}, {@code shard:<ks>/<shard>},
     * {@code cell:<cell>}, {@code volume:<id>}, {@code tablet:<alias>}, {@code entity:<id>} or
     * {@code workflow:<stream/table>}.
     *
     * @throws IllegalArgumentException if the scope's kind is UNKNOWN or a field its kind needs is missing
     */
    public static String key(Scope scope) {
        Objects.requireNonNull(scope, "scope");
        ScopeKind kind = scope.getKind();
        switch (kind) {
            case GLOBAL:
                return "global";
            case KEYSPACE:
                return "keyspace:" + present(scope.getKeyspace(), kind, "keyspace");
            case SHARD:
                return "shard:" + present(scope.getKeyspace(), kind, "keyspace") + "/"
                        + present(scope.getShard(), kind, "shard");
            case CELL:
            case VOLUME:
            case TABLET:
            case ENTITY:
            case WORKFLOW:
                return kind.name().toLowerCase(Locale.ROOT) + ":" + present(scope.getTarget(), kind, "target");
            default:
                throw new IllegalArgumentException("A scope of kind " + kind + " has no key");
        }
    }

    private static Scope targeted(ScopeKind kind, String target) {
        return Scope.newBuilder().setKind(kind).setTarget(required(target, "target")).build();
    }

    private static String required(String value, String field) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(field + " must not be empty");
        }
        return value;
    }

    private static String present(String value, ScopeKind kind, String field) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("A " + kind + " scope needs " + field);
        }
        return value;
    }
}
