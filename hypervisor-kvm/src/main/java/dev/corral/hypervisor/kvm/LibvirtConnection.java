package dev.corral.hypervisor.kvm;

import dev.corral.instance.DriverException;
import java.util.function.BiConsumer;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.event.DomainEventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One libvirt connection (libvirt-java), opened on first use and again when it died (libvirtd restarted), with
 * lifecycle events delivered to a listener. libvirt's default event loop runs once per JVM on a daemon thread
 * ({@code corral-libvirt-events}), started before the first connection as libvirt requires.
 *
 * <p>Threading: a libvirt connection may be used from any number of threads; {@link #get} is synchronised only
 * around (re)opening. The listener runs on the event-loop thread and must return quickly.
 */
final class LibvirtConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LibvirtConnection.class);
    private static boolean eventLoopStarted;

    private final String uri;
    private final BiConsumer<String, DomainEventType> listener;
    private Connect connect;
    private final org.libvirt.event.LifecycleListener lifecycle = (Domain domain,
            org.libvirt.event.DomainEvent event) -> {
        try {
            listener().accept(domain.getName(), event.getType());
        } catch (LibvirtException | RuntimeException e) {
            LOG.warn("cannot handle a libvirt lifecycle event: {}", e.getMessage());
        }
        return 0;
    };
    /**
     * libvirt prints every error on stderr unless an error function is set; Corral reports them itself (as
     * exceptions). Held here so that the callback is never collected.
     */
    private static final org.libvirt.jna.Libvirt.VirErrorCallback QUIET = (data, error) -> { };
    private volatile boolean unreachable;

    LibvirtConnection(String uri, BiConsumer<String, DomainEventType> listener) {
        this.uri = uri;
        this.listener = listener;
    }

    String uri() {
        return uri;
    }

    private BiConsumer<String, DomainEventType> listener() {
        return listener;
    }

    /** Something done with the connection; a {@link LibvirtException} becomes a {@link DriverException}. */
    interface Call<T> {
        T call(Connect connect) throws LibvirtException;
    }

    <T> T call(String what, Call<T> call) {
        try {
            return call.call(get());
        } catch (LibvirtException e) {
            throw new DriverException(what + ": " + message(e), e);
        }
    }

    /** Whether libvirt answers (opening the connection if needed); the reason it does not is logged once. */
    boolean reachable() {
        try {
            get();
            if (unreachable) {
                unreachable = false;
                LOG.info("libvirt at {} answers again", uri);
            }
            return true;
        } catch (DriverException e) {
            if (!unreachable) {
                unreachable = true;
                LOG.warn("{}", e.getMessage());
            }
            return false;
        }
    }

    /** The open connection; opens it (again) when needed. */
    synchronized Connect get() {
        try {
            if (connect != null && connect.isAlive()) {
                return connect;
            }
        } catch (LibvirtException e) {
            LOG.warn("libvirt connection to {} is gone ({}): reconnecting", uri, message(e));
        }
        if (connect != null) {
            try {
                connect.close();
            } catch (LibvirtException e) {
                LOG.debug("closing a dead libvirt connection: {}", message(e));
            }
            connect = null;
        }
        startEventLoop();
        try {
            Connect opened = new Connect(uri, false);
            opened.addLifecycleListener(lifecycle);
            try {
                opened.setKeepAlive(5, 3); // notices a libvirtd that went away; local drivers have no keepalive
            } catch (LibvirtException e) {
                LOG.debug("no keepalive on {}: {}", uri, message(e));
            }
            connect = opened;
            return opened;
        } catch (LibvirtException e) {
            throw new DriverException("Cannot reach libvirt at " + uri + " (is libvirtd running? "
                    + "scripts/start-libvirt.sh starts it): " + message(e), e);
        }
    }

    private static synchronized void startEventLoop() {
        if (eventLoopStarted) {
            return;
        }
        try {
            Connect.setErrorCallback(QUIET);
            org.libvirt.Library.initEventLoop();
        } catch (LibvirtException e) {
            throw new DriverException("cannot start libvirt's event loop: " + message(e), e);
        }
        Thread thread = new Thread(() -> {
            try {
                org.libvirt.Library.runEventLoop();
            } catch (LibvirtException e) {
                LOG.error("libvirt's event loop stopped: {}", message(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "corral-libvirt-events");
        thread.setDaemon(true);
        thread.start();
        eventLoopStarted = true;
    }

    static String message(LibvirtException e) {
        return e.getError() != null && e.getError().getMessage() != null ? e.getError().getMessage()
                : String.valueOf(e.getMessage());
    }

    static boolean isNoDomain(LibvirtException e) {
        return e.getError() != null && e.getError().getCode() == org.libvirt.Error.ErrorNumber.VIR_ERR_NO_DOMAIN;
    }

    @Override
    public synchronized void close() {
        if (connect != null) {
            try {
                // No more callbacks into a closed connection (libvirt-java would throw in the event loop).
                connect.removeLifecycleListener(lifecycle);
                connect.close();
            } catch (LibvirtException e) {
                LOG.debug("closing the libvirt connection: {}", message(e));
            }
            connect = null;
        }
    }
}
