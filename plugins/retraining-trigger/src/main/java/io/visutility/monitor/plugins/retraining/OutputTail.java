package io.visutility.monitor.plugins.retraining;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Reads a child process's combined output to the end on a thread of its own, so that the child
 * never blocks on a full pipe, and keeps only the last {@value #CAPACITY} bytes of it.
 *
 * <p>Thread-safe: the drain thread appends and any thread reads under this object's monitor.
 */
final class OutputTail {

    static final int CAPACITY = 4096;

    private final byte[] tail = new byte[CAPACITY];
    private int length; // guarded by this
    private final Thread drainer;

    private OutputTail(InputStream in) {
        this.drainer = new Thread(() -> readAll(in), "retraining-exec-output");
        drainer.setDaemon(true); // a grandchild that keeps the pipe open must not keep the JVM alive
    }

    /** Starts draining {@code in}. */
    static OutputTail drain(InputStream in) {
        OutputTail tail = new OutputTail(in);
        tail.drainer.start();
        return tail;
    }

    /** Waits up to {@code wait} for the end of the output; a process's leftover child may hold it open longer. */
    void await(Duration wait) throws InterruptedException {
        drainer.join(Math.max(1, wait.toMillis()));
    }

    /** The last non-blank line read so far, without its line end; empty if none. */
    synchronized String lastLine() {
        String text = new String(tail, 0, length, StandardCharsets.UTF_8).stripTrailing();
        return text.substring(text.lastIndexOf('\n') + 1).strip();
    }

    private void readAll(InputStream in) {
        byte[] buffer = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                append(buffer, n);
            }
        } catch (IOException e) {
            // the stream closes under us when the process is gone: what was read is all there is
        }
    }

    private synchronized void append(byte[] buffer, int n) {
        if (n >= CAPACITY) {
            System.arraycopy(buffer, n - CAPACITY, tail, 0, CAPACITY);
            length = CAPACITY;
            return;
        }
        int keep = Math.min(length, CAPACITY - n);
        System.arraycopy(tail, length - keep, tail, 0, keep);
        System.arraycopy(buffer, 0, tail, keep, n);
        length = keep + n;
    }
}
