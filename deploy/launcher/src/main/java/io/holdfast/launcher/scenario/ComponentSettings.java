package io.holdfast.launcher.scenario;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;

/** The one settings file every {@link ComponentProcess} of a scenario or chaos run reads, and the command lines that name it. */
public final class ComponentSettings {

    private final Path file;

    private ComponentSettings(Path file) {
        this.file = file;
    }

    /** Writes {@code settings} to {@code file}, readable by this user only: the database password is in it. */
    public static ComponentSettings write(Map<String, String> settings, Path file, String writtenBy) throws IOException {
        Properties p = new Properties();
        p.putAll(settings);
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (Writer w = Files.newBufferedWriter(file)) {
            p.store(w, writtenBy + ": the settings of every component");
        }
        return new ComponentSettings(file);
    }

    public Path file() {
        return file;
    }

    /** {@code command} (e.g. {@code run reconciler}) followed by {@code --config FILE}. */
    public String[] command(String... command) {
        String[] all = new String[command.length + 2];
        System.arraycopy(command, 0, all, 0, command.length);
        all[command.length] = "--config";
        all[command.length + 1] = file.toString();
        return all;
    }
}
