package io.visutility.monitor.testkit;

import io.visutility.monitor.api.Settings;
import io.visutility.monitor.host.manifest.Manifest;
import io.visutility.monitor.host.manifest.ManifestException;
import io.visutility.monitor.host.manifest.ManifestLoader;
import io.visutility.monitor.host.manifest.ObserverSpec;
import io.visutility.monitor.host.observers.UnreadKeys;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link Settings} from a YAML snippet, read by the host's own manifest parser, as if the snippet
 * were the {@code config} (or {@code strategy.config}) of a manifest entry. Messages name the
 * snippet as {@code settings.yaml} and its lines from 1. Stateless and thread-safe.
 */
public final class TestSettings {

    /** The file name messages give the snippet. */
    public static final String FILE = "settings.yaml";

    private static final Pattern LINE = Pattern.compile(Pattern.quote(FILE) + ":(\\d+)");

    private TestSettings() {
    }

    /**
     * The snippet as an observer's {@code config}, e.g. {@code "path: /tmp/x\nkeep: 3"} or
     * {@code "{threshold: 0.1}"}; empty or blank for no settings.
     *
     * @param observerName the entry's name, as messages show it ({@code observer 'NAME'})
     * @throws IllegalArgumentException with the host's message if the snippet is not a YAML map
     */
    public static Settings observerConfig(String observerName, String yaml) {
        return parse(observerName, null, yaml);
    }

    /**
     * The snippet as the {@code strategy.config} of an observer's entry; messages show it as
     * {@code observer 'NAME' strategy 'TYPE'}.
     */
    public static Settings strategyConfig(String observerName, String strategyType, String yaml) {
        return parse(observerName, strategyType, yaml);
    }

    /**
     * The host's unknown-key check: every key present must have been asked for.
     *
     * @param reader for the message, e.g. {@code type my-observer} or {@code strategy my-strategy}
     * @throws IllegalArgumentException naming the first key never read, as the host does at start
     */
    public static void rejectUnread(Settings settings, String reader) {
        UnreadKeys.reject(settings, reader);
    }

    private static Settings parse(String observerName, String strategyType, String yaml) {
        StringBuilder text = new StringBuilder("observers:\n  - name: ").append(observerName)
                .append("\n    type: test\n");
        String indent;
        if (strategyType == null) {
            indent = "      ";
            text.append("    config:");
        } else {
            indent = "        ";
            text.append("    strategy:\n      type: ").append(strategyType).append("\n      config:");
        }
        int offset = (int) text.chars().filter(c -> c == '\n').count() + 1; // lines before the snippet
        String snippet = yaml == null ? "" : yaml.stripIndent().strip();
        if (snippet.isEmpty()) {
            text.append(" {}\n");
        } else {
            text.append('\n');
            snippet.lines().forEach(line -> text.append(indent).append(line).append('\n'));
        }
        Manifest manifest;
        try {
            manifest = new ManifestLoader().parse(text.toString(), Path.of(FILE));
        } catch (ManifestException e) {
            throw new IllegalArgumentException(snippetLines(e.getMessage(), offset), e);
        }
        ObserverSpec spec = manifest.observers().get(0);
        Settings parsed = strategyType == null ? spec.config() : spec.strategy().orElseThrow().config();
        // The same settings, with the snippet's own line numbers in the messages plugins raise.
        String owner = "observer '" + observerName + "'" + (strategyType == null ? "" : " strategy '" + strategyType + "'");
        Map<String, String> keyLines = new HashMap<>();
        parsed.keys().forEach(key -> keyLines.put(key, snippetLines(parsed.where(key), offset)));
        return Settings.of(owner, snippetLines(parsed.where(""), offset), parsed.values(), keyLines);
    }

    /** The host counts lines of the manifest the snippet is put in; the author counts the snippet's. */
    static String snippetLines(String message, int offset) {
        Matcher m = LINE.matcher(message);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, FILE + ":" + Math.max(1, Integer.parseInt(m.group(1)) - offset));
        }
        return m.appendTail(out).toString();
    }
}
