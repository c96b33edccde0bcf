package io.segstream.app.rest;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.topology.SegstreamTopology;
import io.segstream.core.clustering.NearestCentroid;
import io.segstream.core.model.ModelCompatibilityException;
import io.segstream.core.model.ScoringModel;
import io.segstream.core.model.UserExplanation;
import io.segstream.core.profile.UserProfile;
import io.segstream.schemas.AvroCodec;
import io.segstream.schemas.Centroid;
import io.segstream.schemas.SegmentModel;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The REST API: a user's segment (answered by the instance that owns the user's partition,
 * forwarded there through Kafka Streams metadata when another instance owns it), the segments, the
 * model, health and Prometheus metrics.
 */
public final class RestServer implements AutoCloseable {

    /** Reasons an explanation lists, strongest first. */
    private static final int EXPLANATION_REASONS = 6;

    private static final AvroCodec<SegmentModel> MODEL_CODEC = AvroCodec.of(SegmentModel.class);
    private static final String FORWARDED = "forwarded";

    private final SegstreamConfig config;
    private final PrometheusMeterRegistry registry;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Javalin server;
    private volatile KafkaStreams streams;
    private volatile Supplier<Optional<String>> deathReason = Optional::empty;
    private HostInfo self;

    public RestServer(SegstreamConfig config, PrometheusMeterRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    /** Binds the configured host and port (0 = any free port) and returns the port bound. */
    public int start() {
        server =
                Javalin.create(cfg -> cfg.showJavalinBanner = false)
                        .get(
                                "/users/{id}/segment",
                                ctx -> withProfile(ctx, "segment", this::userSegment))
                        .get(
                                "/users/{id}/explanation",
                                ctx -> withProfile(ctx, "explanation", this::userExplanation))
                        .get("/segments", this::segments)
                        .get("/model", this::model)
                        .get("/health", this::health)
                        .get("/health/ready", this::ready)
                        .get(
                                "/metrics",
                                ctx ->
                                        ctx.contentType("text/plain; version=0.0.4")
                                                .result(registry.scrape()))
                        .start(
                                config.getString(SegstreamConfig.REST_HOST_CONFIG),
                                config.getInt(SegstreamConfig.REST_PORT_CONFIG));
        self = new HostInfo(config.getString(SegstreamConfig.REST_HOST_CONFIG), server.port());
        return server.port();
    }

    /**
     * Connects the API to the streams client it answers for; {@code deathReason} says why the
     * client stopped on its own, empty while it is alive.
     */
    public void attach(KafkaStreams streams, Supplier<Optional<String>> deathReason) {
        this.deathReason = deathReason;
        this.streams = streams;
    }

    public int port() {
        return server.port();
    }

    /** What an endpoint does with a user's profile, on the instance that owns it. */
    private interface ProfileHandler {
        void handle(Context ctx, KafkaStreams streams, String user, UserProfile profile);
    }

    /**
     * Finds the user's profile on the instance that owns it (forwarding {@code /users/{id}/<what>}
     * there when that is another instance) and hands it to {@code handler}; 404 when unknown.
     */
    private void withProfile(Context ctx, String what, ProfileHandler handler)
            throws IOException, InterruptedException {
        String user = ctx.pathParam("id");
        KafkaStreams s = requireStreams(ctx);
        if (s == null) {
            return;
        }
        KeyQueryMetadata meta =
                s.queryMetadataForKey(
                        SegstreamTopology.PROFILES_STORE, user, Serdes.String().serializer());
        if (meta == null || meta == KeyQueryMetadata.NOT_AVAILABLE) {
            unavailable(
                    ctx,
                    "The user's partition has no active owner right now (rebalancing); retry shortly.");
            return;
        }
        if (!meta.activeHost().equals(self) && ctx.queryParam(FORWARDED) == null) {
            forward(ctx, meta.activeHost(), user, what);
            return;
        }
        ReadOnlyKeyValueStore<String, UserProfile> store;
        try {
            store =
                    s.store(
                            StoreQueryParameters.fromNameAndType(
                                            SegstreamTopology.PROFILES_STORE,
                                            QueryableStoreTypes
                                                    .<String, UserProfile>keyValueStore())
                                    .withPartition(meta.partition()));
        } catch (RuntimeException e) {
            unavailable(
                    ctx,
                    "The user's store is not queryable right now ("
                            + e.getMessage()
                            + "); retry shortly.");
            return;
        }
        UserProfile profile = store.get(user);
        if (profile == null || profile.segment() == UserProfile.NO_SEGMENT) {
            ctx.status(HttpStatus.NOT_FOUND)
                    .json(
                            Map.of(
                                    "error",
                                    profile == null ? "unknown user" : "user not assigned yet",
                                    "userId",
                                    user));
            return;
        }
        handler.handle(ctx, s, user, profile);
    }

    private void userSegment(Context ctx, KafkaStreams s, String user, UserProfile profile) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("userId", user);
        body.put("segmentId", profile.segment());
        body.put("segmentName", segmentName(s, profile.segment()));
        body.put("distance", profile.segmentDistance());
        body.put("modelVersion", profile.modelVersion());
        body.put("lastEventTime", Instant.ofEpochMilli(profile.lastEventTime()).toString());
        body.put("servedBy", self.host() + ":" + self.port());
        ctx.json(body);
    }

