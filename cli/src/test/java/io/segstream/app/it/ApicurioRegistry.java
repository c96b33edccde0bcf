package io.segstream.app.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real schema registry for the Confluent wire-format tests: Apicurio Registry 2.6 (its {@code
 * apicurio-registry-app} distribution, unpacked by the build into {@code target/apicurio}) run as a
 * child JVM on a free port of 127.0.0.1, speaking Confluent's REST API under {@link #ccompatUrl()},
 * with the global compatibility set to BACKWARD.
 *
 * <p>Its schemas live in an H2 file under {@code target/}, so {@link #restart()} (same port) brings
 * the registry back with the same subjects, versions and ids, as a real outage would; the
 * distribution's default is an in-memory database that a restart would empty and whose ids would
 * then start again at 1.
 *
 * <p>Apicurio differs from Confluent's registry in ways a client can see: schema ids are Apicurio's
 * content ids, shared by every subject that registers the same text; the schema text is not
 * canonicalised, so the same schema written differently is another id and another version; {@code
 * POST /compatibility/...?verbose=true} answers {@code {"is_compatible":false,"reason": "..."}}
 * rather than a {@code messages} array; and a subject-level NONE through the ccompat API falls back
 * to the global rule, so {@link #setCompatibility} sets NONE through Apicurio's own API.
 */
public final class ApicurioRegistry implements AutoCloseable {

    /** The folder searched for the runner jar when {@code segstream.apicurio.dir} is not set. */
    static final Path DEFAULT_DIR = Path.of("target", "apicurio");

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final Path runnerJar;
    private final int port;
    private final Path dataDir;
    private final Path log;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile Process process;
    private boolean frozen;

    private ApicurioRegistry(Path runnerJar, int port, Path workDir) {
        this.runnerJar = runnerJar;
        this.port = port;
        this.dataDir = workDir.resolve("data");
        this.log = workDir.resolve("apicurio.log");
        // no registry outlives a test JVM that ends without close()
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    Process p = process;
                                    if (p != null) {
                                        p.destroyForcibly();
                                    }
                                },
                                "apicurio-registry-reaper"));
    }

    /**
     * Starts a registry, or returns empty when the distribution is not there (the caller then
     * skips, naming how to get it). Fails when the distribution is there but does not come up.
     */
    public static Optional<ApicurioRegistry> start() {
        Optional<Path> jar = findRunnerJar();
        if (jar.isEmpty()) {
            return Optional.empty();
        }
        try {
            Path workDir = Files.createTempDirectory(targetDir(), "apicurio-run-");
            ApicurioRegistry registry = new ApicurioRegistry(jar.get(), freePort(), workDir);
            registry.launch();
            try {
                registry.setGlobalCompatibility("BACKWARD");
            } catch (RuntimeException e) {
                registry.stop();
                throw e;
            }
            return Optional.of(registry);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The runner jar: under {@code -Dsegstream.apicurio.dir} when set, else under {@code
     * target/apicurio} of the module (the working directory of surefire).
     */
    static Optional<Path> findRunnerJar() {
        String configured = System.getProperty("segstream.apicurio.dir");
        Path dir = configured == null || configured.isBlank() ? DEFAULT_DIR : Path.of(configured);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(dir, 4)) {
            return files.filter(Files::isRegularFile)
                    .filter(
                            p -> {
                                String name = p.getFileName().toString();
                                return name.startsWith("apicurio-registry-app-")
                                        && name.endsWith("-runner.jar");
                            })
                    .min(Comparator.comparing(Path::toString))
                    .map(Path::toAbsolutePath);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Confluent's REST API of this registry, e.g. {@code http://127.0.0.1:41234/apis/ccompat/v7}.
     */
    public String ccompatUrl() {
        return baseUrl() + "/apis/ccompat/v7";
    }

    /** The port, kept across {@link #restart()}. */
    public int port() {
        return port;
    }

    /** The registry's own log (appended to across restarts). */
    public Path logFile() {
        return log;
    }

    /** Stops the registry process (SIGTERM, then SIGKILL after 20 s); the port is then refused. */
    public synchronized void stop() {
        Process p = process;
        process = null;
        if (p == null) {
            return;
        }
        if (frozen) {
            // a stopped JVM would not act on SIGTERM until continued
            frozen = false;
            try {
                sendSignal(p, "CONT");
            } catch (RuntimeException e) {
                p.destroyForcibly();
            }
        }
        p.destroy();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops and starts the registry again on the same port with the same data: an outage while
     * stopped (connections refused), then the same subjects, versions, ids and compatibility.
     */
    public synchronized void restart() {
        stop();
        launch();
    }

    /**
     * Suspends the registry process (SIGSTOP): connections are accepted by the kernel but never
     * answered, so clients hang until their own timeouts, unlike {@link #stop()} where they are
     * refused. {@link #thaw()} resumes it and the queued requests are answered.
     */
    public synchronized void freeze() {
        sendSignal(running(), "STOP");
        frozen = true;
    }

    /** Resumes a {@link #freeze() frozen} registry (SIGCONT). */
    public synchronized void thaw() {
        sendSignal(running(), "CONT");
        frozen = false;
    }

    /** Whether the registry answers {@code GET /subjects} with 200 within two seconds. */
    public boolean isUp() {
        try {
            HttpResponse<String> r =
                    http.send(
                            HttpRequest.newBuilder(URI.create(ccompatUrl() + "/subjects"))
                                    .timeout(Duration.ofSeconds(2))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code PUT /config}: the default compatibility of every subject without its own. */
    /** The id of the subject's latest version. */
    public int latestId(String subject) {
        String body =
                expect2xx(
                        "GET",
                        ccompatUrl() + "/subjects/" + encode(subject) + "/versions/latest",
                        null);
        int at = body.indexOf("\"id\":");
        if (at < 0) {
            throw new IllegalStateException("no id in " + body);
        }
        int end = at + 5;
        while (end < body.length() && Character.isDigit(body.charAt(end))) {
            end++;
        }
        return Integer.parseInt(body.substring(at + 5, end));
    }

    public void setGlobalCompatibility(String level) {
        expect2xx("PUT", ccompatUrl() + "/config", "{\"compatibility\":\"" + level + "\"}");
    }

    /**
     * The compatibility of one subject, which need not exist yet. NONE is set through Apicurio's
     * own API: its ccompat API implements a subject's NONE by deleting the subject's rule, which
     * falls back to the global one (BACKWARD here), and refuses it with 404 for a subject that has
     * no version yet.
     */
    public void setCompatibility(String subject, String level) {
        String config = ccompatUrl() + "/config/" + encode(subject);
        if (!"NONE".equals(level)) {
            expect2xx("PUT", config, "{\"compatibility\":\"" + level + "\"}");
            return;
        }
        // a PUT of any other level creates the subject's rule, even before its first version
        expect2xx("PUT", config, "{\"compatibility\":\"BACKWARD\"}");
        expect2xx(
                "PUT",
                baseUrl()
                        + "/apis/registry/v2/groups/default/artifacts/"
                        + encode(subject)
                        + "/rules/COMPATIBILITY",
                "{\"type\":\"COMPATIBILITY\",\"config\":\"NONE\"}");
        String now = expect2xx("GET", config, null);
        if (!now.contains("\"NONE\"")) {
            throw new IllegalStateException(
                    "compatibility of " + subject + " is not NONE after setting it: " + now);
        }
    }

    /** Issues a request to the registry and returns the body; throws unless 2xx. */
    public String expect2xx(String method, String url, String jsonBody) {
        HttpRequest.BodyPublisher body =
                jsonBody == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(jsonBody);
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .method(method, body);
        if (jsonBody != null) {
            request.header(
                    "Content-Type",
                    url.contains("/apis/ccompat/") ? CONTENT_TYPE : "application/json");
        }
        try {
            HttpResponse<String> r =
                    http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException(
                        method + " " + url + " answered " + r.statusCode() + ": " + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + url + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + method + " " + url, e);
        }
    }

    @Override
    public void close() {
        stop();
    }

    private String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    private synchronized void launch() {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-Dquarkus.http.host=127.0.0.1");
        command.add("-Dquarkus.http.port=" + port);
        // an H2 file instead of the default in-memory database, so that a restart keeps the data
        command.add(
                "-Dquarkus.datasource.jdbc.url=jdbc:h2:file:"
                        + dataDir.toAbsolutePath().resolve("registry_db"));
        command.add("-jar");
        command.add(runnerJar.toString());
        try {
            Files.createDirectories(dataDir);
            process =
                    new ProcessBuilder(command)
                            .directory(runnerJar.getParent().toFile())
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                            .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + runnerJar, e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!isUp()) {
            if (!process.isAlive()) {
                int code = process.exitValue();
                process = null;
                throw new IllegalStateException(
                        "Apicurio Registry exited with " + code + " on start-up:\n" + logTail());
            }
            if (System.nanoTime() > deadline) {
                stop();
                throw new IllegalStateException(
                        "Apicurio Registry did not answer on port "
                                + port
                                + " within "
                                + START_TIMEOUT.toSeconds()
                                + " s:\n"
                                + logTail());
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                stop();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while Apicurio Registry started", e);
            }
        }
    }

    private Process running() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            throw new IllegalStateException("Apicurio Registry is not running");
        }
        return p;
    }

    private static void sendSignal(Process p, String signal) {
        try {
            Process kill =
                    new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid()))
                            .redirectErrorStream(true)
                            .start();
            String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException(
                        "kill -" + signal + " " + p.pid() + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling the registry", e);
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ": " + e + ")";
        }
    }

    private static Path targetDir() throws IOException {
        return Files.createDirectories(Path.of("target"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String encode(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
