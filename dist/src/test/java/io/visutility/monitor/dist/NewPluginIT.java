package io.visutility.monitor.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.visutility.monitor.dist.Distribution.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code monitor new-plugin} end to end: the project it writes builds offline against the local
 * repository, its own test passes, verify-plugin accepts the jar and names the type, the jar loads,
 * and the manifest lines of its README validate, against the host and against the schema.
 */
class NewPluginIT {

    private static final Pattern MANIFEST_BLOCK = Pattern.compile("```yaml manifest\\n(.*?)```", Pattern.DOTALL);

    @TempDir
    Path root;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"observer, event-echo, com.example.monitor.echo.EventEchoObserver",
            "strategy, accuracy-guard, com.example.accuracyguard.AccuracyGuardStrategy"})
    void aNewPluginBuildsTestsVerifiesLoadsAndValidates(String kind, String name, String className) throws Exception {
        Distribution dist = new Distribution(root.resolve("install"));
        Path project = root.resolve(name);
        String[] packageOption = kind.equals("observer") ? new String[] {"--package", "com.example.monitor.echo"}
                : new String[0];

        Result created = dist.run(concat(new String[] {"new-plugin", "--kind", kind, "--name", name, "--dir",
                project.toString()}, packageOption));

        assertThat(created.exitCode()).as(created.toString()).isZero();
        String classFile = className.replace('.', '/');
        assertThat(created.stdout()).startsWith("wrote " + project + ": " + kind + " '" + name + "' (" + className + ")\n")
                .contains("  pom.xml\n", "  src/main/java/" + classFile + ".java\n", "  src/test/java/" + classFile + "Test.java\n",
                        "  src/main/resources/META-INF/monitor/" + name + ".schema.json\n",
                        "  monitor verify-plugin " + project.resolve("target/" + name + "-0.1.0.jar"));

        MavenBuild.run(project, null, "-o", "package");
        assertThat(Files.readString(project.resolve("target/surefire-reports/" + className + "Test.txt")))
                .contains("Tests run: 3, Failures: 0, Errors: 0");
        Path jar = project.resolve("target/" + name + "-0.1.0.jar");

        Result verify = dist.run("verify-plugin", jar.toString());
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.stdout()).contains(name + "-0.1.0.jar: ok: plugin " + name + " 0.1.0 loads on host " + Distribution.VERSION + "; "
                + "provides " + kind + " " + name);

        Files.copy(jar, dist.plugins().resolve(jar.getFileName()));
        Matcher block = MANIFEST_BLOCK.matcher(Files.readString(project.resolve("README.md")));
        assertThat(block.find()).as("the README shows the manifest lines").isTrue();
        dist.writeManifest(block.group(1));
        Result validate = dist.run("validate", "--config", dist.manifest().toString());
        assertThat(validate.exitCode()).as(validate.toString()).isZero();

        Result schema = dist.run("schema", "--plugins", dist.plugins().toString());
        assertThat(schema.exitCode()).as(schema.toString()).isZero();
        ManifestValidator validator = new ManifestValidator(schema.stdout());
        assertThat(validator.validate(block.group(1))).isEmpty();
        assertThat(validator.validate(block.group(1).replace("config: {", "config: {unknown_setting: 1, ")))
                .as("the new type's settings are described by the schema it ships").isNotEmpty();
    }

    @Test
    void theProjectAlsoBuildsWithAJdk25Compiler() throws Exception {
        assumeTrue(Files.isDirectory(MavenBuild.JDK_25), "no JDK 25 at " + MavenBuild.JDK_25);
        Distribution dist = new Distribution(root.resolve("install"));
        Path project = root.resolve("guard");
        assertThat(dist.run("new-plugin", "--kind", "strategy", "--name", "guard", "--dir", project.toString()).exitCode())
                .isZero();

        MavenBuild.run(project, MavenBuild.JDK_25, "-o", "package");

        Result verify = dist.run("verify-plugin", project.resolve("target/guard-0.1.0.jar").toString());
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.stdout()).contains("provides strategy guard");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            bad kind    | --kind sink --name x                  | --kind: 'sink' is not one of: observer, strategy
            bad name    | --kind observer --name My_Plugin       | --name: 'My_Plugin' is not a plugin name
            bad package | --kind observer --name x --package 1a | --package: '1a' is not a lower-case Java package name
            no name     | --kind observer                        | Missing required option: '--name=NAME'
            """)
    void badUsageExitsWithCodeTwoAndWritesNothing(String description, String args, String expected) throws Exception {
        Distribution dist = new Distribution(root.resolve("install"));

        Result result = dist.run(concat(new String[] {"new-plugin"}, args.trim().split(" +")));

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
        assertThat(result.stderr()).contains(expected);
        assertThat(root.resolve("install/x")).doesNotExist();
    }

    @Test
    void aFolderThatIsNotEmptyIsLeftAlone() throws Exception {
        Distribution dist = new Distribution(root.resolve("install"));
        Path project = Files.createDirectories(root.resolve("taken"));
        Files.writeString(project.resolve("notes.txt"), "mine");

        Result result = dist.run("new-plugin", "--kind", "observer", "--name", "taken", "--dir", project.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("--dir: " + project + " already exists and is not an empty folder");
        try (var files = Files.list(project)) {
            assertThat(files).containsExactly(project.resolve("notes.txt"));
        }
    }

    private static String[] concat(String[] first, String[] second) {
        String[] all = new String[first.length + second.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }
}