    /** Why the user is in their segment under the current model, feature by feature. */
    private void userExplanation(Context ctx, KafkaStreams s, String user, UserProfile profile) {
        SegmentModel model = currentModel(ctx);
        if (model == null) {
            return;
        }
        ScoringModel scoring;
        try {
            scoring =
                    ScoringModel.of(
                            model,
                            config.profileSettings(),
                            model.getTextEncoder().getModelId(),
                            model.getTextEncoder().getDimension());
        } catch (ModelCompatibilityException e) {
            unavailable(ctx, e.getMessage());
            return;
        }
        double[] x = scoring.vectorizer().vectorize(profile, profile.lastEventTime());
        int segment =
                scoring.clusters().stream().anyMatch(c -> c.segmentId() == profile.segment())
                        ? profile.segment()
                        : new NearestCentroid(0).assign(x, scoring.clusters(), null).segmentId();
        UserExplanation e =
                UserExplanation.of(x, segment, scoring.clusters(), scoring.vectorizer().spec());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("userId", user);
        body.put("segmentId", e.segment());
        body.put("segmentName", scoring.name(e.segment()));
        body.put("distance", e.distance());
        body.put("runnerUp", e.runnerUp());
        body.put("runnerUpName", e.runnerUp() < 0 ? null : scoring.name(e.runnerUp()));
        body.put("runnerUpDistance", e.runnerUpDistance());
        body.put("modelVersion", model.getVersion());
        body.put(
                "reasons",
                e.reasons().stream()
                        .filter(r -> r.advantage() > 0)
                        .limit(EXPLANATION_REASONS)
                        .map(
                                r -> {
                                    Map<String, Object> m = new LinkedHashMap<>();
                                    m.put("feature", r.feature());
                                    m.put("advantage", r.advantage());
                                    if (!r.feature().equals("text")) {
                                        m.put("user", r.user());
                                        m.put("segment", r.segment());
                                        m.put("runnerUp", r.runnerUp());
                                    }
                                    return m;
                                })
                        .toList());
        body.put("servedBy", self.host() + ":" + self.port());
        ctx.json(body);
    }

    private void forward(Context ctx, HostInfo owner, String user, String what)
            throws IOException, InterruptedException {
        URI uri =
                URI.create(
                        "http://"
                                + owner.host()
                                + ":"
                                + owner.port()
                                + "/users/"
                                + URLEncoder.encode(user, StandardCharsets.UTF_8)
                                        .replace("+", "%20")
                                + "/"
                                + what
                                + "?"
                                + FORWARDED
                                + "=true");
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
        ctx.status(response.statusCode()).contentType("application/json").result(response.body());
    }

