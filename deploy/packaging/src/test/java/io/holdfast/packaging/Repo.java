package io.holdfast.packaging;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the repository the tests run in (Maven runs them with the module as working directory). */
final class Repo {

    private Repo() {}

    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("deploy/helm/holdfast"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no deploy/helm/holdfast above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    static Path chart() {
        return root().resolve("deploy/helm/holdfast");
    }
}
