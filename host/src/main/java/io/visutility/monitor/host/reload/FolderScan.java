package io.visutility.monitor.host.reload;

import io.visutility.monitor.host.plugins.PluginHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The plugin jars in a folder at one moment: name to size and modification time. Hidden files
 * (a name starting with '.') are left out, so {@code cp x.jar plugins/.x.jar.tmp && mv} is the
 * atomic way to drop a jar in. Immutable.
 *
 * @param jars jar file name to its state
 */
record FolderScan(Map<String, JarState> jars) {

    /** A jar's size and modification time. */
    record JarState(long size, long modifiedMillis) {
    }

    static FolderScan of(Path dir) throws IOException {
        Map<String, JarState> jars = new TreeMap<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path path : (Iterable<Path>) entries::iterator) {
                String name = path.getFileName().toString();
                if (!PluginHost.isPluginJarName(name)) {
                    continue;
                }
                try {
                    BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
                    if (attributes.isRegularFile()) {
                        jars.put(name, new JarState(attributes.size(), attributes.lastModifiedTime().toMillis()));
                    }
                } catch (IOException e) {
                    // gone between the listing and the look: the next scan will not see it either
                }
            }
        }
        return new FolderScan(Map.copyOf(jars));
    }
}