    private void segments(Context ctx) {
        SegmentModel model = currentModel(ctx);
        if (model == null) {
            return;
        }
        List<String> names = model.getFeatureSpec().getNames();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Centroid c : model.getCentroids()) {
            Map<String, Object> seg = new LinkedHashMap<>();
            seg.put("segmentId", c.getSegmentId());
            seg.put("name", c.getName() == null ? "segment " + c.getSegmentId() : c.getName());
            seg.put("size", c.getWeight());
            seg.put("centroid", summary(names, c.getVector()));
            out.add(seg);
        }
        ctx.json(Map.of("modelVersion", model.getVersion(), "segments", out));
    }

    /** The centroid's behavioural features as z-scores, strongest first. */
    private static Map<String, Double> summary(List<String> names, List<Float> vector) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble(i -> -Math.abs(vector.get(i))));
        Map<String, Double> z = new LinkedHashMap<>();
        for (int i : order.subList(0, Math.min(5, order.size()))) {
            z.put(names.get(i), Math.round(vector.get(i) * 100) / 100.0);
        }
        return z;
    }

    private void model(Context ctx) {
        SegmentModel model = currentModel(ctx);
        if (model == null) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", model.getVersion());
        body.put("majorVersion", model.getMajorVersion());
        body.put("parentVersion", model.getParentVersion());
        body.put("origin", model.getOrigin().name());
        body.put("createdAt", model.getCreatedAt().toString());
        body.put("k", model.getK());
        body.put("features", model.getFeatureSpec().getNames());
        body.put("textWeight", model.getFeatureSpec().getTextWeight());
        body.put("textDimension", model.getFeatureSpec().getTextDimension());
        body.put(
                "encoder",
                Map.of(
                        "modelId",
                        model.getTextEncoder().getModelId(),
                        "sha256",
                        model.getTextEncoder().getSha256(),
                        "dimension",
                        model.getTextEncoder().getDimension()));
        ctx.json(body);
    }

    /**
     * Liveness: 503 DOWN with the reason once the streams client has stopped (restarting the
     * instance is the cure); UP while it starts, rebalances or runs, since a rebalance ends by
     * itself and a restart would only prolong it.
     */
    private void health(Context ctx) {
        KafkaStreams s = streams;
        KafkaStreams.State state = s == null ? null : s.state();
        Optional<String> dead = deathReason.get();
        boolean up =
                dead.isEmpty()
                        && (state == null
                                || state == KafkaStreams.State.CREATED
                                || state == KafkaStreams.State.REBALANCING
                                || state == KafkaStreams.State.RUNNING);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        body.put("streams", String.valueOf(state));
        if (!up) {
            body.put("reason", dead.orElse("the streams client is " + state));
        }
        ctx.status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(body);
    }

    /**
     * Readiness: 200 only while the streams client is RUNNING, when this instance's stores answer
     * queries; 503 while it starts, rebalances or is dead, so that a load balancer sends requests
     * elsewhere.
     */
    private void ready(Context ctx) {
        KafkaStreams s = streams;
        KafkaStreams.State state = s == null ? null : s.state();
        Optional<String> dead = deathReason.get();
        boolean ready = dead.isEmpty() && state == KafkaStreams.State.RUNNING;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", ready ? "READY" : "NOT_READY");
        body.put("streams", String.valueOf(state));
        dead.ifPresent(reason -> body.put("reason", reason));
        ctx.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(body);
    }

    private SegmentModel currentModel(Context ctx) {
        KafkaStreams s = requireStreams(ctx);
        if (s == null) {
            return null;
        }
        byte[] bytes;
        try {
            ReadOnlyKeyValueStore<String, byte[]> store =
                    s.store(
                            StoreQueryParameters.fromNameAndType(
                                    SegstreamTopology.MODEL_STORE,
                                    QueryableStoreTypes.<String, byte[]>keyValueStore()));
            bytes = store.get("current");
        } catch (RuntimeException e) {
            unavailable(ctx, "The model store is not queryable right now (" + e.getMessage() + ")");
            return null;
        }
        if (bytes == null) {
            ctx.status(HttpStatus.NOT_FOUND)
                    .json(
                            Map.of(
                                    "error",
                                    "no segment model yet: it is seeded once enough users have been seen"));
            return null;
        }
        return MODEL_CODEC.decode(bytes);
    }

    private String segmentName(KafkaStreams s, int segment) {
        try {
            ReadOnlyKeyValueStore<String, byte[]> store =
                    s.store(
                            StoreQueryParameters.fromNameAndType(
                                    SegstreamTopology.MODEL_STORE,
                                    QueryableStoreTypes.<String, byte[]>keyValueStore()));
            byte[] bytes = store.get("current");
            if (bytes != null) {
                for (Centroid c : MODEL_CODEC.decode(bytes).getCentroids()) {
                    if (c.getSegmentId() == segment && c.getName() != null) {
                        return c.getName();
                    }
                }
            }
        } catch (RuntimeException e) {
            // the name is a nicety; the segment id is the answer
        }
        return "segment " + segment;
    }

    private KafkaStreams requireStreams(Context ctx) {
        KafkaStreams s = streams;
        if (s == null) {
            unavailable(ctx, "segstream is starting");
        }
        return s;
    }

    private static void unavailable(Context ctx, String why) {
        ctx.status(HttpStatus.SERVICE_UNAVAILABLE).json(Map.of("error", why));
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop();
        }
    }
}
