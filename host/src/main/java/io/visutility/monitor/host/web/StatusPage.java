package io.visutility.monitor.host.web;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.sun.net.httpserver.HttpExchange;
import io.visutility.monitor.host.ingest.HttpIngest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The status page's files, served from the host's jar: {@code GET /} (the overview),
 * {@code GET /model} (one model version), and {@code /static/...} (its script and style, and
 * uPlot from its webjar). Public: they hold no data; the script asks the JSON API, with the token.
 * Each answer carries a Content-Security-Policy that allows scripts, styles and requests to this
 * listener only.
 *
 * <p>Thread-safe: the files are read once, at {@link #serve}, and never change.
 */
public final class StatusPage {

    private static final String OWN = "/io/visutility/monitor/host/web/";
    private static final String UPLOT_POM = "/META-INF/maven/org.webjars.npm/uplot/pom.properties";
    private static final String SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /** A file: its bytes and content type. */
    private record File(byte[] bytes, String type) {
    }

    private final Map<String, File> files = new LinkedHashMap<>();
    private final HttpIngest http;

    private StatusPage(HttpIngest http) {
        this.http = http;
        String uplot = "/META-INF/resources/webjars/uplot/" + uplotVersion() + "/dist/";
        files.put("/", new File(read(OWN + "index.html"), "text/html; charset=utf-8"));
        files.put("/model", new File(read(OWN + "model.html"), "text/html; charset=utf-8"));
        files.put("/static/status.js", new File(read(OWN + "status.js"), "text/javascript; charset=utf-8"));
        files.put("/static/status.css", new File(read(OWN + "status.css"), "text/css; charset=utf-8"));
        files.put("/static/uPlot.min.js", new File(read(uplot + "uPlot.iife.min.js"), "text/javascript; charset=utf-8"));
        files.put("/static/uPlot.min.css", new File(read(uplot + "uPlot.min.css"), "text/css; charset=utf-8"));
    }

    /** Serves the page's files on {@code http}; every other path answers 404. */
    public static void serve(HttpIngest http) {
        StatusPage page = new StatusPage(http);
        http.serve("/", page::answer);
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            File file = files.get(exchange.getRequestURI().getPath());
            if (file == null) {
                http.respond(exchange, 404, JsonNodeFactory.instance.objectNode()
                        .put("error", "no such page: " + exchange.getRequestURI().getPath()));
                return;
            }
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseHeaders().add("Allow", "GET, HEAD");
                http.respond(exchange, 405, JsonNodeFactory.instance.objectNode().put("error", "use GET"));
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", file.type());
            exchange.getResponseHeaders().set("Content-Security-Policy", SECURITY_POLICY);
            exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
            exchange.getResponseHeaders().set("Cache-Control", "no-cache");
            http.answered(200);
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(200, head ? -1 : file.bytes().length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(file.bytes());
                }
            }
        }
    }

    private static String uplotVersion() {
        Properties pom = new Properties();
        try (InputStream in = StatusPage.class.getResourceAsStream(UPLOT_POM)) {
            if (in == null) {
                throw new IllegalStateException("uPlot's webjar is not on the class path (" + UPLOT_POM + ")");
            }
            pom.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pom.getProperty("version");
    }

    private static byte[] read(String resource) {
        try (InputStream in = StatusPage.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the status page's file " + resource + " is not in the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
