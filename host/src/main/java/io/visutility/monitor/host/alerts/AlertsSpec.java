package io.visutility.monitor.host.alerts;

import java.net.URI;
import java.time.Duration;
import java.util.List;

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

    /** Where alerts are posted. */
    public URI alertsEndpoint() {
        String base = url.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/api/v2/alerts");
    }
}
