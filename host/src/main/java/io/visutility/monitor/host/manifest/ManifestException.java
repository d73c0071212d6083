package io.visutility.monitor.host.manifest;

import java.util.List;

/**
 * A manifest that cannot be run. Each problem names the file, line and key, and where it helps,
 * the valid choices; {@link #getMessage()} lists them one per line.
 */
public final class ManifestException extends Exception {

    private final List<String> problems;

    public ManifestException(List<String> problems) {
        super(String.join(System.lineSeparator(), problems));
        this.problems = List.copyOf(problems);
    }

    public ManifestException(String problem) {
        this(List.of(problem));
    }

    /** The problems, one line each. */
    public List<String> problems() {
        return problems;
    }
}
