package io.segstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.segstream.app.runtime.SegstreamApp;
import io.segstream.schemas.AvroCodec;
import io.segstream.schemas.ClickEvent;
import io.segstream.schemas.ClickEventType;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * When the streams client dies (here an injected fatal error, through the documented
 * fault-injection setting), {@code run} and {@code demo} do not keep going silently: they close
 * everything and exit non-zero within seconds, naming the cause in one line. And an output too
 * large to send, as a big seed sample was, no longer kills the engine: the demo runs to its end and
 * says what went to the dead-letter topic.
 */
class EngineStoppedCliTest {

    private static final Pattern BROKER =
            Pattern.compile("embedded Kafka broker on (127\\.0\\.0\\.1:(\\d+))");
    private static final String DEATH_LOG = "segstream's streaming engine stopped";
    private static final Duration EXIT_WITHIN = Duration.ofSeconds(10);

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @TempDir Path dir;

    @BeforeEach
    void watchTheLog() {
        log.start();
        ((Logger) LoggerFactory.getLogger(SegstreamApp.class)).addAppender(log);
    }

    @AfterEach
    void stopWatching() {
        ((Logger) LoggerFactory.getLogger(SegstreamApp.class)).detachAppender(log);
    }

    @Test
    void shouldEndRunWithTheCauseWithinSecondsOfTheEngineDying() throws Exception {
        CliRun cli = new CliRun();
        CompletableFuture<Integer> run =
                CompletableFuture.supplyAsync(
                        () ->
                                cli.run(
                                        "run",
                                        "--embedded",
                                        "-D",
                                        "rest.port=0",
                                        "-D",
                                        "fault.injection.fatal.user=u-fatal"));
        Matcher broker = awaitLine(cli, run, BROKER);
        awaitLine(cli, run, Pattern.compile("segstream is running"));
        assertThat(run).as("still running before the fatal event").isNotDone();

        produceClick(broker.group(1), "segstream.clicks", "u-fatal");

        int exit = run.get(2, TimeUnit.MINUTES);
        long exited = System.currentTimeMillis();
        assertThat(exit).as("exit code; stderr: %s", cli.err).isEqualTo(CliErrors.ENGINE_STOPPED);
        System.out.printf("run: engine death to exit %d ms%n", exited - deathLoggedAt());
        assertThat(exited - deathLoggedAt()).isLessThan(EXIT_WITHIN.toMillis());
        assertThat(cli.err.toString())
                .contains(
                        "segstream: the streaming engine stopped: stream thread failed: "
                                + "InjectedFatalException: injected fatal error for user 'u-fatal'")
                .contains("See the log above; fix the cause and restart.");
        assertPortFree(Integer.parseInt(broker.group(2)));
    }

    @Test
    void shouldEndDemoWithTheCauseWithinSecondsOfTheEngineDying() throws Exception {
        Path report = dir.resolve("report.html");
        CliRun cli = new CliRun();
        // the generator's users are u00001, u00002, ...; every one of them shops in a replay
        int exit =
                cli.run(
                        "demo",
                        "--users",
                        "200",
                        "--report",
                        report.toString(),
                        "-D",
                        "fault.injection.fatal.user=u00001");
        long exited = System.currentTimeMillis();
        assertThat(exit).as("exit code; stderr: %s", cli.err).isEqualTo(CliErrors.ENGINE_STOPPED);
        System.out.printf("demo: engine death to exit %d ms%n", exited - deathLoggedAt());
        assertThat(exited - deathLoggedAt()).isLessThan(EXIT_WITHIN.toMillis());
        assertThat(cli.err.toString())
                .contains(
                        "segstream: the streaming engine stopped: stream thread failed: "
                                + "InjectedFatalException: injected fatal error for user 'u00001'");
        assertThat(cli.out.toString()).doesNotContain("events/s").doesNotContain("report written");
        assertThat(Files.exists(report)).isFalse();
        Matcher broker = BROKER.matcher(cli.out.toString());
        assertThat(broker.find()).isTrue();
        assertPortFree(Integer.parseInt(broker.group(2)));
    }

    @Test
    void shouldSeedAndFinishTheDemoWhenRequestsAreSmall() throws Exception {
        Path report = dir.resolve("report.html");
        CliRun cli = new CliRun();
        // 50 seed samples of 3 KB each: the model loop splits them into records of 8 KB
        int exit =
                cli.run(
                        "demo",
                        "--users",
                        "200",
                        "--report",
                        report.toString(),
                        "-D",
                        "kafka.producer.max.request.size=32768",
                        "-D",
                        "dlq.max.payload.bytes=8192");
        assertThat(exit).as("exit code; stderr: %s", cli.err).isZero();
        assertThat(cli.out.toString())
                .contains("events/s")
                // a seeded model: without one every user is unassigned and the index is 0
                .contains("segments vs planted personas: adjusted Rand index")
                .doesNotContain("adjusted Rand index 0.000")
                .doesNotContain("went to the dead-letter topic");
        assertThat(cli.err.toString()).doesNotContain("the streaming engine stopped");
        assertThat(log.list).noneMatch(e -> e.getFormattedMessage().startsWith(DEATH_LOG));
        assertThat(Files.exists(report)).isTrue();
    }

    private long deathLoggedAt() {
        return log.list.stream()
                .filter(e -> e.getFormattedMessage().startsWith(DEATH_LOG))
                .mapToLong(ILoggingEvent::getTimeStamp)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no '" + DEATH_LOG + "' log line"));
    }

    private static Matcher awaitLine(CliRun cli, CompletableFuture<Integer> run, Pattern line)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = line.matcher(cli.out.toString());
            if (m.find()) {
                return m;
            }
            assertThat(run).as("run ended early; stderr: %s", cli.err).isNotDone();
            Thread.sleep(100);
        }
        throw new AssertionError("no line matching " + line + " in: " + cli.out);
    }

    private static void produceClick(String bootstrap, String topic, String user) {
        ClickEvent click =
                ClickEvent.newBuilder()
                        .setEventType(ClickEventType.VIEW)
                        .setUserId(user)
                        .setSessionId(null)
                        .setEventTime(Instant.parse("2011-03-01T10:00:00Z"))
                        .setProductId("p-1")
                        .setTitle("Red retrospot mug")
                        .setCategory("Home/Kitchen")
                        .setPrice(2.5)
                        .setQueryText(null)
                        .build();
        Map<String, Object> p =
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            producer.send(
                    new ProducerRecord<>(
                            topic, user, AvroCodec.of(ClickEvent.class).encode(click)));
            producer.flush();
        }
    }

    private static void assertPortFree(int port) throws Exception {
        try (ServerSocket free = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(free.getLocalPort()).isEqualTo(port);
        }
    }
}
