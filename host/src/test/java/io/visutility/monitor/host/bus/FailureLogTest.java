package io.visutility.monitor.host.bus;

import static io.visutility.monitor.host.bus.Producers.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What a failing observer writes to the log: slf4j-simple writes to the System.err of the moment. */
class FailureLogTest {

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private PrintStream err;

    @BeforeEach
    void captureLog() {
        err = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreLog() {
        System.setErr(err);
    }

    private List<String> logLines() {
        return captured.toString(StandardCharsets.UTF_8).lines().filter(line -> line.contains(" - ")).toList();
    }

    private static DispatchPolicy failing(DispatchMode mode, Duration pause) {
        return new DispatchPolicy(mode, 1024, OverflowPolicy.BLOCK, Optional.empty(), 5, pause,
                Duration.ofSeconds(60), DispatchPolicy.DEFAULT.shutdownTimeout());
    }

    @ParameterizedTest
    @EnumSource(DispatchMode.class)
    void anObserverFailingOnEveryEventUpToTheStopWritesAFewLines(DispatchMode mode) {
        EventBus bus = new EventBus();
        Registration registration = bus.register("failing", EventFilter.ALL,
                e -> { throw new IllegalStateException("boom"); }, failing(mode, Duration.ofSeconds(1)));
        for (int i = 0; i < 40_000; i++) {
            bus.emit(event(0, i));
        }
        registration.close();

        assertThat(registration.stats().failed() + registration.stats().dropped(DropReason.PAUSED)).isEqualTo(40_000);
        assertThat(logLines()).hasSizeLessThanOrEqualTo(3)
                .noneMatch(line -> line.contains("resumed"))
                .anyMatch(line -> line.endsWith("observer 'failing' failed 5 times in a row; paused for 1000 ms"));
    }

    @Test
    void theResumeLineSaysHowLongThePauseLasted() {
        EventBus bus = new EventBus();
        boolean[] fail = {true};
        Registration registration = bus.register("flaky", EventFilter.ALL, e -> {
            if (fail[0]) {
                throw new IllegalStateException("boom");
            }
        }, failing(DispatchMode.SYNC, Duration.ofMillis(200)));
        for (int i = 0; i < 5; i++) {
            bus.emit(event(0, i));
        }
        fail[0] = false;
        long pausedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(5)).until(() -> !registration.stats().paused());
        bus.emit(event(0, 5));
        long waited = Duration.ofNanos(System.nanoTime() - pausedAt).toMillis();
        registration.close();

        Matcher resumed = Pattern.compile("observer 'flaky' resumed after a (\\d+) ms pause$")
                .matcher(logLines().get(logLines().size() - 1));
        assertThat(resumed.find()).isTrue();
        assertThat(Long.parseLong(resumed.group(1))).isBetween(200L, waited + 50);
    }
}
