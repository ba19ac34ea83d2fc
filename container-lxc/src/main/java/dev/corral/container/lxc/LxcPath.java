package dev.corral.container.lxc;

import java.net.URI;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A path of an {@link LxcFileSystem}: the container's names, {@code /}-separated. Pure syntax, as {@code
 * java.nio}'s own unix paths: nothing here touches a file; {@link LxcFileSystemProvider} resolves paths through
 * {@link RootDir}. Immutable.
 */
final class LxcPath implements Path {

    private final LxcFileSystem fs;
    /** Without repeated or trailing slashes; "" is the empty path, "/" the root. */
    private final String path;
    private volatile String[] names;

    LxcPath(LxcFileSystem fs, String path) {
        this.fs = fs;
        this.path = clean(path);
    }

    private static String clean(String path) {
        if (path.indexOf('\0') >= 0) {
            throw new java.nio.file.InvalidPathException(path, "NUL character");
        }
        StringBuilder sb = new StringBuilder(path.length());
        char previous = 0;
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '/' && previous == '/') {
                continue;
            }
            sb.append(c);
            previous = c;
        }
        if (sb.length() > 1 && sb.charAt(sb.length() - 1) == '/') {
            sb.setLength(sb.length() - 1);
        }
        return sb.toString();
    }

    private String[] names() {
        String[] n = names;
        if (n == null) {
            String body = path.startsWith("/") ? path.substring(1) : path;
            n = body.isEmpty() ? (path.isEmpty() ? new String[] {""} : new String[0]) : body.split("/");
            names = n;
        }
        return n;
    }

    /** The absolute, lexically normalised string: what {@link RootDir} takes. */
    String container() {
        return toAbsolutePath().normalize().toString();
    }

    @Override
    public LxcFileSystem getFileSystem() {
        return fs;
    }

    @Override
    public boolean isAbsolute() {
        return path.startsWith("/");
    }

    @Override
    public Path getRoot() {
        return isAbsolute() ? new LxcPath(fs, "/") : null;
    }

    @Override
    public Path getFileName() {
        String[] n = names();
        if (n.length == 0) {
            return null;
        }
        if (n.length == 1 && !isAbsolute()) {
            return this;
        }
        return new LxcPath(fs, n[n.length - 1]);
    }

    @Override
    public Path getParent() {
        String[] n = names();
        if (n.length == 0 || n.length == 1 && !isAbsolute()) {
            return null;
        }
        if (n.length == 1) {
            return getRoot();
        }
        return new LxcPath(fs, (isAbsolute() ? "/" : "") + String.join("/", Arrays.copyOf(n, n.length - 1)));
    }

    @Override
    public int getNameCount() {
        return names().length;
    }

    @Override
    public Path getName(int index) {
        String[] n = names();
        if (index < 0 || index >= n.length) {
            throw new IllegalArgumentException("no name " + index + " in " + path);
        }
        return new LxcPath(fs, n[index]);
    }

    @Override
    public Path subpath(int beginIndex, int endIndex) {
        String[] n = names();
        if (beginIndex < 0 || endIndex > n.length || beginIndex >= endIndex) {
            throw new IllegalArgumentException("no names " + beginIndex + ".." + endIndex + " in " + path);
        }
        return new LxcPath(fs, String.join("/", Arrays.copyOfRange(n, beginIndex, endIndex)));
    }

    @Override
    public boolean startsWith(Path other) {
        if (!(other instanceof LxcPath o) || o.fs != fs || o.isAbsolute() != isAbsolute()) {
            return false;
        }
        String[] a = names();
        String[] b = o.names();
        if (b.length > a.length || o.path.isEmpty() && !path.isEmpty()) {
            return false;
        }
        for (int i = 0; i < b.length; i++) {
            if (!a[i].equals(b[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean endsWith(Path other) {
        if (!(other instanceof LxcPath o) || o.fs != fs) {
            return false;
        }
        if (o.isAbsolute()) {
            return o.path.equals(path);
        }
        String[] a = names();
        String[] b = o.names();
        if (b.length > a.length) {
            return false;
        }
        for (int i = 0; i < b.length; i++) {
            if (!a[a.length - b.length + i].equals(b[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Path normalize() {
        List<String> out = new ArrayList<>();
        for (String name : names()) {
            if (name.equals(".") || name.isEmpty()) {
                continue;
            }
            if (name.equals("..")) {
                if (!out.isEmpty() && !out.get(out.size() - 1).equals("..")) {
                    out.remove(out.size() - 1);
                    continue;
                }
                if (isAbsolute()) {
                    continue; // ".." of the root is the root
                }
            }
            out.add(name);
        }
        return new LxcPath(fs, (isAbsolute() ? "/" : "") + String.join("/", out));
    }

    @Override
    public Path resolve(Path other) {
        LxcPath o = check(other);
        if (o.isAbsolute()) {
            return o;
        }
        if (o.path.isEmpty()) {
            return this;
        }
        if (path.isEmpty()) {
            return o;
        }
        return new LxcPath(fs, path + "/" + o.path);
    }

    @Override
    public Path relativize(Path other) {
        LxcPath o = check(other);
        if (o.isAbsolute() != isAbsolute()) {
            throw new IllegalArgumentException("'other' is different type of Path");
        }
        if (o.path.equals(path)) {
            return new LxcPath(fs, "");
        }
        String[] a = path.isEmpty() || path.equals("/") ? new String[0] : names();
        String[] b = o.path.isEmpty() || o.path.equals("/") ? new String[0] : o.names();
        int common = 0;
        while (common < a.length && common < b.length && a[common].equals(b[common])) {
            common++;
        }
        List<String> out = new ArrayList<>();
        for (int i = common; i < a.length; i++) {
            out.add("..");
        }
        out.addAll(Arrays.asList(b).subList(common, b.length));
        return new LxcPath(fs, String.join("/", out));
    }

    @Override
    public URI toUri() {
        return URI.create(LxcFileSystemProvider.SCHEME + "://" + fs.id() + toAbsolutePath());
    }

    @Override
    public Path toAbsolutePath() {
        return isAbsolute() ? this : new LxcPath(fs, "/" + path);
    }

    @Override
    public Path toRealPath(LinkOption... options) throws java.io.IOException {
        if (Arrays.asList(options).contains(LinkOption.NOFOLLOW_LINKS)) {
            Path normal = toAbsolutePath().normalize();
            fs.root().stat(normal.toString(), false); // it exists
            return normal;
        }
        return new LxcPath(fs, fs.root().realPath(container()));
    }

    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
        throw new UnsupportedOperationException("no watch service on instance files");
    }

    @Override
    public int compareTo(Path other) {
        return path.compareTo(check(other).path);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LxcPath o && o.fs == fs && o.path.equals(path);
    }

    @Override
    public int hashCode() {
        return path.hashCode();
    }

    @Override
    public String toString() {
        return path;
    }

    private LxcPath check(Path other) {
        if (!(other instanceof LxcPath o) || o.fs != fs) {
            throw new ProviderMismatchException("not a path of this instance's file system: " + other);
        }
        return o;
    }
}
