package org.smartspec;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;

/**
 * Starts an embedded Neo4j 5.26 DBMS with a Bolt connector on 127.0.0.1, APOC core and Open Graph
 * Data Science (GDS).
 *
 * <p>Usage: {@code java -cp "target/classes:target/lib/*" org.smartspec.Neo4jLauncher
 * --port 7687 --home DIR [--password-file FILE]}. With a password file, authentication is on
 * and user {@code neo4j} gets the file's password (set at every start, so editing the file and
 * restarting changes it); without one, authentication is off. {@code LOAD CSV} and APOC's file
 * procedures read files only under {@code <home>/import}. Prints exactly one line {@code READY bolt://127.0.0.1:<port>} to
 * stdout once the default database is available; diagnostics go to stderr and Neo4j's own
 * logging goes to {@code <home>/logs/debug.log}. SIGTERM / SIGINT shut the DBMS down cleanly.
 *
 * <p>APOC: the apoc-core jar is on the classpath (so its classes and apoc-common's kernel
 * extensions load from the application class loader) and is also copied into
 * {@code <home>/plugins}, which is the only place Neo4j's procedure loader scans for
 * {@code @Procedure} / {@code @UserFunction} classes. This mirrors what the Neo4j server does,
 * whose start script puts {@code plugins/*} on the classpath as well.
 *
 * <p>GDS: all jars are on the classpath too; the build also copies the {@code org.neo4j.gds}
 * jars alone into {@code target/gds-plugins} (next to {@code target/classes}), and they are
 * copied into {@code <home>/plugins} as {@code gds-<jar>} so that the procedure loader finds
 * the {@code gds.*} procedures. Both {@code apoc.*} and {@code gds.*} are unrestricted.
 */
public final class Neo4jLauncher {

    private static final String APOC_MARKER_CLASS = "apoc.version.Version";

    private Neo4jLauncher() {
    }

