package io.visutility.monitor.host.cli;

import io.visutility.monitor.host.Monitor;
import io.visutility.monitor.host.alerts.AlertmanagerSender;
import io.visutility.monitor.host.cluster.KafkaIngest;
import io.visutility.monitor.host.ingest.JsonLinesReplay;
import io.visutility.monitor.host.ingest.ReplaySummary;
import io.visutility.monitor.host.manifest.HttpIngestSpec;
import io.visutility.monitor.host.manifest.ManifestException;
import io.visutility.monitor.host.reload.ReloadWatcher;
import io.visutility.monitor.host.telemetry.HostMetrics;
import io.visutility.monitor.host.web.HttpListener;
import io.visutility.monitor.host.web.StreamHealth;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code monitor run}: starts the host. With {@code --replay} it emits the events of a JSON-lines
 * file (or stdin, {@code -}) and exits once every event is delivered; without, it runs until
 * SIGTERM or Ctrl-C. Either way each observer's {@code stop()} is called once. With
 * {@code reload.watch} (the default) it hot-reloads changes to the plugins folder and manifest;
 * SIGHUP logs what is loaded and running.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the host on a manifest; optionally replay a JSON-lines event file.")
final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Option(names = "--replay", paramLabel = "FILE|-",
            description = "Emit the events of this JSON-lines file ('-' for stdin), then exit.")
    String replay;

    @Override
    public Integer call() throws Exception {
        InputStream input = replay == null ? null : open(replay);
        Monitor monitor = Monitor.start(config.file);
        // Closed newest first, then the monitor; the hook is in place before anything else starts,
        // so a SIGTERM at any point still stops every observer once.
        Deque<AutoCloseable> front = new ConcurrentLinkedDeque<>();
        Thread shutdown = new Thread(() -> {
            for (AutoCloseable part; (part = front.pollFirst()) != null; ) {
                closeQuietly(part);
            }
            monitor.close();
        }, "monitor-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        StateSignal.install(() -> LOG.info(monitor.state()));
        if (monitor.manifest().watch()) {
            front.addFirst(ReloadWatcher.start(monitor));
        }
        HostMetrics metrics = new HostMetrics(monitor.metricsRegistry(), monitor);
        // Set once the stream runs: until then, and without ingest.kafka, /healthz has no kafka part.
        AtomicReference<Supplier<Optional<StreamHealth>>> streamHealth = new AtomicReference<>(Optional::empty);
        if (monitor.manifest().http().isPresent()) {
            HttpIngestSpec http = monitor.manifest().http().get();
            try {
                front.addFirst(HttpListener.start(http, monitor, Clock.systemUTC(), metrics, metrics,
                        () -> streamHealth.get().get()));
            } catch (IOException e) {
                // An address in use or that does not resolve: the manifest asks for what cannot run here.
                throw new ManifestException(http.where() + ": http: cannot listen on " + http.bind() + ":"
                        + http.port() + ": " + e.getMessage());
            }
        }
        if (monitor.manifest().kafka().isPresent()) {
            KafkaIngest stream = KafkaIngest.start(monitor.manifest().kafka().get(), monitor.bus(), metrics);
            front.addFirst(stream);
            metrics.add(stream);
            streamHealth.set(stream::health);
        }
        if (monitor.manifest().alerts().isPresent()) {
            front.addFirst(AlertmanagerSender.start(monitor.manifest().alerts().get(), monitor.status(),
                    Clock.systemUTC()));
        }
        if (input == null) {
            LOG.info("running with observers {}; stop with Ctrl-C or SIGTERM", monitor.observerNames());
            new CountDownLatch(1).await(); // until the JVM exits; the shutdown hook stops the observers
            return ExitCode.OK;
        }
        ReplaySummary summary;
        try (input) {
            summary = new JsonLinesReplay(monitor.bus(), Clock.systemUTC(), metrics, System.err,
                    JsonLinesReplay.PROGRESS_EVERY).replay(input, replayName());
        } finally {
            Runtime.getRuntime().removeShutdownHook(shutdown);
            shutdown.run();
        }
        spec.commandLine().getOut().println(summary);
        spec.commandLine().getOut().flush();
        return ExitCode.OK;
    }

    private static void closeQuietly(AutoCloseable part) {
        try {
            part.close();
        } catch (Exception e) {
            LOG.warn("closing {} failed", part, e);
        }
    }

    private String replayName() {
        return replay.equals("-") ? "stdin" : replay;
    }

    private static InputStream open(String replay) throws UsageException, IOException {
        if (replay.equals("-")) {
            return System.in;
        }
        if (Files.isDirectory(Path.of(replay))) {
            throw new UsageException("--replay: is a directory, not a JSON-lines file: " + replay);
        }
        try {
            return Files.newInputStream(Path.of(replay));
        } catch (NoSuchFileException e) {
            throw new UsageException("--replay: no such file: " + replay);
        }
    }
}
