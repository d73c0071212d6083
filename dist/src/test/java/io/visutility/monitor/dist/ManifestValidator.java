package io.visutility.monitor.dist;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Checks manifests against the JSON Schema that {@code monitor schema} prints, with networknt's
 * draft-07 validator (the level of the YAML language server), and finds the repository's manifests.
 */
final class ManifestValidator {

    static final Path REPOSITORY = Path.of(System.getProperty("repository.dir", "..")).toAbsolutePath().normalize();

    /** A fenced block of a Markdown file opened with {@code ```yaml manifest}: a whole manifest (renders as YAML). */
    private static final Pattern MANIFEST_BLOCK = Pattern.compile("(?m)^```ya?ml manifest[ \\t]*\\n(.*?)^```", Pattern.DOTALL);

    private final Schema schema;

    ManifestValidator(String schemaJson) {
        this.schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7).getSchema(schemaJson);
    }

    /** The schema's complaints about a manifest's text; empty if it passes. */
    List<String> validate(String yaml) {
        Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        return schema.validate(new ObjectMapper().valueToTree(document)).stream().map(Error::toString).toList();
    }

    /** A manifest of the repository: where it is, and its text. */
    record Found(String where, String yaml) {
    }

    /**
     * The manifests of the repository: the distribution's, every {@code *.yaml} under examples/,
     * and the blocks of README.md, docs/*.md and the examples' Markdown files opened with
     * {@code ```yaml manifest}.
     */
    static List<Found> repositoryManifests() throws IOException {
        List<Found> found = new ArrayList<>();
        Path conf = REPOSITORY.resolve("dist/src/dist/conf/monitor.yaml");
        found.add(new Found(REPOSITORY.relativize(conf).toString(), Files.readString(conf)));
        List<Path> markdown = new ArrayList<>();
        markdown.add(REPOSITORY.resolve("README.md"));
        for (String dir : List.of("docs", "examples")) {
            Path root = REPOSITORY.resolve(dir);
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(p -> !p.toString().contains("/target/")).sorted().toList()) {
                    String name = file.getFileName().toString();
                    if (name.endsWith(".md")) {
                        markdown.add(file);
                    } else if (name.endsWith(".yaml") || name.endsWith(".yml")) {
                        found.add(new Found(REPOSITORY.relativize(file).toString(), Files.readString(file)));
                    }
                }
            }
        }
        for (Path file : markdown) {
            if (!Files.exists(file)) {
                continue;
            }
            String text = Files.readString(file);
            Matcher block = MANIFEST_BLOCK.matcher(text);
            while (block.find()) {
                int line = (int) text.substring(0, block.start()).lines().count() + 1;
                found.add(new Found(REPOSITORY.relativize(file) + ":" + line, block.group(1)));
            }
        }
        return found;
    }
}
