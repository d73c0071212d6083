package io.visutility.monitor.bench;

import io.visutility.monitor.api.InferenceLatency;
import io.visutility.monitor.api.ModelVersion;
import io.visutility.monitor.host.Monitor;
import io.visutility.monitor.host.bus.ObserverStats;
import io.visutility.monitor.host.reload.ReloadWatcher;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Hot reload costs, on the assembled distribution's plugin jars:
 * <ol>
 *   <li>latency: with events flowing, the time from {@code mv} of a jar into the plugins folder to
 *   the first event delivered to the observer that was waiting for it (watcher, default 250 ms
 *   debounce), over {@code runs} runs: median and p95;</li>
 *   <li>memory: heap in use (after GC) after 200 reload cycles of two plugins under running
 *   observers, against after 1.</li>
 * </ol>
 * Run: {@code java -cp bench/target/benchmarks.jar io.visutility.monitor.bench.ReloadHarness
 * dist/target/visutility-monitor [runs]}
 */
public final class ReloadHarness {

    private ReloadHarness() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Path distribution = Path.of(args.length > 0 ? args[0] : "dist/target/visutility-monitor");
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        Path work = Files.createTempDirectory("reload-harness-");
        try {
            latency(distribution, work.resolve("latency"), runs);
            memory(distribution, work.resolve("memory"));
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static Path install(Path distribution, Path dir, String manifest) throws Exception {
        Files.createDirectories(dir.resolve("conf"));
        Files.createDirectories(dir.resolve("plugins"));
        try (Stream<Path> jars = Files.list(distribution.resolve("plugins"))) {
            for (Path jar : (Iterable<Path>) jars::iterator) {
                Files.copy(jar, dir.resolve("plugins").resolve(jar.getFileName()));
            }
        }
        return Files.writeString(dir.resolve("conf/monitor.yaml"), manifest);
    }

    private static void latency(Path distribution, Path dir, int runs) throws Exception {
        Path manifest = install(distribution, dir, """
                observers:
                  - name: probe
                    type: retraining-trigger
                    strategy: {type: p-value}
                """);
        Path jar;
        try (Stream<Path> jars = Files.list(dir.resolve("plugins"))) {
            jar = jars.filter(p -> p.getFileName().toString().startsWith("retraining-trigger-")).findFirst()
                    .orElseThrow();
        }
        Path aside = dir.resolve(jar.getFileName());
        double[] millis = new double[runs];
        try (Monitor monitor = Monitor.start(manifest); ReloadWatcher watcher = ReloadWatcher.start(monitor)) {
            AtomicBoolean feeding = new AtomicBoolean(true);
            Thread feeder = new Thread(() -> {
                ModelVersion model = new ModelVersion("m", "v1");
                while (feeding.get()) {
                    monitor.bus().emit(new InferenceLatency(model, 1, Instant.now()));
                    try {
                        Thread.sleep(0, 100_000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            feeder.start();
            for (int run = 0; run < runs; run++) {
                Files.move(jar, aside);
                while (monitor.observerNames().contains("probe")) {
                    Thread.sleep(1);
                }
                long start = System.nanoTime();
                Files.move(aside, jar, StandardCopyOption.ATOMIC_MOVE);
                while (delivered(monitor) == 0) {
                    Thread.onSpinWait();
                }
                millis[run] = (System.nanoTime() - start) / 1e6;
            }
            feeding.set(false);
            feeder.join();
        }
        Arrays.sort(millis);
        System.out.printf("mv of a jar to the first event at its observer, %d runs: median %.0f ms, p95 %.0f ms,"
                        + " min %.0f ms, max %.0f ms%n", runs, millis[runs / 2],
                millis[(int) Math.ceil(runs * 0.95) - 1], millis[0], millis[runs - 1]);
    }

    private static long delivered(Monitor monitor) {
        return monitor.bus().stats().stream().filter(s -> s.name().equals("probe"))
                .mapToLong(ObserverStats::delivered).sum();
    }

    private static void memory(Path distribution, Path dir) throws Exception {
        Path manifest = install(distribution, dir, """
                reload: {watch: false}
                observers:
                  - name: console
                    type: console-logger
                    events: [concept_drift]
                  - name: retrain
                    type: retraining-trigger
                    strategy: {type: p-value}
                """);
        String[] jars = {"console-logger", "drift-strategies"};
        Path[] bundled = new Path[jars.length];
        for (int i = 0; i < jars.length; i++) {
            String prefix = jars[i] + "-";
            try (Stream<Path> files = Files.list(dir.resolve("plugins"))) {
                bundled[i] = files.filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst()
                        .orElseThrow();
            }
        }
        try (Monitor monitor = Monitor.start(manifest)) {
            long afterOne = 0;
            for (int cycle = 1; cycle <= 200; cycle++) {
                for (Path jar : bundled) {
                    Path staged = dir.resolve("staged.jar");
                    Files.copy(jar, staged, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(staged, jar, StandardCopyOption.REPLACE_EXISTING);
                }
                monitor.jarsChanged(Set.of(), Set.of(),
                        Set.of(bundled[0].getFileName().toString(), bundled[1].getFileName().toString()));
                if (cycle == 1) {
                    afterOne = heapAfterGc();
                }
            }
            long afterMany = heapAfterGc();
            System.out.printf("heap in use after GC: after 1 reload cycle %.1f MiB, after 200 %.1f MiB (ratio %.2f)%n",
                    afterOne / 1048576.0, afterMany / 1048576.0, (double) afterMany / afterOne);
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
