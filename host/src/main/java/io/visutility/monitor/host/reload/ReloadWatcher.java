package io.visutility.monitor.host.reload;

import io.visutility.monitor.host.Monitor;
import io.visutility.monitor.host.manifest.Manifest;
import io.visutility.monitor.host.reload.FolderScan.JarState;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the plugins folder and the manifest file ({@link WatchService}) and hot-reloads the
 * monitor when they change. Changes are debounced: a reload runs once nothing has changed for the
 * manifest's {@code reload.debounce}, and at the latest {@value #MAX_DEBOUNCES} debounces after the
 * first change (a file that something keeps writing next to the manifest, a log or a sink's
 * output, must not hold reloads off for as long as it is written). A jar is only read once it is stable: its size and
 * modification time are the same in two looks a debounce apart, or it was last modified longer
 * ago than that (a jar moved in by {@code mv}); so a half-copied jar is never loaded.
 *
 * <p>Thread-safety: one thread of its own does all the watching and calls the monitor, whose
 * reload methods are serialized; {@link #close()} may be called from any thread.
 */
public final class ReloadWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("reload");
    /** How many debounces a reload may be put off by changes that keep coming. */
    private static final int MAX_DEBOUNCES = 10;

    private final Monitor monitor;
    private final Path pluginsDir;
    private final Path manifestFile;
    private final long debounceNanos;
    private final WatchService watchService;
    private final Thread thread;
    private FolderScan applied;
    private FolderScan lastLook;
    private byte[] manifestApplied;
    private volatile boolean running = true;

    private ReloadWatcher(Monitor monitor) throws IOException {
        Manifest manifest = monitor.manifest();
        this.monitor = monitor;
        this.pluginsDir = manifest.pluginsDir();
        this.manifestFile = manifest.file().toAbsolutePath();
        this.debounceNanos = manifest.debounce().toNanos();
        this.watchService = FileSystems.getDefault().newWatchService();
        this.applied = FolderScan.of(pluginsDir);
        this.lastLook = applied;
        this.manifestApplied = Files.readAllBytes(manifestFile);
        register(pluginsDir);
        if (!manifestFile.getParent().equals(pluginsDir)) {
            register(manifestFile.getParent());
        }
        this.thread = new Thread(this::run, "reload-watcher");
        thread.setDaemon(true);
    }

    /** Starts watching the monitor's plugins folder and manifest file. */
    public static ReloadWatcher start(Monitor monitor) throws IOException {
        ReloadWatcher watcher = new ReloadWatcher(monitor);
        watcher.thread.start();
        LOG.info("reload: watching {} and {} (debounce {} ms)", watcher.pluginsDir, watcher.manifestFile,
                TimeUnit.NANOSECONDS.toMillis(watcher.debounceNanos));
        return watcher;
    }

    private void register(Path dir) throws IOException {
        dir.register(watchService, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.OVERFLOW);
    }

    private void run() {
        boolean pending = false;
        long deadline = 0; // while pending: when the reload runs even if changes keep coming
        try {
            while (running) {
                WatchKey key;
                if (pending) {
                    long left = deadline - System.nanoTime();
                    key = left > 0 ? watchService.poll(Math.min(debounceNanos, left), TimeUnit.NANOSECONDS) : null;
                } else {
                    key = watchService.take();
                }
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                    if (!pending) {
                        pending = true; // wait until the folder has been quiet for a debounce
                        deadline = System.nanoTime() + MAX_DEBOUNCES * debounceNanos;
                    }
                    continue;
                }
                pending = !reload();
                deadline = System.nanoTime() + MAX_DEBOUNCES * debounceNanos;
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closing
        }
    }

    /** Applies what is stable; returns false if some jar is still changing (look again later). */
    private boolean reload() {
        boolean settled = true;
        try {
            FolderScan look = FolderScan.of(pluginsDir);
            long stableBefore = System.currentTimeMillis() - TimeUnit.NANOSECONDS.toMillis(debounceNanos);
            Set<String> removed = new TreeSet<>(applied.jars().keySet());
            removed.removeAll(look.jars().keySet());
            Set<String> added = new TreeSet<>();
            Set<String> changed = new TreeSet<>();
            Map<String, JarState> nowApplied = new HashMap<>(applied.jars());
            removed.forEach(nowApplied::remove);
            for (Map.Entry<String, JarState> jar : look.jars().entrySet()) {
                JarState before = applied.jars().get(jar.getKey());
                if (jar.getValue().equals(before)) {
                    continue;
                }
                boolean stable = jar.getValue().equals(lastLook.jars().get(jar.getKey()))
                        || jar.getValue().modifiedMillis() < stableBefore;
                if (!stable) {
                    settled = false;
                    continue;
                }
                (before == null ? added : changed).add(jar.getKey());
                nowApplied.put(jar.getKey(), jar.getValue());
            }
            lastLook = look;
            if (!removed.isEmpty() || !added.isEmpty() || !changed.isEmpty()) {
                monitor.jarsChanged(removed, added, changed);
                applied = new FolderScan(Map.copyOf(nowApplied));
            }
            byte[] manifest;
            try {
                manifest = Files.readAllBytes(manifestFile);
            } catch (IOException e) {
                String problem = manifestFile + ": cannot read: " + e;
                if (manifestApplied != null) { // said once, not at every look
                    monitor.manifestUnreadable(problem);
                    manifestApplied = null; // so the file, once back, is applied (and the error cleared)
                }
                return false;
            }
            if (!Arrays.equals(manifest, manifestApplied)) {
                manifestApplied = manifest;
                monitor.reloadManifest();
            }
        } catch (IOException e) {
            LOG.error("reload: cannot read {}: {}; will look again", pluginsDir, e.toString());
            settled = false;
        } catch (RuntimeException | LinkageError e) {
            LOG.error("reload failed; the host keeps running", e);
        }
        return settled;
    }

    /** Stops watching. Idempotent. */
    @Override
    public void close() {
        running = false;
        try {
            watchService.close();
        } catch (IOException e) {
            LOG.debug("closing the watch service", e);
        }
        thread.interrupt();
    }
}
