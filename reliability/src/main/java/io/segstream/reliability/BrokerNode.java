package io.segstream.reliability;

import io.segstream.app.embedded.EmbeddedKafkaCluster;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A single-node KRaft broker in its own JVM, on a fixed port and a data directory that outlives it,
 * so that the suite can kill it with SIGKILL and start it again where it was: a hard bounce, as
 * Kafka's own {@code streams_broker_bounce_test} does. The child stops cleanly when its standard
 * input closes, so it also goes away when the suite dies.
 */
final class BrokerNode implements AutoCloseable {

    static final String READY = "BROKER-READY ";

    private final Path dataDir;
    private final int port;
    private final Path log;
    private Process process;

    BrokerNode(Path dataDir, int port, Path log) {
        this.dataDir = dataDir;
        this.port = port;
        this.log = log;
    }

    String bootstrapServers() {
        return EmbeddedKafkaCluster.HOST + ":" + port;
    }

    /** Starts the broker JVM and waits until it serves. */
    void start() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p =
                new ProcessBuilder(
                                List.of(
                                        java,
                                        "-Xmx512m",
                                        "-DOPT_OUT_TRACKING=true",
                                        "-cp",
                                        System.getProperty("java.class.path"),
                                        BrokerNode.class.getName(),
                                        dataDir.toString(),
                                        Integer.toString(port)))
                        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
        BufferedReader out =
                new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(READY)) {
                process = p;
                return;
            }
        }
        p.destroyForcibly();
        throw new IOException("The broker JVM exited before it was ready; see " + log);
    }

    /** SIGKILL: no clean shutdown, the log is recovered at the next start. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        try {
            process.getOutputStream().close();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The child: {@code BrokerNode DATA_DIR PORT}. */
    public static void main(String[] args) throws Exception {
        EmbeddedKafkaCluster kafka =
                EmbeddedKafkaCluster.builder()
                        .optDataDir(Path.of(args[0]))
                        .optPort(Integer.parseInt(args[1]))
                        .optStartTimeout(Duration.ofMinutes(2))
                        .start();
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "broker-stop"));
        System.out.println(READY + kafka.bootstrapServers());
        System.out.flush();
        while (System.in.read() >= 0) {
            // the parent closes our stdin when it is done, or when it dies
        }
        kafka.close();
        System.exit(0);
    }
}
