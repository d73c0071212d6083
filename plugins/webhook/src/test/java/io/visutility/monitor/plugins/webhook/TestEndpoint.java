package io.visutility.monitor.plugins.webhook;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP endpoint on 127.0.0.1 that records every request and answers from a script
 * (202 when the script is empty). It can be stopped and started again on the same port, and made
 * to hang until closed.
 */
final class TestEndpoint implements AutoCloseable {

    /** One request as received, with the status it was answered with (-1: hung). */
    record Request(String method, Headers headers, String body, int status, long nanos) {
    }

    /** One scripted answer. */
    record Response(int status, String body, Map<String, String> headers) {
        static Response of(int status, String body) {
            return new Response(status, body, Map.of());
        }
    }

    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Queue<Response> script = new ConcurrentLinkedQueue<>();
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile boolean hang;
    private HttpServer server;
    private int port;

    TestEndpoint() throws IOException {
        start(0);
    }

    String url() {
        return "http://127.0.0.1:" + port + "/hook";
    }

    void answer(Response... responses) {
        script.addAll(List.of(responses));
    }

    /** From now on, requests are read but never answered (until {@link #close}). */
    void hang() {
        hang = true;
    }

    List<Request> requests() {
        return requests;
    }

    /** Bodies of the requests answered with 2xx, in arrival order. */
    List<String> accepted() {
        return requests.stream().filter(r -> r.status() >= 200 && r.status() < 300).map(Request::body).toList();
    }

    /** Closes the listening socket and every connection: the endpoint is down. */
    synchronized void down() {
        server.stop(0);
    }

    /** Listens again on the same port. */
    synchronized void up() throws IOException {
        start(port);
    }

    @Override
    public synchronized void close() {
        release.countDown();
        server.stop(0);
        handlers.shutdownNow();
    }

    private void start(int onPort) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 0);
        server.createContext("/", this::handle);
        server.setExecutor(handlers);
        server.start();
        port = server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (hang) {
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestHeaders(), body, -1, System.nanoTime()));
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
            return;
        }
        Response response = script.poll();
        if (response == null) {
            response = Response.of(202, "");
        }
        byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
        response.headers().forEach(exchange.getResponseHeaders()::add);
        requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestHeaders(), body, response.status(),
                System.nanoTime()));
        exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
