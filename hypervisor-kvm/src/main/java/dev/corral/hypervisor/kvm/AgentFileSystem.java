package dev.corral.hypervisor.kvm;

import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.List;
import java.util.Set;

/**
 * The files of a running VM as a {@link FileSystem}, reached through its guest agent ({@link GuestCommands}).
 * Paths are the guest's; the guest kernel resolves them (links, {@code ..}), so nothing outside the VM is reachable.
 */
final class AgentFileSystem extends FileSystem {

    private final AgentFileSystemProvider provider;
    private final GuestCommands guest;
    private volatile boolean open = true;

    AgentFileSystem(GuestCommands guest) {
        this.guest = guest;
        this.provider = new AgentFileSystemProvider(this);
    }

    GuestCommands guest() {
        return guest;
    }

    @Override
    public AgentFileSystemProvider provider() {
        return provider;
    }

    @Override
    public void close() {
        open = false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public String getSeparator() {
        return "/";
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        return List.of(new AgentPath(this, "/"));
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        return List.of();
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return Set.of("basic", "posix", "unix", "owner");
    }

    @Override
    public Path getPath(String first, String... more) {
        StringBuilder s = new StringBuilder(first);
        for (String m : more) {
            if (!m.isEmpty()) {
                s.append(s.length() > 0 ? "/" : "").append(m);
            }
        }
        if (s.indexOf("\0") >= 0) {
            throw new java.nio.file.InvalidPathException(s.toString(), "NUL in a path");
        }
        return new AgentPath(this, s.toString());
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        PathMatcher matcher = java.nio.file.FileSystems.getDefault().getPathMatcher(syntaxAndPattern);
        return path -> matcher.matches(java.nio.file.Path.of(path.toString()));
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        return new UserPrincipalLookupService() {
            @Override
            public AgentFileAttributes.Id lookupPrincipalByName(String name) throws UserPrincipalNotFoundException {
                return new AgentFileAttributes.Id(number(name), false);
            }

            @Override
            public AgentFileAttributes.Id lookupPrincipalByGroupName(String group)
                    throws UserPrincipalNotFoundException {
                return new AgentFileAttributes.Id(number(group), true);
            }
        };
    }

    private static long number(String name) throws UserPrincipalNotFoundException {
        try {
            return Long.parseLong(name);
        } catch (NumberFormatException e) {
            throw new UserPrincipalNotFoundException(name);
        }
    }

    @Override
    public WatchService newWatchService() {
        throw new UnsupportedOperationException("no watch service inside a VM");
    }
}
