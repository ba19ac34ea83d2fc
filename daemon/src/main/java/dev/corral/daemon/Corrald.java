package dev.corral.daemon;

import java.nio.file.Path;

/** {@code corrald}: runs the daemon in the foreground until SIGTERM or SIGINT; logs go to stderr. */
public final class Corrald {

    private Corrald() {
    }

    public static void main(String[] args) throws Exception {
        // slf4j-simple reads these once, before the first logger exists.
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        System.setProperty("org.slf4j.simpleLogger.log.io.netty", "warn");
        long started = System.nanoTime();
        String home = System.getProperty("corral.home");
        DaemonConfig config = DaemonConfig.fromEnvironment(System.getenv(), home == null ? null : Path.of(home));
        Daemon daemon;
        try {
            daemon = Daemon.start(config);
        } catch (Exception e) {
            System.err.println("corrald: " + e.getMessage());
            System.exit(1);
            return;
        }
        org.slf4j.LoggerFactory.getLogger(Corrald.class).info("ready in {} ms (CORRAL_DIR={})",
                (System.nanoTime() - started) / 1_000_000, config.dir());
        Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "corral-shutdown"));
        Thread.currentThread().join();
    }
}
