package io.visutility.monitor.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

    private final Settings settings = Settings.of("observer 'retrain'", "monitor.yaml:10",
            Map.of("threshold", "high", "alpha", 0.01, "window", 50, "cooldown", "90s",
                    "models", List.of("a", "b"), "on", true),
            Map.of("threshold", "monitor.yaml:12", "alpha", "monitor.yaml:13"));

    @Test
    void readsTypedValuesAndDefaults() {
        assertThat(settings.getDouble("alpha", 0.05)).isEqualTo(0.01);
        assertThat(settings.getDouble("window", 0)).isEqualTo(50.0);
        assertThat(settings.getLong("window", 0)).isEqualTo(50);
        assertThat(settings.getDuration("cooldown", Duration.ZERO)).isEqualTo(Duration.ofSeconds(90));
        assertThat(settings.getList("models")).containsExactly("a", "b");
        assertThat(settings.getBoolean("on", false)).isTrue();
        assertThat(settings.getString("threshold")).isEqualTo("high");
        assertThat(settings.getString("absent", "def")).isEqualTo("def");
        assertThat(settings.getDuration("absent", Duration.ofMinutes(10))).isEqualTo(Duration.ofMinutes(10));
        assertThat(settings.getList("absent")).isEmpty();
    }

    @Test
    void aWrongTypeNamesFileLineOwnerAndKey() {
        assertThatThrownBy(() -> settings.getDouble("threshold", 0.05))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("monitor.yaml:12: observer 'retrain': key 'threshold': expected a number, got 'high'");
        assertThatThrownBy(() -> settings.getLong("alpha", 1))
                .hasMessage("monitor.yaml:13: observer 'retrain': key 'alpha': expected an integer, got 0.01");
    }

    @Test
    void aMissingRequiredKeyNamesTheMapsLine() {
        assertThatThrownBy(() -> settings.getString("path"))
                .hasMessage("monitor.yaml:10: observer 'retrain': key 'path': is required");
    }

    @Test
    void durationsNeedAUnit() {
        Settings bad = Settings.of(Map.of("a", "10", "b", "5 minutes", "c", 10));
        for (String key : List.of("a", "b", "c")) {
            assertThatThrownBy(() -> bad.getDuration(key, Duration.ZERO))
                    .hasMessageContaining("key '" + key + "': expected a duration such as 250ms, 10s, 5m");
        }
        Settings good = Settings.of(Map.of("ms", "250ms", "m", "5m", "h", "2h", "d", "1d"));
        assertThat(good.getDuration("ms", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
        assertThat(good.getDuration("m", Duration.ZERO)).isEqualTo(Duration.ofMinutes(5));
        assertThat(good.getDuration("h", Duration.ZERO)).isEqualTo(Duration.ofHours(2));
        assertThat(good.getDuration("d", Duration.ZERO)).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void rememberWhichKeysWereAskedFor() {
        settings.getDouble("alpha", 0.05);
        settings.getString("typo", "x");
        assertThat(settings.requestedKeys()).containsExactly("alpha", "typo");
    }

    @Test
    void invalidBuildsAPluginsOwnComplaintWithTheLine() {
        assertThat(settings.invalid("alpha", "must be in (0,1)"))
                .hasMessage("monitor.yaml:13: observer 'retrain': key 'alpha': must be in (0,1)");
        assertThat(Settings.of(Map.of()).invalid("alpha", "must be in (0,1)"))
                .hasMessage("settings: key 'alpha': must be in (0,1)");
    }
}
