package io.segstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.segstream.core.testing.SharedData;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Interrupting the demo mid-replay, as Ctrl-C does, leaves nothing behind: the process ends, its
 * broker port is free, its temp dir (broker log and streams state) is gone, and no child process
 * remains.
 */
class DemoShutdownTest {

    private static final Pattern STARTED =
            Pattern.compile("embedded Kafka broker on 127\\.0\\.0\\.1:(\\d+) \\(data in (.+)\\)");

    @Test
    void shouldLeaveNoProcessPortOrTempDirWhenInterrupted() throws Exception {
        String csv = SharedData.onlineRetailDev().toString();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path errors = Files.createTempFile("segstream-demo", ".err");
        Process demo =
                new ProcessBuilder(
                                List.of(
                                        java.toString(),
                                        "-DOPT_OUT_TRACKING=true",
                                        "-Xss4m",
                                        "-cp",
                                        System.getProperty("java.class.path"),
                                        SegstreamCli.class.getName(),
                                        "demo",
                                        "--dataset",
                                        "online-retail",
                                        csv,
                                        "--speed",
                                        "100000"))
                        .redirectError(errors.toFile())
                        .start();
        int port;
        Path dataDir;
        try (BufferedReader out =
                new BufferedReader(
                        new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
            Matcher started = null;
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                Matcher m = STARTED.matcher(line);
                if (m.find()) {
                    started = m;
                    break;
                }
            }
            assertThat(started).as("the demo announces its broker").isNotNull();
            port = Integer.parseInt(started.group(1));
            dataDir = Path.of(started.group(2));
            assertThat(dataDir).exists();
            // mid-replay: the app is starting or replaying when the interrupt arrives
            Thread.sleep(8000);
            assertThat(demo.isAlive())
                    .as(
                            "still replaying; exit %s, stderr: %s",
                            demo.isAlive() ? "-" : demo.exitValue(), tail(errors))
                    .isTrue();
            List<ProcessHandle> children = demo.toHandle().descendants().toList();

            demo.destroy(); // SIGTERM: the JVM runs its shutdown hooks, as on Ctrl-C

            assertThat(demo.waitFor(60, TimeUnit.SECONDS)).as("the demo exits").isTrue();
            assertThat(children).allMatch(c -> !c.isAlive());
        } finally {
            demo.destroyForcibly();
        }
        assertThat(Files.exists(dataDir)).as("temp dir %s removed", dataDir).isFalse();
        Files.deleteIfExists(errors);
        try (ServerSocket free = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(free.getLocalPort()).isEqualTo(port);
        }
    }

    private static String tail(Path file) throws java.io.IOException {
        String text = Files.readString(file);
        return text.substring(Math.max(0, text.length() - 3000));
    }
}
