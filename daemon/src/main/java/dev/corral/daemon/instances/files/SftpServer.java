package dev.corral.daemon.instances.files;

import dev.corral.api.ApiException;
import io.vertx.core.net.NetSocket;
import java.nio.file.FileSystem;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.common.PropertyResolverUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.sftp.SftpModuleProperties;
import org.apache.sshd.sftp.server.SftpFileSystemAccessor;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * The SFTP server behind {@code GET /1.0/instances/{name}/sftp}: Apache MINA SSHD's SFTP subsystem, without SSH,
 * on the upgraded HTTP connection ({@link SftpSession}), serving the instance's {@link FileSystem}.
 *
 * <p>MINA's subsystem is built to run inside an SSH channel; here its settings come from an SSH server object that
 * is configured but never started (no port, no keys): it only carries properties and a random generator. At most
 * {@value #MAX_SESSIONS} sessions run at once (each holds one thread); more are refused with 503.
 */
final class SftpServer {

    static final int MAX_SESSIONS = 64;
    /** The largest read answered at once: the {@code incus} CLI asks for 128 KiB ({@code MaxPacketUnchecked}). */
    static final int MAX_READ = 128 * 1024;

    private final Semaphore sessions = new Semaphore(MAX_SESSIONS);

    /** MINA's set-up, made on first use (not at daemon start: it loads a good part of an SSH server). */
    private static final class Mina {
        static final SshServer SETTINGS = settings();
        static final SftpSubsystemFactory FACTORY = new SftpSubsystemFactory.Builder().build();

        private static SshServer settings() {
            SshServer settings = SshServer.setUpDefaultServer();
            SftpModuleProperties.MAX_READDATA_PACKET_LENGTH.set(settings, MAX_READ);
            // A client that stops reading holds its answers; after this long the session gives up on it.
            CoreModuleProperties.BUFFERED_IO_OUTPUT_MAX_PENDING_WRITE_SIZE.set(settings, 4 * 1024 * 1024);
            CoreModuleProperties.BUFFERED_IO_OUTPUT_MAX_PENDING_WRITE_WAIT.set(settings, Duration.ofMinutes(10));
            // MINA fsyncs every file written when it is closed (a 100 MiB push spent half its time there); Incus's
            // SFTP server does not, nor does the files API: a client that wants it asks (fsync@openssh.com).
            PropertyResolverUtils.updateProperty(settings, SftpFileSystemAccessor.PROP_AUTO_SYNC_FILE_ON_CLOSE, false);
            return settings;
        }
    }

    /** Loads MINA's set-up if not done yet: blocks the first time, so call it on a worker thread. */
    static void prepare() {
        Mina.SETTINGS.getClass();
    }

    /** A place for one session, released once by {@link #close()}. */
    final class Permit implements AutoCloseable {
        private final AtomicBoolean held = new AtomicBoolean(true);

        @Override
        public void close() {
            if (held.compareAndSet(true, false)) {
                sessions.release();
            }
        }
    }

    /** Takes a place for one more session; 503 when all are taken. */
    Permit permit() {
        if (!sessions.tryAcquire()) {
            throw new ApiException(503, "Too many SFTP sessions (at most " + MAX_SESSIONS + ")");
        }
        return new Permit();
    }

    /** Serves SFTP on {@code socket} (just upgraded) until either side closes; then closes {@code fs}. */
    void serve(NetSocket socket, FileSystem fs, String instance, Permit permit) {
        new SftpSession(socket, fs, instance, Mina.SETTINGS, Mina.FACTORY, permit).start();
    }
}
