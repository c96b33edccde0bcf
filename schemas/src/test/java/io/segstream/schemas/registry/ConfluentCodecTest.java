package io.segstream.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.segstream.schemas.ClickEvent;
import io.segstream.schemas.ClickEventType;
import io.segstream.schemas.SchemaDecodingException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The codec and its registry client against a minimal in-process stand-in of the registry's REST
 * API (the real registry and a real third-party client are in the cli module's integration test):
 * what is sent, what is cached, how refusals surface.
 */
class ConfluentCodecTest {

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final Map<Integer, String> schemas = new ConcurrentHashMap<>();

    @BeforeEach
    void startRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(
                "/",
                exchange -> {
                    String path = exchange.getRequestURI().getRawPath();
                    requests.add(
                            exchange.getRequestMethod()
                                    + " "
                                    + path
                                    + " "
                                    + exchange.getRequestHeaders().getFirst("Authorization"));
                    if (exchange.getRequestMethod().equals("POST")) {
                        String body =
                                new String(
                                        exchange.getRequestBody().readAllBytes(),
                                        StandardCharsets.UTF_8);
                        schemas.put(7, body.substring(body.indexOf(':') + 1, body.length() - 1));
                        reply(exchange, 200, "{\"id\":7}");
                    } else if (path.equals("/schemas/ids/7")) {
                        reply(exchange, 200, "{\"schema\":" + schemas.get(7) + "}");
                    } else {
                        reply(exchange, 404, "{\"error_code\":40403,\"message\":\"not found\"}");
                    }
                });
        server.start();
    }

    @AfterEach
    void stopRegistry() {
        server.stop(0);
    }

    @Test
    void shouldFrameWithTheIdAndRegisterOncePerSubject() {
        ConfluentCodec<ClickEvent> codec =
                ConfluentCodec.of(ClickEvent.class, client(SubjectNameStrategy.TOPIC, "u:p"));
        byte[] first = codec.encode("shop.clicks", click("u1"));
        codec.encode("shop.clicks", click("u2"));

        assertThat(first[0]).isZero();
        assertThat(java.nio.ByteBuffer.wrap(first, 1, 4).getInt()).isEqualTo(7);
        assertThat(requests)
                .containsExactly(
                        "POST /subjects/shop.clicks-value/versions Basic "
                                + java.util.Base64.getEncoder()
                                        .encodeToString("u:p".getBytes(StandardCharsets.UTF_8)));
        // the id was cached by registering: decoding asks nothing
        assertThat(codec.decode(first).getUserId()).isEqualTo("u1");
        assertThat(requests).hasSize(1);
    }

    @Test
    void shouldNameTheSubjectAfterTheRecordWithTheRecordStrategy() {
        ConfluentCodec<ClickEvent> codec =
                ConfluentCodec.of(ClickEvent.class, client(SubjectNameStrategy.RECORD, null));
        codec.encode("shop.clicks", click("u1"));
        assertThat(requests)
                .containsExactly("POST /subjects/io.segstream.schemas.ClickEvent/versions null");
    }

    @Test
    void shouldFetchAnUnseenWriterSchemaOnceAndRefuseAnUnknownIdAsUnknown() {
        SchemaRegistryClient registry = client(SubjectNameStrategy.TOPIC, null);
        byte[] bytes = ConfluentCodec.of(ClickEvent.class, registry).encode("t", click("u1"));
        // a second reader, as another app instance: it has to ask for id 7
        ConfluentCodec<ClickEvent> reader =
                ConfluentCodec.of(ClickEvent.class, client(SubjectNameStrategy.TOPIC, null));
        reader.decode(bytes);
        reader.decode(bytes);
        assertThat(requests.stream().filter(r -> r.startsWith("GET /schemas/ids/7"))).hasSize(1);

        byte[] unknown = bytes.clone();
        unknown[4] = 9;
        assertThatThrownBy(() -> reader.decode(unknown))
                .isInstanceOfSatisfying(
                        SchemaDecodingException.class,
                        e ->
                                assertThat(e.reason())
                                        .isEqualTo(
                                                SchemaDecodingException.Reason.UNKNOWN_SCHEMA_ID));
        assertThatThrownBy(() -> reader.decode(new byte[] {(byte) 0xC3, 1, 2, 3, 4, 5}))
                .isInstanceOfSatisfying(
                        SchemaDecodingException.class,
                        e ->
                                assertThat(e.reason())
                                        .isEqualTo(SchemaDecodingException.Reason.BAD_HEADER));
    }

    @Test
    void shouldGiveUpOnAnUnreachableRegistryOnlyWhenThePatienceRunsOut() {
        server.stop(0);
        SchemaRegistryClient registry = client(SubjectNameStrategy.TOPIC, null);
        long started = System.nanoTime();
        assertThatThrownBy(
                        () ->
                                registry.register(
                                        "t-value", click("u").getSchema(), Duration.ofMillis(700)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("did not answer")
                .hasMessageContaining("schema.registry.url");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    private SchemaRegistryClient client(SubjectNameStrategy strategy, String userInfo) {
        return new SchemaRegistryClient(
                new RegistrySettings(
                        "http://127.0.0.1:" + server.getAddress().getPort() + "/",
                        userInfo,
                        null,
                        strategy,
                        Duration.ofMillis(200)));
    }

    private static ClickEvent click(String user) {
        return ClickEvent.newBuilder()
                .setEventType(ClickEventType.VIEW)
                .setUserId(user)
                .setEventTime(Instant.parse("2025-11-01T10:00:00Z"))
                .setTitle("Red retrospot mug")
                .build();
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
