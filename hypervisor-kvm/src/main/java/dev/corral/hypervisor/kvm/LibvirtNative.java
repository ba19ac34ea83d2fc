package dev.corral.hypervisor.kvm;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.PointerType;

/**
 * The libvirt calls libvirt-java 0.5 lacks (the domain console), mapped with JNA. Package-private: nothing native
 * leaves {@link ConsoleStream}, which turns return codes into exceptions. Handles are typed; each is freed by its
 * owner.
 */
interface LibvirtNative extends Library {

    LibvirtNative LIB = Native.load("virt", LibvirtNative.class);

    /** {@code virStreamFlags}: {@code VIR_STREAM_NONBLOCK}. */
    int STREAM_NONBLOCK = 1;
    /** {@code virDomainConsoleFlags}: take the console over from another session. */
    int CONSOLE_FORCE = 1;
    /** {@code virDomainConsoleFlags}: refuse unless the hypervisor can tell when the console is taken over. */
    int CONSOLE_SAFE = 2;
    /** What {@code virStreamRecv}/{@code virStreamSend} return on a non-blocking stream with nothing to do. */
    int STREAM_AGAIN = -2;

    final class virConnectPtr extends PointerType {
    }

    final class virDomainPtr extends PointerType {
    }

    final class virStreamPtr extends PointerType {
    }

    virConnectPtr virConnectOpen(String uri);

    int virConnectClose(virConnectPtr conn);

    virDomainPtr virDomainLookupByName(virConnectPtr conn, String name);

    int virDomainFree(virDomainPtr domain);

    virStreamPtr virStreamNew(virConnectPtr conn, int flags);

    int virDomainOpenConsole(virDomainPtr domain, String devName, virStreamPtr stream, int flags);

    int virStreamRecv(virStreamPtr stream, byte[] data, long nbytes);

    int virStreamSend(virStreamPtr stream, byte[] data, long nbytes);

    int virStreamFinish(virStreamPtr stream);

    int virStreamAbort(virStreamPtr stream);

    int virStreamFree(virStreamPtr stream);

    /** The last error of this thread, or null; the string belongs to libvirt. */
    String virGetLastErrorMessage();

    static String lastError() {
        String message = LIB.virGetLastErrorMessage();
        return message == null ? "unknown libvirt error" : message;
    }
}
