package dev.corral.hypervisor.kvm;

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

/** A path of an {@link AgentFileSystem}: the guest's names, {@code /}-separated. Pure syntax; touches nothing. */
final class AgentPath implements Path {

    private final AgentFileSystem fs;
    private final String path;

    AgentPath(AgentFileSystem fs, String path) {
        this.fs = fs;
        this.path = clean(path);
    }

    /** Collapses repeated slashes and drops a trailing one (except for "/"), as the JDK's unix paths do. */
    private static String clean(String p) {
        String s = p.replaceAll("/+", "/");
        return s.length() > 1 && s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** The absolute path inside the guest: relative paths are taken from {@code /}. */
    String guestPath() {
        return normalize().toAbsolutePath().toString();
    }

    private List<String> names() {
        if (path.isEmpty() || path.equals("/")) {
            return List.of();
        }
        return Arrays.asList((path.startsWith("/") ? path.substring(1) : path).split("/"));
    }

    private AgentPath of(boolean absolute, List<String> names) {
        return new AgentPath(fs, (absolute ? "/" : "") + String.join("/", names));
    }

    @Override
    public AgentFileSystem getFileSystem() {
        return fs;
    }

    @Override
    public boolean isAbsolute() {
        return path.startsWith("/");
    }

    @Override
    public Path getRoot() {
        return isAbsolute() ? new AgentPath(fs, "/") : null;
    }

    @Override
    public Path getFileName() {
        List<String> n = names();
        if (n.isEmpty()) {
            return path.isEmpty() ? this : null;
        }
        return new AgentPath(fs, n.get(n.size() - 1));
    }

    @Override
    public Path getParent() {
        List<String> n = names();
        if (n.isEmpty() || (n.size() == 1 && !isAbsolute())) {
            return null;
        }
        return of(isAbsolute(), n.subList(0, n.size() - 1));
    }

    @Override
    public int getNameCount() {
        return path.isEmpty() ? 1 : names().size();
    }

    @Override
    public Path getName(int index) {
        return new AgentPath(fs, path.isEmpty() ? "" : names().get(index));
    }

    @Override
    public Path subpath(int beginIndex, int endIndex) {
        return of(false, names().subList(beginIndex, endIndex));
    }

    @Override
    public boolean startsWith(Path other) {
        AgentPath o = check(other);
        if (o.isAbsolute() != isAbsolute()) {
            return false;
        }
        List<String> mine = names();
        List<String> theirs = o.names();
        return theirs.size() <= mine.size() && mine.subList(0, theirs.size()).equals(theirs);
    }

    @Override
    public boolean endsWith(Path other) {
        AgentPath o = check(other);
        if (o.isAbsolute()) {
            return equals(o);
        }
        List<String> mine = names();
        List<String> theirs = o.names();
        return theirs.size() <= mine.size() && mine.subList(mine.size() - theirs.size(), mine.size()).equals(theirs);
    }

    @Override
    public Path normalize() {
        List<String> out = new ArrayList<>();
        for (String name : names()) {
            if (name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                if (!out.isEmpty() && !out.get(out.size() - 1).equals("..")) {
                    out.remove(out.size() - 1);
                } else if (!isAbsolute()) {
                    out.add(name);
                }
                continue;
            }
            out.add(name);
        }
        return of(isAbsolute(), out);
    }

    @Override
    public Path resolve(Path other) {
        AgentPath o = check(other);
        if (o.isAbsolute()) {
            return o;
        }
        if (o.path.isEmpty()) {
            return this;
        }
        if (path.isEmpty()) {
            return o;
        }
        return new AgentPath(fs, path.equals("/") ? "/" + o.path : path + "/" + o.path);
    }

    @Override
    public Path relativize(Path other) {
        AgentPath o = check(other);
        if (o.isAbsolute() != isAbsolute()) {
            throw new IllegalArgumentException("'other' is different type of Path");
        }
        List<String> mine = names();
        List<String> theirs = o.names();
        int common = 0;
        while (common < mine.size() && common < theirs.size() && mine.get(common).equals(theirs.get(common))) {
            common++;
        }
        List<String> out = new ArrayList<>();
        for (int i = common; i < mine.size(); i++) {
            out.add("..");
        }
        out.addAll(theirs.subList(common, theirs.size()));
        return of(false, out);
    }

    @Override
    public URI toUri() {
        throw new UnsupportedOperationException("paths inside a VM have no URI");
    }

    @Override
    public Path toAbsolutePath() {
        return isAbsolute() ? this : new AgentPath(fs, "/" + path);
    }

    @Override
    public Path toRealPath(LinkOption... options) throws java.io.IOException {
        return fs.provider().realPath(this);
    }

    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
        throw new UnsupportedOperationException("no watch service inside a VM");
    }

    @Override
    public int compareTo(Path other) {
        return path.compareTo(check(other).path);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AgentPath o && o.fs == fs && o.path.equals(path);
    }

    @Override
    public int hashCode() {
        return path.hashCode();
    }

    @Override
    public String toString() {
        return path;
    }

    static AgentPath check(Path path) {
        if (!(path instanceof AgentPath p)) {
            throw new ProviderMismatchException("not a path inside a VM: " + path);
        }
        return p;
    }
}
