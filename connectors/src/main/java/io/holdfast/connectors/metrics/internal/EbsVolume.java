package io.holdfast.connectors.metrics.internal;

/**
 * An EBS volume as DescribeVolumes shows it: where it is attached (null when it is not) and its
 * availability zone (null when unknown, e.g. DescribeVolumes was not allowed).
 *
 * @param device the attachment's device name without {@code /dev/} (e.g. {@code sdf}); on Nitro
 *               instances the OS names the disk nvmeNn1 instead
 */
public record EbsVolume(String volumeId, String instanceId, String device, String availabilityZone) {

    public static EbsVolume unknown(String volumeId) {
        return new EbsVolume(volumeId, null, null, null);
    }
}
