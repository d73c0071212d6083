package com.example.alerts;

import static io.visutility.monitor.testkit.TestEvents.conceptDrift;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.visutility.monitor.testkit.TestObserver;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertsObserverTest {

    /** A Notifier that keeps what it was sent, as another plugin's extension would be found. */
    static final class RecordingNotifier implements Notifier {
        static final List<String> SENT = new ArrayList<>();

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public void send(String alert) {
            SENT.add(alert);
        }
    }

    @Test
    void sendsAnAlertThroughEveryNotifierForADriftAndNoneOtherwise() throws Exception {
        RecordingNotifier.SENT.clear();
        try (TestObserver observer = TestObserver.of(new AlertsObserver()).config("alpha: 0.01")
                .extensions(Notifier.class, RecordingNotifier::new).start()) {
            observer.send(conceptDrift("fraud", "v2", 0.2), conceptDrift("fraud", "v2", 0.003));

            assertEquals(List.of("INFO sending alerts through [recording]"), observer.logLines());
            assertEquals(List.of("concept drift on fraud@v2: p_value 0.003 <= 0.01"), RecordingNotifier.SENT);
        }
    }
}
