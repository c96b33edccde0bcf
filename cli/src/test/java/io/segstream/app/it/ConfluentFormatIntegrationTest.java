package io.segstream.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.embedded.EmbeddedKafkaCluster;
import io.segstream.app.runtime.SegstreamApp;
import io.segstream.app.runtime.TopicReader;
import io.segstream.app.serde.RecordFormat;
import io.segstream.cli.demo.DemoInput;
import io.segstream.core.dataset.ShopEvent;
import io.segstream.schemas.SegmentChange;
import io.segstream.schemas.SegmentChangeType;
import io.segstream.schemas.registry.SchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * segstream with {@code serde.format=confluent} against a real schema registry (Apicurio's
 * Confluent-compatible API) and a real third-party client (Confluent's own Python client, {@code
 * python3-confluent-kafka}): the shop's producer registers the schemas and writes the clicks and
 * orders, segstream segments them, and the same client reads the changes back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConfluentFormatIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int USERS = 300;
    private static final Path AVRO = Path.of("..", "schemas", "src", "main", "avro");
    private static final Path TEST_AVRO = Path.of("src", "test", "resources", "avro");

    static ApicurioRegistry registry;
    static PythonAvroClient python;
    static EmbeddedKafkaCluster kafka;
    static SegstreamApp app;
    static SegstreamConfig config;
    static List<ShopEvent> events;
    @TempDir static Path state;

    @BeforeAll
    static void start() throws Exception {
        boolean required = Boolean.getBoolean("segstream.confluent.required");
        var maybeRegistry = ApicurioRegistry.start();
        var maybePython = PythonAvroClient.find();
        String missing =
                (maybeRegistry.isEmpty()
                                ? "the Apicurio Registry distribution (./mvnw -pl cli"
                                        + " process-test-resources unpacks it into"
                                        + " cli/target/apicurio); "
                                : "")
                        + (maybePython.isEmpty()
                                ? "Confluent's Python client (apt-get install"
                                        + " python3-confluent-kafka python3-avro python3-requests)"
                                : "");
        if (required && !missing.isEmpty()) {
            throw new IllegalStateException("Confluent wire-format tests need " + missing);
        }
        maybeRegistry.ifPresent(r -> registry = r);
        assumeTrue(maybeRegistry.isPresent() && maybePython.isPresent(), "skipped: no " + missing);
        python = maybePython.get();
        kafka = EmbeddedKafkaCluster.start();
        config = config("cf.");
        events = DemoInput.generated(USERS, 11).events();
        python.produce(
                kafka.bootstrapServers(),
                registry.ccompatUrl(),
                "cf.clicks",
                AVRO.resolve("ClickEvent.avsc"),
                jsonLines(events.stream().filter(e -> !e.isOrder()).toList()));
        python.produce(
                kafka.bootstrapServers(),
                registry.ccompatUrl(),
                "cf.orders",
                AVRO.resolve("OrderEvent.avsc"),
                jsonLines(events.stream().filter(ShopEvent::isOrder).toList()));
        app = SegstreamApp.start(config);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    @Order(1)
    void shouldSegmentEveryUserTheShopsClientWroteAndBeReadBackByIt() throws Exception {
        Map<String, Long> want =
                events.stream()
                        .collect(Collectors.groupingBy(ShopEvent::userId, Collectors.counting()));
        await(Duration.ofMinutes(3), () -> applied().equals(want));
        // every user gets a first assignment; the model loop may still move users after that
        RecordFormat format = RecordFormat.of(config);
        await(
                Duration.ofMinutes(2),
                () ->
                        firstAssigned(
                                        TopicReader.readAll(
                                                kafka.clientProperties(),
                                                List.of("cf.segment-changes"),
                                                r -> format.decode(SegmentChange.class, r.value())))
                                .equals(want.keySet()));
        // the model loop may still move users after that: both clients read once it has settled,
        // or Confluent's client, stopping after as many records, would read another interleaving
        // of the partitions than the one the Java read saw
        awaitSettled("cf.segment-changes", Duration.ofMinutes(1));
        List<SegmentChange> java =
                TopicReader.readAll(
                        kafka.clientProperties(),
                        List.of("cf.segment-changes"),
                        r -> format.decode(SegmentChange.class, r.value()));
        List<String> read =
                python.consume(
                        kafka.bootstrapServers(),
                        registry.ccompatUrl(),
                        "cf.segment-changes",
                        java.size(),
                        Duration.ofSeconds(60));
        assertEquals(java.size(), read.size(), "records read by Confluent's client");
        Set<String> firstByPython = new java.util.HashSet<>();
        for (String line : read) {
            JsonNode change = JSON.readTree(line);
            if (change.get("changeType").asText().equals("FIRST_ASSIGNMENT")) {
                firstByPython.add(change.get("userId").asText());
            }
        }
        assertEquals(want.keySet(), firstByPython);
        assertThat(deadLetters()).isZero();
    }

    @Test
    @Order(2)
    void shouldReadAClickWrittenWithANewerSchemaThatAddsAnOptionalField() throws Exception {
        python.produce(
                kafka.bootstrapServers(),
                registry.ccompatUrl(),
                "cf.clicks",
                TEST_AVRO.resolve("ClickEventV2.avsc"),
                List.of(click("v2-user", "https://example.com/ad"), click("v2-user", null)));
        await(Duration.ofSeconds(60), () -> applied().getOrDefault("v2-user", 0L) == 2);
        assertThat(deadLetters()).isZero();
    }

    @Test
    @Order(3)
    void shouldRefuseAnIncompatibleSchemaAndNameTheSubjectAtStartUp() throws Exception {
        Path incompatible = TEST_AVRO.resolve("ClickEventIncompatible.avsc");
        String badClick = Files.readAllLines(TEST_AVRO.resolve("incompatible-click.jsonl")).get(0);
        // the registry (BACKWARD) refuses it on the subject segstream reads
        assertThatThrownBy(
                        () ->
                                python.produce(
                                        kafka.bootstrapServers(),
                                        registry.ccompatUrl(),
                                        "cf.clicks",
                                        incompatible,
                                        List.of(badClick)))
                .hasMessageContaining("409");
        // on a subject whose compatibility is off, it lands; segstream then refuses to start
        registry.setCompatibility("cf3.clicks-value", "NONE");
        python.produce(
                kafka.bootstrapServers(),
                registry.ccompatUrl(),
                "cf3.clicks",
                incompatible,
                List.of(badClick));
        assertThatThrownBy(() -> SegstreamApp.start(config("cf3.")).close())
                .satisfies(e -> System.out.println("start-up check said: " + e.getMessage()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("TYPE_MISMATCH")
                .hasMessageContaining("cf3.clicks-value")
                .hasMessageContaining(
                        "cannot be read as segstream's io.segstream.schemas.ClickEvent");
    }

    @Test
    @Order(4)
    void shouldWaitOutARegistryOutageWithoutDeadLetteringGoodRecords() throws Exception {
        // frozen (SIGSTOP: requests time out), then killed and restarted on its stored data
        // (connections refused): each time a writer schema the running app has not seen yet
        outage("frozen-user", "campaign", registry::freeze, registry::thaw, "does not answer");
        outage("restart-user", "coupon", registry::stop, registry::restart, "Connect");
        assertThat(deadLetters()).isZero();
        assertThat(app.deathReason()).isEmpty();
    }

    /**
     * Registers a click schema with one more optional {@code field}, takes the registry {@code
     * down}, writes two clicks of {@code user} with it (as a producer that cached the id does),
     * checks that the app waits, logging {@code symptom}, and neither applies nor dead-letters
     * them, brings the registry {@code up} and waits until both are applied.
     */
    private static void outage(
            String user, String field, Runnable down, Runnable up, String symptom)
            throws Exception {
        Schema v2 = new Schema.Parser().parse(TEST_AVRO.resolve("ClickEventV2.avsc").toFile());
        Schema writer =
                new Schema.Parser()
                        .parse(
                                v2.toString()
                                        .replace(
                                                "{\"name\":\"referrer\"",
                                                "{\"name\":\""
                                                        + field
                                                        + "\",\"type\":[\"null\",\"string\"],"
                                                        + "\"default\":null},"
                                                        + "{\"name\":\"referrer\""));
        assertThat(writer.getField(field)).isNotNull();
        int id =
                JSON.readTree(
                                registry.expect2xx(
                                        "POST",
                                        registry.ccompatUrl()
                                                + "/subjects/cf.clicks-value/versions",
                                        JSON.createObjectNode()
                                                .put("schema", writer.toString())
                                                .toString()))
                        .get("id")
                        .asInt();
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger client = (Logger) LoggerFactory.getLogger(SchemaRegistryClient.class);
        log.start();
        client.addAppender(log);
        down.run();
        try {
            GenericRecord click = click(writer, user);
            click.put(field, "winter");
            byte[] bytes = confluentBytes(writer, id, click);
            send(user, bytes, bytes);
            await(
                    Duration.ofSeconds(30),
                    () ->
                            log.list.stream()
                                    .anyMatch(
                                            e ->
                                                    e.getFormattedMessage().contains(symptom)
                                                            && e.getFormattedMessage()
                                                                    .contains("does not answer")));
            assertThat(applied().getOrDefault(user, 0L)).isZero();
            assertThat(deadLetters()).isZero();
            assertThat(app.deathReason()).isEmpty();
        } finally {
            up.run();
        }
        await(Duration.ofSeconds(60), () -> applied().getOrDefault(user, 0L) == 2);
        client.detachAppender(log);
    }

    /** A view of {@code writer}'s shape, the other fields at their defaults. */
    private static GenericRecord click(Schema writer, Object user) {
        GenericData.Record click = new GenericData.Record(writer);
        for (Schema.Field f : writer.getFields()) {
            click.put(f.name(), f.hasDefaultValue() ? GenericData.get().getDefaultValue(f) : null);
        }
        click.put(
                "eventType",
                new GenericData.EnumSymbol(writer.getField("eventType").schema(), "VIEW"));
        click.put("userId", user);
        click.put("eventTime", Instant.parse("2025-11-01T10:00:00Z").toEpochMilli());
        return click;
    }

    /**
     * Writes values to cf.clicks as any Confluent producer holding their ids in its cache does:
     * with no registry call.
     */
    private static void send(String key, byte[]... values) throws Exception {
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(
                        Map.of("bootstrap.servers", kafka.bootstrapServers()),
                        new StringSerializer(),
                        new ByteArraySerializer())) {
            for (byte[] value : values) {
                producer.send(new ProducerRecord<>("cf.clicks", key, value)).get();
            }
        }
    }

    /** Confluent's framing: a zero byte, the 4-byte id, the Avro body. */
    private static byte[] confluentBytes(Schema writer, int id, GenericRecord record)
            throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder body = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(writer).write(record, body);
        body.flush();
        return out.toByteArray();
    }

    @Test
    @Order(5)
    void shouldProduceInConfluentsFormatWhenSetSoThatTheShopsClientReadsIt() throws Exception {
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cli = io.segstream.cli.SegstreamCli.commandLine();
        cli.setErr(new java.io.PrintWriter(err));
        int exit =
                cli.execute(
                        "produce",
                        "--bootstrap-servers",
                        kafka.bootstrapServers(),
                        "--users",
                        "20",
                        "-D",
                        "topic.prefix=cf5.",
                        "-D",
                        "topics.replication.factor=1",
                        "-D",
                        "serde.format=confluent",
                        "-D",
                        "schema.registry.url=" + registry.ccompatUrl());
        assertEquals(0, exit, err.toString());
        long clicks =
                DemoInput.generated(20, 42).events().stream().filter(e -> !e.isOrder()).count();
        List<String> read =
                python.consume(
                        kafka.bootstrapServers(),
                        registry.ccompatUrl(),
                        "cf5.clicks",
                        (int) clicks,
                        Duration.ofSeconds(60));
        assertEquals(clicks, read.size());
        assertThat(JSON.readTree(read.get(0)).get("userId").asText()).startsWith("u");
    }

    @Test
    @Order(6)
    void shouldDeadLetterAnUnknownIdAndAWriterSchemaItCannotReadWithTheReason() throws Exception {
        // the incompatible click (userId an int) registered on cf3.clicks-value in test 3
        int incompatible = registry.latestId("cf3.clicks-value");
        Schema writer =
                new Schema.Parser()
                        .parse(TEST_AVRO.resolve("ClickEventIncompatible.avsc").toFile());
        GenericRecord click = click(writer, 7);
        send(
                "u-7",
                confluentBytes(writer, incompatible, click),
                confluentBytes(writer, 999_999, click));
        await(Duration.ofSeconds(60), () -> deadLetters() == 2);
        List<String> reasons =
                TopicReader.readAll(
                        kafka.clientProperties(),
                        List.of("cf.dlq"),
                        r ->
                                new String(
                                        r.headers().lastHeader("segstream.reason").value(),
                                        java.nio.charset.StandardCharsets.UTF_8));
        assertThat(reasons).containsExactlyInAnyOrder("INCOMPATIBLE_SCHEMA", "UNKNOWN_SCHEMA_ID");
        assertThat(app.deathReason()).isEmpty();
    }

    @Test
    @Order(7)
    void shouldTrainOnTheTopicsInConfluentsFormat() {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cli = io.segstream.cli.SegstreamCli.commandLine();
        cli.setOut(new java.io.PrintWriter(out));
        cli.setErr(new java.io.PrintWriter(err));
        int exit =
                cli.execute(
                        "train",
                        "--bootstrap-servers",
                        kafka.bootstrapServers(),
                        "--k",
                        "4",
                        "--horizon",
                        "0",
                        "--out",
                        state.resolve("trained.avro").toString(),
                        "-D",
                        "topic.prefix=cf.",
                        "-D",
                        "serde.format=confluent",
                        "-D",
                        "schema.registry.url=" + registry.ccompatUrl());
        assertEquals(0, exit, err.toString());
        // the shop's events, the newer-schema and outage clicks; the two dead letters skipped
        assertThat(err.toString())
                .contains(
                        String.format(
                                java.util.Locale.ROOT,
                                "read %,d events from cf.clicks and cf.orders (2 undecodable"
                                        + " skipped)",
                                events.size() + 6));
        assertThat(out.toString()).contains("4 segments");
    }

    private static SegstreamConfig config(String prefix) {
        Map<String, Object> s = new HashMap<>();
        s.put(SegstreamConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        s.put(SegstreamConfig.APPLICATION_ID_CONFIG, prefix + "app");
        s.put(SegstreamConfig.TOPIC_PREFIX_CONFIG, prefix);
        s.put(SegstreamConfig.STATE_DIR_CONFIG, state.resolve(prefix).toString());
        s.put(SegstreamConfig.REPLICATION_FACTOR_CONFIG, "1");
        s.put(SegstreamConfig.REST_PORT_CONFIG, "0");
        s.put(SegstreamConfig.SEGMENTS_K_CONFIG, "4");
        s.put(SegstreamConfig.SEED_USERS_CONFIG, "100");
        s.put(SegstreamConfig.FLUSH_RECORDS_CONFIG, "200");
        s.put("kafka.commit.interval.ms", "200");
        s.put(SegstreamConfig.SERDE_FORMAT_CONFIG, "confluent");
        s.put(SegstreamConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.ccompatUrl());
        return new SegstreamConfig(s);
    }

    /** Events applied per user, from the app's own profiles. */
    private static Map<String, Long> applied() {
        Map<String, Long> out = new HashMap<>();
        try (var all = app.profileStore().all()) {
            all.forEachRemaining(kv -> out.put(kv.key, kv.value.eventCount()));
        } catch (RuntimeException e) {
            // the store is not queryable while the app rebalances: not there yet
        }
        return out;
    }

    private static Set<String> firstAssigned(List<SegmentChange> changes) {
        return changes.stream()
                .filter(c -> c.getChangeType() == SegmentChangeType.FIRST_ASSIGNMENT)
                .map(SegmentChange::getUserId)
                .collect(Collectors.toSet());
    }

    private static long deadLetters() {
        return TopicReader.readAll(kafka.clientProperties(), List.of("cf.dlq"), r -> r).size();
    }

    private static String click(String user, String referrer) throws Exception {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("eventType", "VIEW");
        c.put("userId", user);
        c.put("sessionId", "s-" + user);
        c.put("eventTime", Instant.parse("2025-11-01T10:00:00Z").toEpochMilli());
        c.put("productId", "p-1");
        c.put("title", "Red retrospot mug");
        c.put("category", "Home/Kitchen");
        c.put("price", 2.55);
        if (referrer != null) {
            c.put("referrer", referrer);
        }
        return JSON.writeValueAsString(c);
    }

    /** Events as the JSON a shop's producer would give its Avro serializer. */
    private static List<String> jsonLines(List<ShopEvent> events) throws Exception {
        List<String> out = new ArrayList<>(events.size());
        for (ShopEvent e : events) {
            out.add(JSON.writeValueAsString(plain(e.event())));
        }
        return out;
    }

    private static Object plain(Object v) {
        if (v instanceof SpecificRecord r) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (Schema.Field f : r.getSchema().getFields()) {
                m.put(f.name(), plain(r.get(f.pos())));
            }
            return m;
        }
        if (v instanceof Instant i) {
            return i.toEpochMilli();
        }
        if (v instanceof CharSequence || v instanceof Enum<?>) {
            return v.toString();
        }
        if (v instanceof List<?> l) {
            return l.stream().map(ConfluentFormatIntegrationTest::plain).toList();
        }
        return v;
    }

    /** Waits until {@code topic} has not grown for 3 s. */
    private static void awaitSettled(String topic, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int before = -1;
        while (true) {
            int now = TopicReader.readAll(kafka.clientProperties(), List.of(topic), r -> r).size();
            if (now == before) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(topic + " still growing after " + timeout);
            }
            before = now;
            Thread.sleep(3000);
        }
    }

    private static void await(Duration timeout, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within " + timeout);
            }
            Thread.sleep(250);
        }
    }
}
