package io.visutility.monitor.host.scaffold;

import io.visutility.monitor.host.HostVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.lang.model.SourceVersion;

/**
 * Writes a new plugin project, as {@code monitor new-plugin} does: a Maven build against
 * {@code plugin-api} (provided) and {@code plugin-testkit} (test), one extension class that reads
 * its settings, a test of it, the schema of its settings and a README. The templates are resources
 * of the host jar, so the distribution carries them.
 *
 * <p>Thread-safe: immutable.
 *
 * @param kind        what the extension is
 * @param name        plugin id, artifact id and {@code @ExtensionType}: lower-case words joined by dashes
 * @param javaPackage the package of the extension class
 */
public record PluginScaffold(Kind kind, String name, String javaPackage) {

    /** The two kinds of extension a plugin provides. */
    public enum Kind {
        OBSERVER, STRATEGY;

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What a plugin name may be: it is also a Maven artifact id, a type name and a file name. */
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-zA-Z0-9]+)}}");

    /**
     * @throws IllegalArgumentException naming the value, for a name or package that cannot be used
     */
    public PluginScaffold {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("--name: '" + name + "' is not a plugin name: use lower-case letters, "
                    + "digits and single dashes, starting with a letter (e.g. latency-budget)");
        }
        if (!SourceVersion.isName(javaPackage) || !javaPackage.equals(javaPackage.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("--package: '" + javaPackage + "' is not a lower-case Java package name "
                    + "(e.g. com.example.monitor)");
        }
    }

    /** The default package for a plugin called {@code name}: {@code com.example.} and the name without dashes. */
    public static String defaultPackage(String name) {
        String last = name.replace("-", "");
        return "com.example." + (SourceVersion.isKeyword(last) ? last + "_" : last);
    }

    /** The extension class's simple name: the name in camel case, ending in {@code Observer} or {@code Strategy}. */
    public String className() {
        StringBuilder camel = new StringBuilder();
        for (String word : name.split("-")) {
            camel.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
        }
        String suffix = kind == Kind.OBSERVER ? "Observer" : "Strategy";
        return camel.toString().endsWith(suffix) ? camel.toString() : camel + suffix;
    }

    /** The jar {@code mvn package} builds, relative to the project. */
    public String jar() {
        return "target/" + name + "-0.1.0.jar";
    }

    /**
     * Writes the project into {@code dir}, which must not exist or be empty.
     *
     * @return the files written, relative to {@code dir}
     * @throws IllegalArgumentException if {@code dir} holds anything
     * @throws IOException if a file cannot be written
     */
    public List<String> writeTo(Path dir) throws IOException {
        if (Files.exists(dir) && (!Files.isDirectory(dir) || hasEntries(dir))) {
            throw new IllegalArgumentException("--dir: " + dir + " already exists and is not an empty folder; "
                    + "choose another with --dir");
        }
        Map<String, String> values = values();
        String packagePath = javaPackage.replace('.', '/');
        String template = kind == Kind.OBSERVER ? "Observer" : "Strategy";
        Map<String, String> files = new LinkedHashMap<>();
        files.put("pom.xml", "pom.xml.txt");
        files.put("README.md", "README.md.txt");
        files.put(".gitignore", "gitignore.txt");
        files.put("src/main/java/" + packagePath + "/" + className() + ".java", template + ".java.txt");
        files.put("src/test/java/" + packagePath + "/" + className() + "Test.java", template + "Test.java.txt");
        files.put("src/main/resources/META-INF/monitor/" + name + ".schema.json", kind.word() + ".schema.json.txt");
        List<String> written = new ArrayList<>();
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path target = dir.resolve(file.getKey());
            Files.createDirectories(target.getParent());
            Files.writeString(target, fill(read(file.getValue()), values));
            written.add(file.getKey());
        }
        return written;
    }

    /** The manifest lines that use the new type, as the README shows them. */
    public String manifestLines() {
        return kind == Kind.OBSERVER ? """
                observers:
                  - name: %s
                    type: %s
                    config: {prefix: "%s", every: 1}
                """.formatted(name, name, name) : """
                observers:
                  - name: %s-trigger
                    type: retraining-trigger
                    events: [accuracy_drift]
                    strategy:
                      type: %s
                      config: {threshold: 0.1}
                """.formatted(name, name);
    }

    /**
     * {@code >=} this host's minor release and below the next major version. A pre-release host
     * ({@code 0.2.0-SNAPSHOT}) cannot be named in a range (PF4J reads its {@code -} as a hyphen
     * range) and is older than its release, so the range starts at the minor release before it.
     */
    public static String pluginRequires(String hostVersion) {
        Matcher m = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)(.*)").matcher(hostVersion);
        if (!m.matches()) {
            return ">=" + hostVersion;
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        if (!m.group(4).isEmpty()) {
            minor = Math.max(0, minor - 1);
        }
        return ">=" + major + "." + minor + ".0 & <" + (major + 1) + ".0.0";
    }

    private Map<String, String> values() {
        Properties build = buildProperties();
        String requires = pluginRequires(HostVersion.current());
        Map<String, String> values = new LinkedHashMap<>();
        values.put("kind", kind.word());
        values.put("name", name);
        values.put("type", name);
        values.put("package", javaPackage);
        values.put("className", className());
        values.put("metric", name.replace('-', '_') + "_events");
        values.put("hostVersion", HostVersion.current());
        values.put("pf4jVersion", build.getProperty("pf4j.version"));
        values.put("junitVersion", build.getProperty("junit.version"));
        values.put("requiresXml", requires.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"));
        values.put("manifest", manifestLines());
        return values;
    }

    private static String fill(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException("template placeholder {{" + m.group(1) + "}} has no value");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return m.appendTail(out).toString();
    }

    private static String read(String template) {
        try (InputStream in = PluginScaffold.class.getResourceAsStream(template)) {
            if (in == null) {
                throw new IllegalStateException("template " + template + " is missing from the host jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Properties buildProperties() {
        try (InputStream in = HostVersion.class.getResourceAsStream("host.properties")) {
            Properties properties = new Properties();
            properties.load(in);
            return properties;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean hasEntries(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isPresent();
        }
    }
}
