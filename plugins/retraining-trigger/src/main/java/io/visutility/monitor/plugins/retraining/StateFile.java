package io.visutility.monitor.plugins.retraining;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * The retraining trigger's saved state: one versioned JSON file per observer, written atomically
 * (a temporary file, then a rename).
 *
 * <pre>{"format":1,"observer":"retrain","strategy":"page-hinkley","models":[
 *   {"model":"fraud","version":"v2","last_trigger":"2026-11-26T10:20:00Z","last_drift":"2026-11-26T10:21:00Z",
 *    "state":{...}}]}</pre>
 *
 * <p>{@code last_drift} (absent in older files: read as none) is the event time of the last drift
 * verdict, so that the host's model health survives a restart.
 *
 * <p>Thread-safe: stateless; the mapper is shared read-only.
 */
final class StateFile {

    static final int FORMAT = 1;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private StateFile() {
    }

    /** What one model version had accumulated. */
    record ModelEntry(String model, String version, @JsonProperty("last_trigger") String lastTrigger,
                      @JsonProperty("last_drift") String lastDrift, Map<String, Object> state) {
    }

    /** The whole file. */
    record Contents(int format, String observer, String strategy, List<ModelEntry> models) {
    }

    /** A state file that cannot be used: corrupt, another format, another strategy. */
    static final class Unusable extends Exception {
        Unusable(String message) {
            super(message);
        }
    }

    static void write(Path file, Contents contents) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path temporary = file.resolveSibling("." + file.getFileName() + ".tmp");
        MAPPER.writerWithDefaultPrettyPrinter().writeValue(temporary.toFile(), contents);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static Contents read(Path file, String expectedStrategy) throws IOException, Unusable {
        Map<String, Object> raw;
        try {
            raw = MAPPER.readValue(file.toFile(), new TypeReference<>() { });
        } catch (JsonProcessingException e) {
            throw new Unusable("not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (raw == null) {
            throw new Unusable("holds null, not a state object");
        }
        Object format = raw.get("format");
        if (!(format instanceof Integer f) || f != FORMAT) {
            throw new Unusable("format " + format + " is not the supported format " + FORMAT);
        }
        Contents contents;
        try {
            contents = MAPPER.convertValue(raw, Contents.class);
        } catch (IllegalArgumentException e) {
            throw new Unusable("unexpected content (" + e.getMessage() + ")");
        }
        if (!expectedStrategy.equals(contents.strategy())) {
            throw new Unusable("written for strategy " + contents.strategy() + ", this observer uses "
                    + expectedStrategy);
        }
        return contents;
    }
}
