package io.visutility.monitor.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VerdictTest {

    @Test
    void eachFactoryGivesItsLevelScoreAndReason() {
        assertThat(Verdict.stable(0.1)).isEqualTo(new Verdict(Verdict.Level.STABLE, 0.1, ""));
        assertThat(Verdict.stable(0.1, "warming up")).isEqualTo(new Verdict(Verdict.Level.STABLE, 0.1, "warming up"));
        assertThat(Verdict.warning(0.4, "near the threshold"))
                .isEqualTo(new Verdict(Verdict.Level.WARNING, 0.4, "near the threshold"));
        assertThat(Verdict.drift(0.9, "over")).isEqualTo(new Verdict(Verdict.Level.DRIFT, 0.9, "over"));
    }
}
