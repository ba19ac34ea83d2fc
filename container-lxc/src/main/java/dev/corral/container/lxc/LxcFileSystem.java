package dev.corral.container.lxc;

import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.nio.file.spi.FileSystemProvider;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * A container's files as a {@link FileSystem}: its paths ({@link LxcPath}), resolved inside its root by {@link
 * RootDir}. What {@link LxcFiles} hands out for the files API and SFTP. Thread-safe; closing releases the root.
 */
final class LxcFileSystem extends FileSystem {

    private static final Set<String> VIEWS = Set.of("basic", "posix", "unix", "owner");

    private final RootDir root;
    private final String id;
    private final AtomicBoolean open = new AtomicBoolean(true);

    LxcFileSystem(RootDir root, String id) {
        this.root = root;
        this.id = id;
    }

    RootDir root() {
        if (!open.get()) {
            throw new java.nio.file.ClosedFileSystemException();
        }
        return root;
    }

    /** The instance's backend name (for URIs and messages). */
    String id() {
        return id;
    }

    @Override
    public FileSystemProvider provider() {
        return LxcFileSystemProvider.INSTANCE;
    }

    @Override
    public void close() {
        if (open.compareAndSet(true, false)) {
            root.close();
        }
    }

    @Override
    public boolean isOpen() {
        return open.get();
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
        return List.of(new LxcPath(this, "/"));
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        return List.of();
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return VIEWS;
    }

    @Override
    public Path getPath(String first, String... more) {
        StringBuilder sb = new StringBuilder(first);
        for (String part : more) {
            if (!part.isEmpty()) {
                if (sb.length() > 0) {
                    sb.append('/');
                }
                sb.append(part);
            }
        }
        return new LxcPath(this, sb.toString());
    }

    /** {@code regex:} only (nothing here needs globs). */
    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        if (!syntaxAndPattern.startsWith("regex:")) {
            throw new UnsupportedOperationException("only regex: path matchers: " + syntaxAndPattern);
        }
        Pattern pattern = Pattern.compile(syntaxAndPattern.substring("regex:".length()));
        return path -> pattern.matcher(path.toString()).matches();
    }

    /** Users and groups are named by their number inside the instance. */
    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        return new UserPrincipalLookupService() {
            @Override
            public LxcFileAttributes.Id lookupPrincipalByName(String name) throws UserPrincipalNotFoundException {
                return new LxcFileAttributes.Id(number(name), false);
            }

            @Override
            public LxcFileAttributes.Id lookupPrincipalByGroupName(String group)
                    throws UserPrincipalNotFoundException {
                return new LxcFileAttributes.Id(number(group), true);
            }
        };
    }

    private static String number(String name) throws UserPrincipalNotFoundException {
        try {
            return Long.toString(Long.parseLong(name));
        } catch (NumberFormatException e) {
            throw new UserPrincipalNotFoundException(name); // names are numbers inside the instance
        }
    }

    @Override
    public WatchService newWatchService() {
        throw new UnsupportedOperationException("no watch service on instance files");
    }
}
