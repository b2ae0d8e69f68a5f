package io.holdfast.connectors.metrics.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeVolumesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeVolumesResponse;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Volume;
import software.amazon.awssdk.services.ec2.model.VolumeAttachment;
import software.amazon.awssdk.services.ec2.model.VolumeAttachmentState;

/** Finds EBS volumes and their attachments with EC2 DescribeVolumes, following every page. */
public final class VolumeDirectory {

    /** DescribeVolumes' largest page when filtering. */
    private static final int PAGE_SIZE = 500;
    /** Volume ids per request when they are listed (they cannot be combined with a page size). */
    private static final int IDS_PER_REQUEST = 200;

    private final Ec2Client ec2;

    public VolumeDirectory(Ec2Client ec2) {
        this.ec2 = ec2;
    }

    /** Volumes whose tags match: the keys must all match, the values of one key are alternatives. */
    public List<EbsVolume> byTags(Map<String, List<String>> tagFilters) {
        List<Filter> filters = new ArrayList<>();
        tagFilters.forEach((key, values) -> filters.add(Filter.builder().name("tag:" + key).values(values).build()));
        return collect(DescribeVolumesRequest.builder().filters(filters).maxResults(PAGE_SIZE).build());
    }

    /** The listed volumes; a volume that does not exist fails the call (EC2's InvalidVolume.NotFound). */
    public List<EbsVolume> byIds(List<String> volumeIds) {
        List<EbsVolume> volumes = new ArrayList<>();
        for (int from = 0; from < volumeIds.size(); from += IDS_PER_REQUEST) {
            List<String> chunk = volumeIds.subList(from, Math.min(volumeIds.size(), from + IDS_PER_REQUEST));
            volumes.addAll(collect(DescribeVolumesRequest.builder().volumeIds(chunk).build()));
        }
        volumes.sort(Comparator.comparing(EbsVolume::volumeId));
        return volumes;
    }

    private List<EbsVolume> collect(DescribeVolumesRequest request) {
        List<EbsVolume> volumes = new ArrayList<>();
        for (DescribeVolumesResponse page : ec2.describeVolumesPaginator(request)) {
            for (Volume volume : page.volumes()) {
                volumes.add(toEbsVolume(volume));
            }
        }
        volumes.sort(Comparator.comparing(EbsVolume::volumeId));
        return volumes;
    }

    static EbsVolume toEbsVolume(Volume volume) {
        // A multi-attach volume has several attachments: the lowest instance id, so the choice is stable.
        VolumeAttachment attachment = volume.attachments().stream()
                .filter(a -> a.state() == VolumeAttachmentState.ATTACHED)
                .min(Comparator.comparing(VolumeAttachment::instanceId))
                .orElse(null);
        String device = attachment == null || attachment.device() == null ? null : attachment.device().replaceFirst("^/dev/", "");
        return new EbsVolume(volume.volumeId(), attachment == null ? null : attachment.instanceId(), device,
                volume.availabilityZone());
    }
}
