package io.segstream.bench;

import io.segstream.app.embedded.EmbeddedKafkaCluster;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A single-node KRaft broker in its own JVM, as production has: the benchmark's CPU and heap
 * figures are then the app's alone. The child runs {@link #main}, which starts an {@link
 * EmbeddedKafkaCluster} on {@code 127.0.0.1} with its own data directory, prints {@value #READY}
 * and the bootstrap address, and stops (deleting the directory) when its standard input closes, so
 * the broker goes away with its parent even if the parent is killed.
 */
final class BrokerProcess implements AutoCloseable {

    static final String READY = "BROKER-READY ";

    private final Process process;
    private final String bootstrapServers;

    private BrokerProcess(Process process, String bootstrapServers) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
    }

    /** Starts the child JVM with {@code heap} (e.g. "1g") and waits until the broker is ready. */
    static BrokerProcess start(Path dataDir, String heap, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>();
        command.add(java);
        command.add("-Xmx" + heap);
        command.add("-Xms" + heap);
        command.add("-DOPT_OUT_TRACKING=true");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BrokerProcess.class.getName());
        command.add(dataDir.toString());
        Process p =
                new ProcessBuilder(command)
                        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
        BufferedReader out =
                new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(READY)) {
                return new BrokerProcess(p, line.substring(READY.length()).trim());
            }
        }
        p.destroyForcibly();
        throw new IOException("The broker JVM exited before it was ready; see " + log);
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    long pid() {
        return process.pid();
    }

    /** CPU time the broker JVM has used so far, where the OS reports it. */
    Optional<Duration> cpu() {
        return process.info().totalCpuDuration();
    }

    /** Closes the child's input, which stops the broker; kills it if it has not gone in 60 s. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The child: {@code BrokerProcess DATA_DIR}. */
    public static void main(String[] args) throws Exception {
        EmbeddedKafkaCluster kafka =
                EmbeddedKafkaCluster.builder()
                        .optDataDir(Path.of(args[0]))
                        .optStartTimeout(Duration.ofMinutes(2))
                        .start();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> stop(kafka, Path.of(args[0])), "broker-stop"));
        System.out.println(READY + kafka.bootstrapServers());
        System.out.flush();
        // the parent closes our stdin when it is done, or when it dies
        while (System.in.read() >= 0) {
            // ignore anything written to us
        }
        stop(kafka, Path.of(args[0]));
        System.exit(0);
    }

    private static void stop(EmbeddedKafkaCluster kafka, Path dataDir) {
        kafka.close();
        ScaleFiles.deleteRecursively(dataDir);
    }
}
