package io.holdfast.reconciler.workflow;

/**
 * Keys of {@code state.workflow} ({@code <stream>/<table>}), one writer per key:
 * <ul>
 *   <li>{@code <debezium server>/<table>}: a binlog table, written by the reconciler from the change events;</li>
 *   <li>{@code s3:<bucket>/<prefix>}: the S3 scanner's own progress, written by the scanner; its
 *       {@code diff_pass} is the pass it is listing or last listed (pass id, objects emitted to s3.snapshots
 *       so far, i.e. listed minus those it could not identify, last key, started and
 *       finished time, COMPLETED once every object was listed);</li>
 *   <li>{@code diff:<bucket>/<prefix>}: the reconciler's comparison of the scanner's passes with Vitess. Its
 *       {@code copy_started_time}/{@code copy_finished_time} are the start and end of the latest pass that
 *       is complete on both sides (listed by the scanner and every object compared here), which the
 *       reconciler needs before it may call a revision row's snapshot missing.</li>
 * </ul>
 */
public final class WorkflowKeys {

    private WorkflowKeys() {
    }

    public static String table(String server, String table) {
        return server + "/" + table;
    }

    public static String scan(String bucket, String prefix) {
        return "s3:" + bucket + "/" + prefix;
    }

    public static String diff(String bucket, String prefix) {
        return "diff:" + bucket + "/" + prefix;
    }
}
