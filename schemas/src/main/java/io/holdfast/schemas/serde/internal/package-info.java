/** Implementation of the holdfast serdes and registry client; not an API. */
package io.holdfast.schemas.serde.internal;
