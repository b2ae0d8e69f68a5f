package io.holdfast.embedded.junit;

import io.holdfast.embedded.EmbeddedKafka;
import io.holdfast.embedded.EmbeddedMariaDb;
import io.holdfast.embedded.EmbeddedS3;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects the real components into tests: declare a parameter of type {@link EmbeddedKafka},
 * {@link EmbeddedMariaDb} or {@link EmbeddedS3} (in a constructor, a {@code @BeforeAll} or a test
 * method) and the component is started on first request and shared by every test class of the
 * JVM, then stopped when the suite ends. Only what is asked for is started.
 *
 * <p>Tests share the components, so each test class uses its own topic names, database tables and
 * bucket keys. Data lives under {@code target/embedded-stack/<run>/} (or the directory named by the
 * system property {@code holdfast.embedded.dir}), where each component's log can be read after a
 * failure.
 */
public final class EmbeddedStackExtension implements ParameterResolver {

    /** Bucket created at start on the shared S3 server. */
    public static final String TEST_BUCKET = "holdfast-test";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(EmbeddedStackExtension.class);
    private static final Set<Class<?>> COMPONENTS = Set.of(EmbeddedKafka.class, EmbeddedMariaDb.class, EmbeddedS3.class);
    private static final Path RUN_DIR = runDir();

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return COMPONENTS.contains(parameter.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
        return store.getOrComputeIfAbsent(type, EmbeddedStackExtension::startComponent, AutoCloseable.class);
    }

    private static AutoCloseable startComponent(Class<?> type) {
        if (type == EmbeddedKafka.class) {
            return EmbeddedKafka.start(EmbeddedKafka.Options.in(RUN_DIR.resolve("kafka")));
        }
        if (type == EmbeddedMariaDb.class) {
            return EmbeddedMariaDb.start(EmbeddedMariaDb.Options.in(RUN_DIR.resolve("mariadb")));
        }
        if (type == EmbeddedS3.class) {
            return EmbeddedS3.start(EmbeddedS3.Options.in(RUN_DIR.resolve("s3"), TEST_BUCKET));
        }
        throw new IllegalArgumentException("not an embedded component: " + type);
    }

    private static Path runDir() {
        String configured = System.getProperty("holdfast.embedded.dir");
        Path base = configured != null ? Path.of(configured) : Path.of("target", "embedded-stack");
        String run = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                + "-" + ProcessHandle.current().pid();
        return base.resolve(run).toAbsolutePath();
    }
}
