package io.visutility.monitor.host.alerts;

import io.visutility.monitor.api.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The manifest's {@code alerts.alertmanager} block. Immutable.
 *
 * @param url     Alertmanager's base URL; alerts go to {@code <url>/api/v2/alerts}
 * @param headers extra request headers, such as {@code Authorization}
 * @param resend  how often a firing alert is sent again (default 1m)
 */
public record AlertsSpec(URI url, List<Header> headers, Duration resend) {

    /** The default {@code resend}, as Prometheus' {@code --rules.alert.resend-delay}. */
    public static final Duration DEFAULT_RESEND = Duration.ofMinutes(1);

    /** One request header. */
    public record Header(String name, String value) {
    }

    public AlertsSpec {
        headers = List.copyOf(headers);
    }

    /**
     * Reads the block's settings ({@code url}, {@code headers}, {@code resend}).
     *
     * @throws IllegalArgumentException naming the file, line and key of a bad value
     */
    public static AlertsSpec read(Settings am) {
        String url = am.getString("url");
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw am.invalid("url", "not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null
                || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw am.invalid("url", "expected Alertmanager's http:// or https:// base URL, such as "
                    + "http://127.0.0.1:9093, without user info, query or fragment; got '" + url + "'");
        }
        List<Header> headers = new ArrayList<>();
        HttpRequest.Builder probe = HttpRequest.newBuilder(uri);
        for (String line : am.keys().contains("headers") ? am.getList("headers") : List.<String>of()) {
            int colon = line.indexOf(':');
            String name = colon < 0 ? "" : line.substring(0, colon).trim();
            if (name.isEmpty()) {
                throw am.invalid("headers", "expected \"Name: value\", got '" + line + "'");
            }
            String value = line.substring(colon + 1).trim();
            try {
                probe.header(name, value); // the JDK client's own check: restricted names, bad characters
            } catch (IllegalArgumentException e) {
                throw am.invalid("headers", "cannot send header '" + name + "': " + e.getMessage());
            }
            headers.add(new Header(name, value));
        }
        Duration resend = am.getDuration("resend", DEFAULT_RESEND);
        if (resend.compareTo(Duration.ofSeconds(1)) < 0) {
            throw am.invalid("resend", "must be at least 1s, got " + resend.toMillis() + "ms");
        }
        return new AlertsSpec(uri, headers, resend);
    }

    /** Where alerts are posted. */
    public URI alertsEndpoint() {
        String base = url.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/api/v2/alerts");
    }
}
