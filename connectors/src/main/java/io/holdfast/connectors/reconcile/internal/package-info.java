/**
 * How the reconcile executor works inside: decoding and poison detection, result building, the
 * classification of transient store failures and the counters. Not part of the connectors' API.
 */
package io.holdfast.connectors.reconcile.internal;
