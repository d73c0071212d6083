package io.visutility.monitor.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogValueTest {

    @Test
    void plainTokensAreWrittenAsTheyAre() {
        assertThat(LogValue.quote("fraud")).isEqualTo("fraud");
        assertThat(LogValue.quote("team/fraud-detector_v2.1:canary@eu+1")).isEqualTo("team/fraud-detector_v2.1:canary@eu+1");
        assertThat(LogValue.quote("modèle")).isEqualTo("modèle");
    }

    @Test
    void aValueThatWouldForgeAFieldIsQuoted() {
        assertThat(LogValue.quote("x drift=0.00")).isEqualTo("\"x drift=0.00\"");
        assertThat(LogValue.quote("")).isEqualTo("\"\"");
        assertThat(LogValue.quote("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
        assertThat(LogValue.quote("two\nlines\r\tx")).isEqualTo("\"two\\nlines\\r\\tx\"");
        assertThat(LogValue.quote(null)).isEqualTo("null");
    }

    @Test
    void bidiZeroWidthAndControlCharactersAreEscaped() {
        assertThat(LogValue.quote("abc\u202Efed")).isEqualTo("\"abc\\u202efed\"");
        assertThat(LogValue.quote("a\u2066b\u2069")).isEqualTo("\"a\\u2066b\\u2069\"");
        assertThat(LogValue.quote("a\u200Bb\u200Dc\uFEFF")).isEqualTo("\"a\\u200bb\\u200dc\\ufeff\"");
        assertThat(LogValue.quote("a\u0000\u001b[31m")).isEqualTo("\"a\\u0000\\u001b[31m\"");
        assertThat(LogValue.quote("a\u2028b")).isEqualTo("\"a\\u2028b\"");
    }

    @Test
    void surrogatePairsPrintAndLoneSurrogatesAreEscaped() {
        assertThat(LogValue.quote("ok \uD83D\uDE00")).isEqualTo("\"ok \uD83D\uDE00\"");
        assertThat(LogValue.quote("a\uD800")).isEqualTo("\"a\\ud800\"");
        assertThat(LogValue.quote("\uDC00b")).isEqualTo("\"\\udc00b\"");
        // a tag character (format, supplementary) hides text: both halves escaped
        assertThat(LogValue.quote("a\uDB40\uDC41")).isEqualTo("\"a\\udb40\\udc41\"");
    }
}
