package io.visutility.monitor.plugins.webhook;

import io.visutility.monitor.api.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The validated {@code config} of one webhook observer. Every key is read before any is
 * validated, so the host never sees an unread key, and each complaint names its key.
 *
 * @param url           where to POST (http or https, no user info)
 * @param headers       extra request headers, in the order given
 * @param timeout       bound of one request, and of the final attempt at stop
 * @param batchSize     events per POST; 1 sends a JSON object, more send a JSON array
 * @param flushInterval longest time a partial batch waits for more events
 * @param retryInitial  first backoff pause
 * @param retryMax      longest backoff pause, and cap of a server's Retry-After
 */
record WebhookSettings(URI url, List<Header> headers, Duration timeout, int batchSize, Duration flushInterval,
                       Duration retryInitial, Duration retryMax) {

    static final int MAX_BATCH_SIZE = 10_000;

    /** One request header from a {@code "Name: value"} entry of {@code headers}. */
    record Header(String name, String value) {
    }

    WebhookSettings {
        headers = List.copyOf(headers);
    }

    /** Reads and validates the settings; throws {@link Settings#invalid} naming the bad key. */
    static WebhookSettings read(Settings settings) {
        String url = settings.getString("url");
        // Settings has no map getter; a map here would otherwise fail with a less helpful message.
        if (settings.values().get("headers") instanceof Map) {
            throw settings.invalid("headers", "expected a list of \"Name: value\" strings, e.g. "
                    + "[\"Authorization: Bearer x\"], got a map");
        }
        List<String> headerLines = settings.getList("headers");
        Duration timeout = settings.getDuration("timeout", Duration.ofSeconds(5));
        long batchSize = settings.getLong("batch_size", 1);
        Duration flushInterval = settings.getDuration("flush_interval", Duration.ofSeconds(1));
        Duration retryInitial = settings.getDuration("retry_initial", Duration.ofMillis(100));
        Duration retryMax = settings.getDuration("retry_max", Duration.ofSeconds(10));

        URI uri = parseUrl(settings, url);
        List<Header> headers = parseHeaders(settings, uri, headerLines);
        positive(settings, "timeout", timeout);
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw settings.invalid("batch_size", "must be from 1 to " + MAX_BATCH_SIZE + ", got " + batchSize);
        }
        positive(settings, "flush_interval", flushInterval);
        positive(settings, "retry_initial", retryInitial);
        if (retryMax.compareTo(retryInitial) < 0) {
            throw settings.invalid("retry_max", "must be >= retry_initial (" + retryInitial.toMillis()
                    + "ms), got " + retryMax.toMillis() + "ms");
        }
        return new WebhookSettings(uri, headers, timeout, (int) batchSize, flushInterval, retryInitial, retryMax);
    }

    /** The URL for log lines: without query, which may carry a token. */
    String displayUrl() {
        return url.getScheme() + "://" + url.getRawAuthority() + (url.getRawPath() == null ? "" : url.getRawPath());
    }

    private static URI parseUrl(Settings settings, String url) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw settings.invalid("url", "not a valid URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw settings.invalid("url", "expected an http:// or https:// URL with a host, got '" + url + "'");
        }
        if (uri.getRawUserInfo() != null) {
            // The JDK client ignores user info; silently sending no credentials would be worse.
            throw settings.invalid("url", "must not carry user info; send credentials with headers, "
                    + "e.g. \"Authorization: Basic ...\"");
        }
        if (uri.getRawFragment() != null) {
            throw settings.invalid("url", "must not have a #fragment, got '" + url + "'");
        }
        return uri;
    }

    private static List<Header> parseHeaders(Settings settings, URI uri, List<String> lines) {
        List<Header> headers = new ArrayList<>(lines.size());
        HttpRequest.Builder probe = HttpRequest.newBuilder(uri);
        for (String line : lines) {
            int colon = line.indexOf(':');
            String name = colon < 0 ? "" : line.substring(0, colon).trim();
            if (name.isEmpty()) {
                throw settings.invalid("headers", "expected \"Name: value\", got '" + line + "'");
            }
            Header header = new Header(name, line.substring(colon + 1).trim());
            try {
                // The JDK client's own check: bad characters and restricted names such as Host.
                probe.header(header.name(), header.value());
            } catch (IllegalArgumentException e) {
                throw settings.invalid("headers", "cannot send header '" + name + "': " + e.getMessage());
            }
            headers.add(header);
        }
        return headers;
    }

    private static void positive(Settings settings, String key, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw settings.invalid(key, "must be greater than 0, got " + value.toMillis() + "ms");
        }
    }
}
