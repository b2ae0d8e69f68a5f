package io.holdfast.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.holdfast.embedded.junit.EmbeddedStackExtension;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectTaggingResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Tag;

@ExtendWith(EmbeddedStackExtension.class)
class EmbeddedS3IT {

    @Test
    void taggedPutThenCreateOnlyPutOfTheSameKeyIsRefusedWith412(EmbeddedS3 s3) {
        String key = "snapshots/entity-1/" + System.nanoTime();
        try (S3Client client = client(s3)) {
            client.putObject(b -> b.bucket(EmbeddedStackExtension.TEST_BUCKET).key(key).ifNoneMatch("*")
                            .tagging("publication_state=pending")
                            .metadata(Map.of("entity", "entity-1", "revision", "1", "content-hash", "abc123")),
                    RequestBody.fromString("{\"rev\":1}"));

            HeadObjectResponse head = client.headObject(b -> b.bucket(EmbeddedStackExtension.TEST_BUCKET).key(key));
            assertEquals("entity-1", head.metadata().get("entity"));
            assertEquals("1", head.metadata().get("revision"));
            assertEquals("abc123", head.metadata().get("content-hash"));
            GetObjectTaggingResponse tags = client.getObjectTagging(b -> b.bucket(EmbeddedStackExtension.TEST_BUCKET).key(key));
            assertEquals(Map.of("publication_state", "pending"),
                    tags.tagSet().stream().collect(Collectors.toMap(Tag::key, Tag::value)));

            S3Exception refused = assertThrows(S3Exception.class, () -> client.putObject(
                    b -> b.bucket(EmbeddedStackExtension.TEST_BUCKET).key(key).ifNoneMatch("*"),
                    RequestBody.fromString("{\"rev\":\"other\"}")));
            assertEquals(412, refused.statusCode());
            String body = client.getObjectAsBytes(b -> b.bucket(EmbeddedStackExtension.TEST_BUCKET).key(key)).asUtf8String();
            assertEquals("{\"rev\":1}", body, "the refused put changed the object");
        }
    }

    @Test
    void listensOnLoopbackOnly(EmbeddedS3 s3) throws Exception {
        for (int port : new int[] {s3.httpPort(), s3.httpsPort()}) {
            List<String> listening = ListeningSockets.addressesListeningOn(port);
            assertFalse(listening.isEmpty(), "nothing listens on " + port);
            assertTrue(listening.stream().allMatch(ListeningSockets::isLoopback), "S3Mock listens beyond loopback on " + port + ": " + listening);
        }
    }

    static S3Client client(EmbeddedS3 s3) {
        return S3Client.builder()
                .endpointOverride(URI.create(s3.endpoint()))
                .region(Region.of(EmbeddedS3.REGION))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(EmbeddedS3.ACCESS_KEY, EmbeddedS3.SECRET_KEY)))
                .build();
    }
}
