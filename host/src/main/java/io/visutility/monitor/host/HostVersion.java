package io.visutility.monitor.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The host's version, written into {@code host.properties} by the build. */
public final class HostVersion {

    private static final String VERSION = read();

    private HostVersion() {
    }

    /** The version plugins' {@code Plugin-Requires} is checked against, e.g. {@code 0.1.0}. */
    public static String current() {
        return VERSION;
    }

    private static String read() {
        try (InputStream in = HostVersion.class.getResourceAsStream("host.properties")) {
            if (in == null) {
                throw new IllegalStateException("host.properties is missing from the host jar");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
