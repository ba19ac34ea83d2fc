package dev.corral.hypervisor.kvm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;

/**
 * A file of a VM held in memory while it is open: read from the guest at open, written back to it at close when
 * it changed (the guest agent moves whole files, not streams). Not for files larger than what is read at open.
 */
final class MemoryFileChannel extends FileChannel {

    /** Writes the content back to the guest. */
    interface Flush {
        void write(byte[] content) throws IOException;
    }

    private byte[] data;
    private int size;
    private long position;
    private final boolean writable;
    private final boolean append;
    private final Flush flush;
    private boolean dirty;

    MemoryFileChannel(byte[] initial, boolean writable, boolean append, boolean dirty, Flush flush) {
        this.data = initial;
        this.size = initial.length;
        this.writable = writable;
        this.append = append;
        this.dirty = dirty;
        this.flush = flush;
    }

    @Override
    public synchronized int read(ByteBuffer dst) {
        int n = read(dst, position);
        if (n > 0) {
            position += n;
        }
        return n;
    }

    @Override
    public synchronized long read(ByteBuffer[] dsts, int offset, int length) {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            int n = read(dsts[i]);
            if (n < 0) {
                return total == 0 ? -1 : total;
            }
            total += n;
        }
        return total;
    }

    @Override
    public synchronized int write(ByteBuffer src) {
        if (append) {
            position = size;
        }
        int n = write(src, position);
        position += n;
        return n;
    }

    @Override
    public synchronized long write(ByteBuffer[] srcs, int offset, int length) {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            total += write(srcs[i]);
        }
        return total;
    }

    @Override
    public synchronized long position() {
        return position;
    }

    @Override
    public synchronized FileChannel position(long newPosition) {
        position = newPosition;
        return this;
    }

    @Override
    public synchronized long size() {
        return size;
    }

    @Override
    public synchronized FileChannel truncate(long newSize) {
        requireWritable();
        if (newSize < size) {
            size = (int) newSize;
            dirty = true;
        }
        position = Math.min(position, newSize);
        return this;
    }

    @Override
    public void force(boolean metaData) {
    }

    @Override
    public synchronized long transferTo(long from, long count, WritableByteChannel target) throws IOException {
        if (from >= size) {
            return 0;
        }
        int n = (int) Math.min(count, size - from);
        return target.write(ByteBuffer.wrap(data, (int) from, n));
    }

    @Override
    public synchronized long transferFrom(ReadableByteChannel src, long at, long count) throws IOException {
        requireWritable();
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(count, 1 << 20));
        int n = src.read(buffer);
        if (n <= 0) {
            return 0;
        }
        buffer.flip();
        return write(buffer, at);
    }

    @Override
    public synchronized int read(ByteBuffer dst, long at) {
        if (at >= size) {
            return -1;
        }
        int n = (int) Math.min(dst.remaining(), size - at);
        dst.put(data, (int) at, n);
        return n;
    }

    @Override
    public synchronized int write(ByteBuffer src, long at) {
        requireWritable();
        int n = src.remaining();
        long end = at + n;
        if (end > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("file too large for a VM file transfer");
        }
        if (end > data.length) {
            data = Arrays.copyOf(data, (int) Math.max(end, Math.min(Integer.MAX_VALUE - 8L, data.length * 2L)));
        }
        if (at > size) {
            Arrays.fill(data, size, (int) at, (byte) 0);
        }
        src.get(data, (int) at, n);
        size = (int) Math.max(size, end);
        dirty |= n > 0;
        return n;
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) {
        throw new UnsupportedOperationException("files inside a VM cannot be mapped");
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) {
        throw new UnsupportedOperationException("files inside a VM cannot be locked");
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) {
        throw new UnsupportedOperationException("files inside a VM cannot be locked");
    }

    private void requireWritable() {
        if (!writable) {
            throw new NonWritableChannelException();
        }
    }

    @Override
    protected synchronized void implCloseChannel() throws IOException {
        if (writable && dirty) {
            flush.write(Arrays.copyOf(data, size));
        }
    }
}
