/**
 * The S3 scanner: the inventory of the snapshot bucket on {@code s3.snapshots}, one
 * {@code SnapshotObject} per object per pass. {@link io.holdfast.connectors.scan.S3Scanner} lists
 * {@code <bucket>/<prefix>} page by page, reads each object's metadata and tags, and commits a
 * checkpoint after every page whose records were acknowledged, so that a restarted scanner resumes
 * its pass where it stopped (DESIGN section 6). Its progress is on {@code state.workflow} under
 * {@code s3:<bucket>/<prefix>}, which the reconciler reads to know when a pass listed every object.
 * Settings: {@link io.holdfast.connectors.scan.ScanConfig}.
 */
package io.holdfast.connectors.scan;
