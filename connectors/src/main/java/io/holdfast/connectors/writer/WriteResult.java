package io.holdfast.connectors.writer;

/**
 * What one {@link RevisionWriter#write} did.
 *
 * @param entity            the entity written
 * @param revision          the revision its snapshot was created at
 * @param contentHash       {@code sha256:<hex>} of the content
 * @param stoppedAfter      where the write stopped ({@link StoppedAfter#NONE}: it went to the end)
 * @param revisionConflicts how many revisions were found taken (412) before this one was created
 */
public record WriteResult(String entity, long revision, String contentHash, StoppedAfter stoppedAfter, int revisionConflicts) {

    public boolean complete() {
        return stoppedAfter == StoppedAfter.NONE;
    }
}
