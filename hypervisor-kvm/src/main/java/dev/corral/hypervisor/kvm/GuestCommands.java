package dev.corral.hypervisor.kvm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.instance.InstanceRef;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Base64;
import java.util.List;

/**
 * File operations inside a running VM through qemu-guest-agent: small programs run with {@code guest-exec} (no
 * shell: arguments go as they are) and file contents through {@code guest-file-*}. Failures become the standard
 * {@code java.nio.file} exceptions, from the guest's own error text. Blocking; any worker thread.
 */
final class GuestCommands {

    /** What one {@code guest-file-read}/{@code -write} moves (the agent's answer is base64 in JSON). */
    private static final int CHUNK = 1 << 20;

    private final GuestAgent agent;
    private final InstanceRef ref;

    GuestCommands(GuestAgent agent, InstanceRef ref) {
        this.agent = agent;
        this.ref = ref;
    }

    /** A finished program: exit status and output. */
    record Result(int status, String stdout, String stderr) {
    }

    /** Runs {@code argv} in the guest and waits for it. */
    Result run(List<String> argv) throws IOException {
        ObjectNode args = GuestAgent.args().put("path", argv.get(0)).put("capture-output", true);
        ArrayNode arg = args.putArray("arg");
        argv.subList(1, argv.size()).forEach(arg::add);
        args.putArray("env").add("PATH=/usr/sbin:/usr/bin:/sbin:/bin").add("LC_ALL=C");
        long pid = call("guest-exec", args, argv.get(0)).path("pid").asLong();
        long delay = 5;
        while (true) {
            JsonNode s = call("guest-exec-status", GuestAgent.args().put("pid", pid), argv.get(0));
            if (s.path("exited").asBoolean(false)) {
                return new Result(s.has("signal") ? 128 + s.path("signal").asInt() : s.path("exitcode").asInt(),
                        text(s.path("out-data")), text(s.path("err-data")));
            }
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while " + argv.get(0) + " ran in the guest");
            }
            delay = Math.min(100, delay * 2);
        }
    }

    /** Runs {@code argv}; a non-zero status becomes the exception its error text names, about {@code path}. */
    Result check(String path, String... argv) throws IOException {
        Result r = run(List.of(argv));
        if (r.status() != 0) {
            throw failure(path, r.stderr().isBlank() ? argv[0] + " failed (" + r.status() + ")" : r.stderr());
        }
        return r;
    }

    /** The whole content of a regular file, at most {@code limit} bytes (more: a FileSystemException). */
    byte[] read(String path, long limit) throws IOException {
        long handle = open(path, "r");
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                JsonNode r = call("guest-file-read", GuestAgent.args().put("handle", handle).put("count", CHUNK), path);
                byte[] data = Base64.getDecoder().decode(r.path("buf-b64").asText(""));
                out.write(data);
                if (out.size() > limit) {
                    throw new FileSystemException(path, null, "larger than the " + (limit >> 20)
                            + " MiB that go through the VM's guest agent in one piece");
                }
                if (r.path("eof").asBoolean(false) || data.length == 0) {
                    return out.toByteArray();
                }
            }
        } finally {
            closeHandle(handle, path);
        }
    }

    /** Writes {@code data} to {@code path}, created or truncated ({@code append}: added at its end). */
    void write(String path, byte[] data, boolean append) throws IOException {
        long handle = open(path, append ? "a" : "w");
        try {
            int offset = 0;
            do {
                int n = Math.min(CHUNK, data.length - offset);
                String chunk = Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(data, offset,
                        offset + n));
                call("guest-file-write", GuestAgent.args().put("handle", handle).put("buf-b64", chunk), path);
                offset += n;
            } while (offset < data.length);
        } finally {
            closeHandle(handle, path);
        }
    }

    private long open(String path, String mode) throws IOException {
        return call("guest-file-open", GuestAgent.args().put("path", path).put("mode", mode), path).asLong();
    }

    private void closeHandle(long handle, String path) throws IOException {
        call("guest-file-close", GuestAgent.args().put("handle", handle), path);
    }

    private JsonNode call(String command, ObjectNode args, String path) throws IOException {
        try {
            return agent.call(ref, command, args);
        } catch (GuestAgent.AgentError e) {
            throw failure(path, e.getMessage());
        } catch (dev.corral.instance.DriverException e) {
            throw new FileSystemException(path, null, e.getMessage());
        }
    }

    /** The exception the guest's error text describes. */
    static IOException failure(String path, String message) {
        String m = message.trim();
        if (m.contains("No such file or directory")) {
            return new NoSuchFileException(path, null, m);
        }
        if (m.contains("File exists")) {
            return new FileAlreadyExistsException(path, null, m);
        }
        if (m.contains("Directory not empty")) {
            return new DirectoryNotEmptyException(path);
        }
        if (m.contains("Not a directory")) {
            return new NotDirectoryException(path);
        }
        if (m.contains("Permission denied") || m.contains("Operation not permitted")) {
            return new AccessDeniedException(path, null, m);
        }
        return new FileSystemException(path, null, m);
    }

    private static String text(JsonNode data) {
        return data.isTextual() ? new String(Base64.getDecoder().decode(data.asText()), StandardCharsets.UTF_8) : "";
    }
}
