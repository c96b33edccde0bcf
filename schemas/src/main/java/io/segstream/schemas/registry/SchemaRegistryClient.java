package io.segstream.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small client of the Confluent Schema Registry API, which Confluent's registry, Karapace,
 * Redpanda and Apicurio ({@code /apis/ccompat/v7}) all serve: register a schema under a subject,
 * fetch a schema by id, read a subject's latest version. Ids are cached both ways, so a running
 * serde asks the registry once per schema, not per record.
 *
 * <p>A registry that does not answer (connection refused, timeout, 5xx) is retried with backoff up
 * to {@link RegistrySettings#maxBackoff()} between tries, for as long as the caller's patience
 * lasts: forever on the record path, where giving up would dead-letter a good record because the
 * registry blinked. A registry that answers with a refusal throws {@link RegistryException} at
 * once.
 */
public final class SchemaRegistryClient {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    /** A subject's latest version. */
    public record Version(int id, int version, Schema schema) {}

    private final RegistrySettings settings;
    private final HttpClient http;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, Integer> idsBySubjectAndSchema = new ConcurrentHashMap<>();

    public SchemaRegistryClient(RegistrySettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    public RegistrySettings settings() {
        return settings;
    }

    /**
     * The id of {@code schema} under {@code subject}, registering it if the subject lacks it (as
     * Confluent's serializers do); the registry refuses, with 409, a schema its compatibility
     * setting does not allow.
     */
    public int register(String subject, Schema schema, Duration patience) {
        String key = subject + '\u0000' + schema.toString();
        Integer cached = idsBySubjectAndSchema.get(key);
        if (cached != null) {
            return cached;
        }
        ObjectNode body = JSON.createObjectNode().put("schema", schema.toString());
        JsonNode answer =
                call(
                        "POST",
                        "/subjects/" + encode(subject) + "/versions",
                        body.toString(),
                        patience);
        int id = answer.get("id").asInt();
        idsBySubjectAndSchema.put(key, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    /** The writer schema registered under {@code id}. */
    public Schema schemaById(int id, Duration patience) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = call("GET", "/schemas/ids/" + id, null, patience);
        Schema schema = new Schema.Parser().parse(answer.get("schema").asText());
        schemasById.put(id, schema);
        return schema;
    }

    /** The subject's latest version; empty when the subject has none yet. */
    public Optional<Version> latest(String subject, Duration patience) {
        try {
            JsonNode answer =
                    call(
                            "GET",
                            "/subjects/" + encode(subject) + "/versions/latest",
                            null,
                            patience);
            Schema schema = new Schema.Parser().parse(answer.get("schema").asText());
            int id = answer.get("id").asInt();
            schemasById.putIfAbsent(id, schema);
            return Optional.of(new Version(id, answer.get("version").asInt(), schema));
        } catch (RegistryException e) {
            if (e.notFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private JsonNode call(String method, String path, String body, Duration patience) {
        long deadline = patience == null ? Long.MAX_VALUE : System.nanoTime() + patience.toNanos();
        Duration backoff = FIRST_BACKOFF;
        int attempt = 0;
        while (true) {
            attempt++;
            String problem;
            try {
                HttpResponse<String> response =
                        http.send(
                                request(method, path, body), HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status / 100 == 2) {
                    if (attempt > 1) {
                        LOG.info("Schema registry at {} answers again", settings.url());
                    }
                    return JSON.readTree(response.body());
                }
                if (status < 500) {
                    throw refusal(method, path, status, response.body());
                }
                problem = "HTTP " + status;
            } catch (IOException e) {
                problem =
                        e.getClass().getSimpleName()
                                + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while calling the schema registry", e);
            }
            if (System.nanoTime() + backoff.toNanos() > deadline) {
                throw new IllegalStateException(
                        "Schema registry at "
                                + settings.url()
                                + " did not answer "
                                + method
                                + " "
                                + path
                                + " ("
                                + problem
                                + ") within "
                                + patience.toSeconds()
                                + " s: check schema.registry.url and that the registry runs");
            }
            LOG.warn(
                    "Schema registry at {} does not answer ({}); retry {} in {} ms",
                    settings.url(),
                    problem,
                    attempt,
                    backoff.toMillis());
            try {
                Thread.sleep(backoff.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the registry", e);
            }
            backoff = backoff.multipliedBy(2);
            if (backoff.compareTo(settings.maxBackoff()) > 0) {
                backoff = settings.maxBackoff();
            }
        }
    }

    private HttpRequest request(String method, String path, String body) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(settings.url() + path))
                        .timeout(REQUEST_TIMEOUT)
                        .header("Accept", CONTENT_TYPE + ", application/json");
        if (settings.basicAuthUserInfo() != null) {
            b.header(
                    "Authorization",
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString(
                                            settings.basicAuthUserInfo()
                                                    .getBytes(StandardCharsets.UTF_8)));
        } else if (settings.bearerToken() != null) {
            b.header("Authorization", "Bearer " + settings.bearerToken());
        }
        if (body == null) {
            return b.GET().build();
        }
        return b.header("Content-Type", CONTENT_TYPE)
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private RegistryException refusal(String method, String path, int status, String body) {
        int code = -1;
        String message = body;
        try {
            JsonNode error = JSON.readTree(body);
            if (error.has("error_code")) {
                code = error.get("error_code").asInt();
            }
            if (error.has("message")) {
                message = error.get("message").asText();
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: keep the body as the message
        }
        return new RegistryException(
                "Schema registry at "
                        + settings.url()
                        + " refused "
                        + method
                        + " "
                        + path
                        + " (HTTP "
                        + status
                        + (code >= 0 ? ", error " + code : "")
                        + "): "
                        + message,
                status,
                code);
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
