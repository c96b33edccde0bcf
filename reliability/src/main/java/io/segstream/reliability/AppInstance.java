package io.segstream.reliability;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One segstream instance as a user runs it: {@code ./segstream run} as a child process with its own
 * state directory, REST port and log. It is stopped the way production stops things: SIGKILL (no
 * clean close, no commit) or SIGTERM (the app's shutdown hook closes the streams client).
 */
public final class AppInstance {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Path launcher;
    private final String bootstrapServers;
    private final Map<String, String> settings;
    private final Path stateDir;
    private final Path log;
    private final int restPort;
    private final boolean staticMember;
    private Process process;

    public AppInstance(
            String name,
            Path launcher,
            String bootstrapServers,
            Map<String, String> settings,
            Path workDir,
            boolean staticMember)
            throws IOException {
        this.name = name;
        this.staticMember = staticMember;
        this.launcher = launcher;
        this.bootstrapServers = bootstrapServers;
        this.settings = settings;
        this.stateDir = workDir.resolve(name + "-state");
        this.log = workDir.resolve(name + ".log");
        this.restPort = freePort();
        Files.createDirectories(stateDir);
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + restPort;
    }

    public void start() throws IOException {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.add("run");
        command.add("--bootstrap-servers");
        command.add(bootstrapServers);
        settings.forEach(
                (k, v) -> {
                    command.add("-D");
                    command.add(k + "=" + v);
                });
        command.add("-D");
        command.add("state.dir=" + stateDir);
        command.add("-D");
        command.add("rest.port=" + restPort);
        if (staticMember) {
            command.add("-D");
            command.add("instance.id=" + name);
        }
        ProcessBuilder pb =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("OPT_OUT_TRACKING", "true");
        pb.environment().putIfAbsent("SEGSTREAM_JAVA_OPTS", "-Xmx768m");
        process = pb.start();
    }

    /** The REST port the instance binds on 127.0.0.1. */
    public int restPort() {
        return restPort;
    }

    /**
     * The JVM's process id: the launcher execs java, so it is the child's own (for jcmd and CPU
     * time).
     */
    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    /** Waits until {@code /health/ready} answers 200; false if the process died or time ran out. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!alive()) {
                return false;
            }
            if (get("/health/ready").map(r -> r.statusCode() == 200).orElse(false)) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** The body of {@code /health}, or an empty string when it does not answer 200. */
    String health() {
        return get("/health").filter(r -> r.statusCode() == 200).map(HttpResponse::body).orElse("");
    }

    /** SIGKILL. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, then SIGKILL if it has not exited in 60 s; returns the exit status. */
    public int terminate() throws InterruptedException {
        if (process == null) {
            return 0;
        }
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        return process.exitValue();
    }

    private java.util.Optional<HttpResponse<String>> get(String path) {
        try {
            return java.util.Optional.of(
                    HTTP.send(
                            HttpRequest.newBuilder(URI.create(baseUrl() + path))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return java.util.Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