    public static void main(String[] args) {
        int port = 7687;
        Path home = Path.of(".smartspec", "neo4j");
        Path passwordFile = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--port" -> port = Integer.parseInt(requireValue(args, ++i, arg));
                case "--home" -> home = Path.of(requireValue(args, ++i, arg));
                case "--password-file" -> passwordFile = Path.of(requireValue(args, ++i, arg));
                case "-h", "--help" -> {
                    System.out.println(
                            "usage: Neo4jLauncher [--port N] [--home DIR] [--password-file FILE]");
                    return;
                }
                default -> fail("unknown argument: " + arg, null);
            }
        }
        if (port < 1 || port > 65535) {
            fail("invalid port: " + port, null);
        }
        home = home.toAbsolutePath().normalize();

        PrintStream err = System.err;
        Path plugins = home.resolve("plugins");
        Path imports = home.resolve("import");
        try {
            Files.createDirectories(plugins);
            Files.createDirectories(imports);
            installApoc(plugins, err);
            installGds(plugins, err);
        } catch (IOException | RuntimeException e) {
            fail("cannot prepare " + plugins + ": " + e, e);
        }
        String password = null;
        if (passwordFile != null) {
            try {
                password = Files.readString(passwordFile).strip();
            } catch (IOException e) {
                fail("cannot read the password file " + passwordFile + ": " + e, e);
            }
            if (password.length() < 8) {
                fail("the password in " + passwordFile + " is shorter than 8 characters", null);
            }
        }

        DatabaseManagementService dbms;
        try {
            dbms = new DatabaseManagementServiceBuilder(home)
                    // Bolt on loopback only; no HTTP(S).
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                    .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                    .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                    // Netty's quiet period defaults to 5 s per event-loop group (about 10 s per
                    // shutdown); 1 s is plenty for a local server and keeps stop() snappy.
                    .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 1)
                    .setConfig(HttpConnector.enabled, false)
                    .setConfig(HttpsConnector.enabled, false)
                    // Authentication on when a password file is given (smartspec always gives one).
                    .setConfig(GraphDatabaseSettings.auth_enabled, password != null)
                    // LOAD CSV reads file:/// URLs under <home>/import only (APOC's file
                    // procedures follow this setting; its exports stay disabled).
                    .setConfig(GraphDatabaseSettings.load_csv_file_url_root, imports)
                    .setConfig(GraphDatabaseSettings.allow_file_urls, true)
                    // APOC and GDS.
                    .setConfig(GraphDatabaseSettings.plugin_dir, plugins)
                    .setConfig(GraphDatabaseSettings.procedure_unrestricted,
                            List.of("apoc.*", "gds.*"))
                    .setConfig(GraphDatabaseSettings.procedure_allowlist, List.of("*"))
                    // Modest memory / disk footprint (2 cores, 24 GB box, heap set by the caller).
                    .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(512))
                    .setConfig(GraphDatabaseSettings.keep_logical_logs, "2 files")
                    .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold,
                            ByteUnit.mebiBytes(64))
                    .build();
        } catch (RuntimeException e) {
            fail("Neo4j failed to start (is port " + port + " free?): " + rootMessage(e), e);
            return;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean shutdownDone = new AtomicBoolean(false);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (shutdownDone.compareAndSet(false, true)) {
                err.println("Neo4jLauncher: shutting down");
                try {
                    dbms.shutdown();
                    err.println("Neo4jLauncher: shutdown complete");
                } catch (RuntimeException e) {
                    err.println("Neo4jLauncher: error during shutdown: " + e);
                }
            }
            stopped.countDown();
        }, "neo4j-shutdown"));

        if (password != null) {
            setPassword(dbms, password, err);
        }

        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        while (!db.isAvailable(1000)) {
            err.println("Neo4jLauncher: waiting for database '" + db.databaseName() + "'");
        }

        try {
            Object apocVersion = db.executeTransactionally(
                    "RETURN apoc.version() AS v", Map.of(), r -> r.next().get("v"));
            err.println("Neo4jLauncher: APOC " + apocVersion + " registered");
        } catch (RuntimeException e) {
            err.println("Neo4jLauncher: WARNING apoc.version() unavailable: " + rootMessage(e));
        }
        try {
            Object gdsVersion = db.executeTransactionally(
                    "RETURN gds.version() AS v", Map.of(), r -> r.next().get("v"));
            err.println("Neo4jLauncher: Graph Data Science " + gdsVersion + " registered");
        } catch (RuntimeException e) {
            err.println("Neo4jLauncher: WARNING gds.version() unavailable: " + rootMessage(e));
        }

        System.out.println("READY bolt://127.0.0.1:" + port);
        System.out.flush();

        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Give user neo4j the password (no change required at first login). */
    private static void setPassword(DatabaseManagementService dbms, String password, PrintStream err) {
        GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        while (!system.isAvailable(1000)) {
            err.println("Neo4jLauncher: waiting for the system database");
        }
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PLAINTEXT PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
            err.println("Neo4jLauncher: authentication on, password of user neo4j set");
        } catch (RuntimeException e) {
            String message = rootMessage(e);
            if (message.contains("Old password and new password cannot be the same")) {
                err.println("Neo4jLauncher: authentication on, password of user neo4j unchanged");
            } else {
                dbms.shutdown();
                fail("cannot set the password of user neo4j: " + message, e);
            }
        }
    }

    /** Copy the apoc-core jar found on the classpath into the plugins folder (idempotent). */
    private static void installApoc(Path plugins, PrintStream err) throws IOException {
        Path jar;
        try {
            Class<?> marker = Class.forName(APOC_MARKER_CLASS);
            jar = Path.of(marker.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (ClassNotFoundException | URISyntaxException | NullPointerException e) {
            err.println("Neo4jLauncher: WARNING APOC not on the classpath (" + e + ")");
            return;
        }
        if (!Files.isRegularFile(jar)) {
            err.println("Neo4jLauncher: WARNING APOC is not loaded from a jar: " + jar);
            return;
        }
        String name = jar.getFileName().toString();
        // Stale APOC jars (other versions) would register the same procedure names twice.
        try (DirectoryStream<Path> old = Files.newDirectoryStream(plugins, "apoc-*.jar")) {
            for (Path p : old) {
                if (!p.getFileName().toString().equals(name)) {
                    Files.delete(p);
                }
            }
        }
        Path target = plugins.resolve(name);
        if (!Files.exists(target) || Files.size(target) != Files.size(jar)
                || Files.mismatch(target, jar) != -1L) {
            Files.copy(jar, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Copy the GDS jars of {@code target/gds-plugins} into the plugins folder as
     * {@code gds-<jar>} (idempotent; other {@code gds-*.jar} files there are removed).
     */
    private static void installGds(Path plugins, PrintStream err) throws IOException {
        Path source;
        try {
            Path classes = Path.of(
                    Neo4jLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            source = classes.getParent().resolve("gds-plugins");
        } catch (URISyntaxException | NullPointerException e) {
            err.println("Neo4jLauncher: WARNING cannot locate the GDS jars (" + e + ")");
            return;
        }
        if (!Files.isDirectory(source)) {
            err.println("Neo4jLauncher: WARNING no GDS jars in " + source);
            return;
        }
        Set<String> wanted = new HashSet<>();
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(source, "*.jar")) {
            for (Path jar : jars) {
                String name = "gds-" + jar.getFileName();
                wanted.add(name);
                Path target = plugins.resolve(name);
                if (!Files.exists(target) || Files.size(target) != Files.size(jar)
                        || Files.mismatch(target, jar) != -1L) {
                    Files.copy(jar, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        // Jars of another GDS version would register the same procedure names twice.
        try (DirectoryStream<Path> old = Files.newDirectoryStream(plugins, "gds-*.jar")) {
            for (Path p : old) {
                if (!wanted.contains(p.getFileName().toString())) {
                    Files.delete(p);
                }
            }
        }
    }

    private static String requireValue(String[] args, int i, String flag) {
        if (i >= args.length) {
            fail("missing value for " + flag, null);
        }
        return args[i];
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            sb.append(" <- ").append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
        }
        return sb.toString();
    }

    private static void fail(String message, Throwable e) {
        System.err.println("Neo4jLauncher: ERROR " + message);
        if (e != null) {
            e.printStackTrace(System.err);
        }
        System.exit(1);
    }
}
