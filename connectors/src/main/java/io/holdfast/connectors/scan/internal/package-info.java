/** Implementation of the S3 scanner: key parsing, checkpoints, pass planning, records and reports. */
package io.holdfast.connectors.scan.internal;
