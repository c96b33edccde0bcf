package io.segstream.app.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpStatus;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.topology.SegstreamTopology;
import io.segstream.core.clustering.NearestCentroid;
import io.segstream.core.model.ModelCompatibilityException;
import io.segstream.core.model.ScoringModel;
import io.segstream.core.model.UserExplanation;
import io.segstream.core.profile.UserProfile;
import io.segstream.schemas.Centroid;
import io.segstream.schemas.DeletionRequest;
import io.segstream.schemas.SegmentModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API: a user's segment (answered by this instance's copy of the user's partition, active
 * or a standby within {@code rest.standby.read.max.lag}; otherwise forwarded to the owner through
 * Kafka Streams metadata, and answered by a standby copy when the owner cannot), batch lookups,
 * erasure requests, the segments, the model, health and Prometheus metrics. Access is checked by
 * {@link AccessControl}; user ids by {@link UserIds}.
 */
public final class RestServer implements AutoCloseable {

    /**
     * Set on a request one instance forwards to another: the receiver answers from its own copy and
     * never forwards again, so that a stale or disputed ownership cannot make a loop.
     */
    public static final String FORWARDED_HEADER = "X-Segstream-Forwarded";

    /** Which copy answered a per-user request: {@code active} or {@code standby}. */
    public static final String SERVED_BY_HEADER = "X-Segstream-Served-By";

    /**
     * How many changelog records the copy that answered is behind (0 for a running active copy; -1
     * when not known).
     */
    public static final String OFFSET_LAG_HEADER = "X-Segstream-Offset-Lag";

    /** Most user ids one {@code POST /segments/lookup} may name. */
    public static final int MAX_LOOKUP_IDS = 1000;

    /** Longest reason a deletion request may carry (it is kept on the deletions topic). */
    public static final int MAX_DELETION_REASON_CHARS = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(RestServer.class);

    /** Reasons an explanation lists, strongest first. */
    private static final int EXPLANATION_REASONS = 6;

    /** A full lookup batch of maximal ids, escaped, with room to spare. */
    private static final long MAX_BODY_BYTES = 8L * MAX_LOOKUP_IDS * UserIds.MAX_BYTES;

    /** How long a partition's lag is reused: reading lags asks the brokers for end offsets. */
    private static final long LAG_CACHE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    /**
     * How long a forwarded read may take before the standby copy is asked instead: an owner that
     * was killed keeps its partitions until it is back (static membership), so every read of its
     * users pays this once the connection hangs rather than fails.
     */
    private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(2);

    /**
     * How long one request waits for this instance's copy of a partition to reopen. When a
     * rebalance turns a standby copy into the active one, the task is closed and re-created, and
     * for a moment the partition has no store here at all; a read that arrives then is answered a
     * moment later rather than refused. No request waits once the partition has been closed for
     * this long: the reads after that are refused at once until it is open again.
     */
    private static final long REOPEN_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * Requests that may wait for a copy to reopen at once; the next are refused at once, so that a
     * bidder's load during a handover cannot take all of the server's threads.
     */
    private static final int REOPEN_MAX_WAITERS = 32;

    private static final long REOPEN_POLL_MILLIS = 10;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Which copy of a user's partition answered. */
    enum Role {
        ACTIVE,
        STANDBY;

        String header() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** What this instance's copy says of one user; {@code profile} is null when unknown. */
    private record LocalRead(Role role, long offsetLag, UserProfile profile) {
        boolean found() {
            return profile != null && profile.segment() != UserProfile.NO_SEGMENT;
        }
    }

    /** This instance cannot answer for a user right now; the message says why. */
    private static final class NotServableHere extends Exception {
        NotServableHere(String message) {
            super(message);
        }
    }

    private record LagSnapshot(long takenAt, Map<Integer, Long> byPartition) {}

    private final SegstreamConfig config;
    private final PrometheusMeterRegistry registry;
    private final LookupTimer lookups;
    private final AccessControl access;
    private final String scheme;
    private final HttpClient http;
    private final CurrentModel currentModel = new CurrentModel();
    private final long standbyReadMaxLag;

    private final ClosedPartitions closed = new ClosedPartitions(REOPEN_WAIT_NANOS);
    private final Semaphore reopenWaiters = new Semaphore(REOPEN_MAX_WAITERS);

    /** Created at the first erasure: an instance that never erases never connects to publish. */
    private DeletionPublisher deletions;

    private Javalin server;
    private volatile KafkaStreams streams;
    private volatile Supplier<Optional<String>> deathReason = Optional::empty;
    private volatile Supplier<Optional<String>> brokerProblem = Optional::empty;
    private volatile LagSnapshot lags = new LagSnapshot(0, Map.of());
    private final AtomicBoolean lagRefresh = new AtomicBoolean();
    private final ExecutorService lagReader =
            Executors.newSingleThreadExecutor(
                    r -> {
                        Thread t = new Thread(r, "segstream-rest-lags");
                        t.setDaemon(true);
                        return t;
                    });
    private HostInfo self;

    public RestServer(SegstreamConfig config, PrometheusMeterRegistry registry) {
        this.config = config;
        this.registry = registry;
        this.lookups = new LookupTimer(registry);
        this.access = AccessControl.of(config);
        this.standbyReadMaxLag = config.getLong(SegstreamConfig.REST_STANDBY_READ_MAX_LAG_CONFIG);
        String keystore = config.getString(SegstreamConfig.REST_TLS_KEYSTORE_PATH_CONFIG);
        this.scheme = keystore.isEmpty() ? "http" : "https";
        // instances speak HTTP/1.1 only (Jetty without HTTP/2): asking for it spares each new
        // connection an h2c upgrade offer that is always declined
        HttpClient.Builder client =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(2));
        if (!keystore.isEmpty()) {
            client.sslContext(trusting(keystore, keystorePassword()));
        }
        this.http = client.build();
    }

    /** Binds the configured host and port (0 = any free port) and returns the port bound. */
    public int start() {
        String host = config.getString(SegstreamConfig.REST_HOST_CONFIG);
        int port = config.getInt(SegstreamConfig.REST_PORT_CONFIG);
        server =
                Javalin.create(
                                cfg -> {
                                    cfg.showJavalinBanner = false;
                                    cfg.http.maxRequestSize = MAX_BODY_BYTES;
                                    if (scheme.equals("https")) {
                                        cfg.jetty.addConnector(
                                                (jetty, httpConfig) -> {
                                                    httpConfig.addCustomizer(
                                                            new SecureRequestCustomizer());
                                                    SslContextFactory.Server tls =
                                                            new SslContextFactory.Server();
                                                    tls.setKeyStorePath(
                                                            config.getString(
                                                                    SegstreamConfig
                                                                            .REST_TLS_KEYSTORE_PATH_CONFIG));
                                                    tls.setKeyStorePassword(keystorePassword());
                                                    ServerConnector connector =
                                                            new ServerConnector(
                                                                    jetty,
                                                                    tls,
                                                                    new HttpConnectionFactory(
                                                                            httpConfig));
                                                    connector.setHost(host);
                                                    connector.setPort(port);
                                                    return connector;
                                                });
                                    }
                                })
                        .get(
                                "/users/{id}/segment",
                                lookups.timed(
                                        "user",
                                        guarded(
                                                AccessControl.Level.READ,
                                                ctx -> perUser(ctx, "segment", this::userSegment))))
                        .get(
                                "/users/{id}/explanation",
                                guarded(
                                        AccessControl.Level.READ,
                                        ctx -> perUser(ctx, "explanation", this::userExplanation)))
                        .delete("/users/{id}", guarded(AccessControl.Level.ADMIN, this::delete))
                        .post(
                                "/segments/lookup",
                                lookups.timed(
                                        "batch", guarded(AccessControl.Level.READ, this::lookup)))
                        .get("/segments", guarded(AccessControl.Level.READ, this::segments))
                        .get("/model", guarded(AccessControl.Level.READ, this::model))
                        .get("/health", this::health)
                        .get("/health/ready", this::ready)
                        // metrics need the read token too: they show traffic, lags and the task
                        // layout, and Prometheus sends a bearer token (authorization.credentials)
                        .get(
                                "/metrics",
                                guarded(
                                        AccessControl.Level.READ,
                                        ctx ->
                                                ctx.contentType("text/plain; version=0.0.4")
                                                        .result(registry.scrape())))
                        .exception(
                                InvalidUserIdException.class,
                                (e, ctx) -> badRequest(ctx, e.getMessage()))
                        .exception(
                                BadRequestException.class,
                                (e, ctx) -> badRequest(ctx, e.getMessage()))
                        .exception(
                                Exception.class,
                                (e, ctx) -> {
                                    LOG.error(
                                            "REST request {} {} failed",
                                            ctx.method(),
                                            ctx.path(),
                                            e);
                                    ctx.status(HttpStatus.INTERNAL_SERVER_ERROR)
                                            .json(
                                                    Map.of(
                                                            "error",
                                                            "internal error: "
                                                                    + e.getClass().getSimpleName()
                                                                    + "; see the instance's log"));
                                });
        if (scheme.equals("https")) {
            server.start();
        } else {
            server.start(host, port);
        }
        self = new HostInfo(host, server.port());
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

    /**
     * What keeps the instance from being ready although its streams client says RUNNING: Kafka
     * Streams stays RUNNING through a broker outage while it can neither process nor commit.
     */
    public void attachBrokerCheck(Supplier<Optional<String>> brokerProblem) {
        this.brokerProblem = brokerProblem;
    }

    public int port() {
        return server.port();
    }

    /** {@code http} or {@code https}, as configured. */
    public String scheme() {
        return scheme;
    }

    private Handler guarded(AccessControl.Level level, Handler handler) {
        return ctx -> {
            Optional<AccessControl.Denial> denial =
                    access.check(level, ctx.header("Authorization"));
            if (denial.isPresent()) {
                AccessControl.Denial d = denial.get();
                if (d.status() == 401) {
                    ctx.header("WWW-Authenticate", "Bearer realm=\"segstream\"");
                }
                ctx.status(d.status()).json(Map.of("error", d.error()));
                return;
            }
            handler.handle(ctx);
        };
    }

    /** What an endpoint does with a user's profile, on the instance that has it. */
    private interface ProfileHandler {
        void handle(Context ctx, KafkaStreams streams, String user, UserProfile profile);
    }

    /**
     * The user id of a {@code /users/{id}/...} path, decoded from the raw request path (see {@link
     * UserIds} for why not from the framework's decoded one).
     */
    private static String pathUser(Context ctx) {
        String[] segments = ctx.req().getRequestURI().split("/", -1);
        if (segments.length < 3 || !segments[1].equals("users")) {
            throw new InvalidUserIdException("the path names no user id");
        }
        return UserIds.fromPathSegment(segments[2]);
    }

    /**
     * Answers {@code /users/{id}/<what>}: forwards to the active owner when that is another
     * instance, falls back to a standby copy when the owner does not answer, and otherwise reads
     * this instance's copy and hands a known profile to {@code handler}; 404 when unknown.
     */
    private void perUser(Context ctx, String what, ProfileHandler handler)
            throws InterruptedException {
        String user = pathUser(ctx);
        KafkaStreams s = requireStreams(ctx);
        if (s == null) {
            return;
        }
        KeyQueryMetadata meta;
        try {
            meta = metadata(s, user);
        } catch (NotServableHere e) {
            unavailable(ctx, e.getMessage());
            return;
        }
        boolean forwarded = ctx.header(FORWARDED_HEADER) != null;
        boolean ownerOnly = ownerOnly(ctx);
        if (!forwarded
                && meta != null
                && !meta.activeHost().equals(self)
                && (ownerOnly || !freshStandby(s, meta))) {
            String path = "/users/" + encode(user) + "/" + what;
            Optional<HttpResponse<String>> answer = forwardGet(ctx, meta.activeHost(), path);
            if (answer.isEmpty() && !meta.standbyHosts().contains(self)) {
                for (HostInfo standby : meta.standbyHosts()) {
                    answer = forwardGet(ctx, standby, path);
                    if (answer.isPresent()) {
                        break;
                    }
                }
            }
            if (answer.isPresent()) {
                LookupTimer.servedBy(ctx, "forwarded");
                relay(ctx, answer.get());
                return;
            }
            if (!meta.standbyHosts().contains(self)) {
                unavailable(
                        ctx,
                        "neither the owner of the user's partition ("
                                + meta.activeHost()
                                + ") nor a standby copy answered; retry shortly");
                return;
            }
        }
        LocalRead local;
        try {
            local = readLocal(s, user, meta, System.nanoTime() + REOPEN_WAIT_NANOS);
        } catch (NotServableHere e) {
            unavailable(ctx, e.getMessage());
            return;
        }
        ctx.header(SERVED_BY_HEADER, local.role().header());
        ctx.header(OFFSET_LAG_HEADER, Long.toString(local.offsetLag()));
        LookupTimer.servedBy(ctx, local.role() == Role.ACTIVE ? "local" : "standby");
        if (!local.found()) {
            ctx.status(HttpStatus.NOT_FOUND).json(notFound(user, local.profile()));
            return;
        }
        handler.handle(ctx, s, user, local.profile());
    }

    /**
     * {@code ?from=active}: the caller wants the owner's copy (the freshest), not a standby's; a
     * standby still answers, flagged, when the owner does not.
     */
    private static boolean ownerOnly(Context ctx) {
        String from = ctx.queryParam("from");
        if (from == null) {
            return false;
        }
        if (!from.equals("active")) {
            throw new BadRequestException(
                    "from="
                            + from
                            + " is not known; leave it out, or from=active for the owner's copy");
        }
        return true;
    }

    /**
     * Whether this instance's standby copy of the user's partition may answer instead of the owner:
     * it exists and is at most {@code rest.standby.read.max.lag} records behind. It spares the read
     * a second HTTP round trip, which costs more than the read itself.
     */
    private boolean freshStandby(KafkaStreams s, KeyQueryMetadata meta) {
        if (standbyReadMaxLag < 0 || !meta.standbyHosts().contains(self)) {
            return false;
        }
        long lag = lag(s, meta.partition());
        return lag >= 0 && lag <= standbyReadMaxLag;
    }

    private static Map<String, Object> notFound(String user, UserProfile profile) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", profile == null ? "unknown user" : "user not assigned yet");
        body.put("userId", user);
        return body;
    }

    /** The user's partition and its hosts; null while no instance owns it (rebalancing). */
    private static KeyQueryMetadata metadata(KafkaStreams s, String user) throws NotServableHere {
        KeyQueryMetadata meta;
        try {
            meta =
                    s.queryMetadataForKey(
                            SegstreamTopology.PROFILES_STORE, user, Serdes.String().serializer());
        } catch (RuntimeException e) {
            throw new NotServableHere(
                    "the streams client cannot locate users right now (" + e.getMessage() + ")");
        }
        return meta == null || meta == KeyQueryMetadata.NOT_AVAILABLE ? null : meta;
    }

    /**
     * Reads the user from this instance's copy of their partition: the active one, or a standby or
     * restoring one (possibly behind, as its lag says) when this instance is not the owner. While
     * the partition has no known owner ({@code meta} null) any local copy that has the user
     * answers; closed copies are skipped, not waited for. A copy of the owned partition that is
     * closed for a moment is waited for until {@code reopenDeadline} (System.nanoTime()).
     */
    private LocalRead readLocal(
            KafkaStreams s, String user, KeyQueryMetadata meta, long reopenDeadline)
            throws NotServableHere {
        if (meta == null) {
            for (int partition : lags(s, -1).keySet()) {
                UserProfile profile;
                try {
                    profile = read(s, partition, user, System.nanoTime());
                } catch (NotServableHere closedNow) {
                    continue;
                }
                if (profile != null) {
                    return new LocalRead(Role.STANDBY, lag(s, partition), profile);
                }
            }
            throw new NotServableHere(
                    "the user's partition has no owner right now (rebalancing) and this instance"
                            + " has no copy of the user; retry shortly");
        }
        Role role;
        if (meta.activeHost().equals(self)) {
            role = Role.ACTIVE;
        } else if (meta.standbyHosts().contains(self)) {
            role = Role.STANDBY;
        } else {
            throw new NotServableHere(
                    "this instance holds no copy of the user's partition (it moved to "
                            + meta.activeHost()
                            + "); retry shortly");
        }
        UserProfile profile = read(s, meta.partition(), user, reopenDeadline);
        return new LocalRead(role, lag(s, meta.partition()), profile);
    }

    /**
     * The user's profile from this instance's copy of {@code partition}. The store handle resolves
     * the partition only when read, so a copy that is still being created at start-up or moved by a
     * rebalance fails at the read; while the client is running or rebalancing, that is retried
     * until {@code reopenDeadline} or until the partition has been closed for {@link
     * #REOPEN_WAIT_NANOS}, whichever comes first, by at most {@link #REOPEN_MAX_WAITERS} requests.
     */
    private UserProfile read(KafkaStreams s, int partition, String user, long reopenDeadline)
            throws NotServableHere {
        boolean waiting = false;
        try {
            while (true) {
                try {
                    UserProfile profile = localStore(s, partition).get(user);
                    closed.opened(partition);
                    return profile;
                } catch (InvalidStateStoreException e) {
                    long now = System.nanoTime();
                    KafkaStreams.State state = s.state();
                    boolean mayWait =
                            now < reopenDeadline
                                    && closed.mayWait(partition, now)
                                    && (state == KafkaStreams.State.RUNNING
                                            || state == KafkaStreams.State.REBALANCING);
                    if (mayWait && !waiting) {
                        waiting = reopenWaiters.tryAcquire();
                    }
                    if (!mayWait || !waiting) {
                        throw new NotServableHere(
                                "this instance's copy of the user's partition is not open right now"
                                        + " ("
                                        + e.getMessage()
                                        + "); retry shortly");
                    }
                    Thread.sleep(REOPEN_POLL_MILLIS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotServableHere("this instance is stopping; retry shortly");
        } finally {
            if (waiting) {
                reopenWaiters.release();
            }
        }
    }

    private static ReadOnlyKeyValueStore<String, UserProfile> localStore(
            KafkaStreams s, int partition) throws NotServableHere {
        try {
            return s.store(
                    StoreQueryParameters.fromNameAndType(
                                    SegstreamTopology.PROFILES_STORE,
                                    QueryableStoreTypes.<String, UserProfile>keyValueStore())
                            .withPartition(partition)
                            .enableStaleStores());
        } catch (InvalidStateStoreException e) {
            // a copy closed for a moment: the read decides whether to wait for it
            throw e;
        } catch (RuntimeException e) {
            throw new NotServableHere(
                    "the user's store is not queryable here right now ("
                            + e.getMessage()
                            + "); retry shortly");
        }
    }

    /** The offset lag of this instance's copy of a profile partition; -1 when not known. */
    private long lag(KafkaStreams s, int partition) {
        Long lag = lags(s, partition).get(partition);
        return lag == null ? -1 : lag;
    }

    /**
     * Offset lags of this instance's profile partitions. A request waits for them only when none
     * are known or {@code partition} is missing (it may just have been assigned); an older snapshot
     * is re-read in the background, because reading lags asks the broker for end offsets, a round
     * trip that every request arriving at that moment used to wait for.
     */
    private Map<Integer, Long> lags(KafkaStreams s, int partition) {
        LagSnapshot snapshot = lags;
        if (snapshot.takenAt() == 0
                || (partition >= 0 && !snapshot.byPartition().containsKey(partition))) {
            return readLags(s);
        }
        if (System.nanoTime() - snapshot.takenAt() >= LAG_CACHE_NANOS
                && lagRefresh.compareAndSet(false, true)) {
            try {
                lagReader.execute(
                        () -> {
                            try {
                                readLags(s);
                            } finally {
                                lagRefresh.set(false);
                            }
                        });
            } catch (RejectedExecutionException e) {
                lagRefresh.set(false); // closing
            }
        }
        return snapshot.byPartition();
    }

    private Map<Integer, Long> readLags(KafkaStreams s) {
        long now = System.nanoTime();
        Map<Integer, Long> byPartition = new HashMap<>();
        try {
            Map<Integer, LagInfo> store =
                    s.allLocalStorePartitionLags().get(SegstreamTopology.PROFILES_STORE);
            if (store != null) {
                store.forEach((p, info) -> byPartition.put(p, info.offsetLag()));
            }
        } catch (RuntimeException e) {
            LOG.debug("Could not read the local store lags", e);
        }
        lags = new LagSnapshot(now, Map.copyOf(byPartition));
        return byPartition;
    }

    private Map<String, Object> segmentBody(
            CurrentModel.Decoded model, String user, UserProfile profile) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("userId", user);
        body.put("segmentId", profile.segment());
        body.put("segmentName", segmentName(model, profile.segment()));
        body.put("distance", profile.segmentDistance());
        body.put("modelVersion", profile.modelVersion());
        body.put("lastEventTime", Instant.ofEpochMilli(profile.lastEventTime()).toString());
        body.put("servedBy", self.host() + ":" + self.port());
        return body;
    }

    private void userSegment(Context ctx, KafkaStreams s, String user, UserProfile profile) {
        ctx.json(segmentBody(modelForNames(s), user, profile));
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

    /**
     * Sends a GET to another instance, passing the caller's credentials on; empty when that
     * instance does not answer or answers 503, so that the caller can try a standby copy.
     */
    private Optional<HttpResponse<String>> forwardGet(Context ctx, HostInfo host, String path)
            throws InterruptedException {
        try {
            HttpResponse<String> response =
                    http.send(forwardRequest(ctx, host, path).GET().build(), ofString());
            return response.statusCode() == HttpStatus.SERVICE_UNAVAILABLE.getCode()
                    ? Optional.empty()
                    : Optional.of(response);
        } catch (IOException e) {
            LOG.debug("Forwarding {} to {} failed", path, host, e);
            return Optional.empty();
        }
    }

    private HttpRequest.Builder forwardRequest(Context ctx, HostInfo host, String path) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(
                                URI.create(scheme + "://" + host.host() + ":" + host.port() + path))
                        .timeout(FORWARD_TIMEOUT)
                        .header(FORWARDED_HEADER, self.host() + ":" + self.port());
        String authorization = ctx.header("Authorization");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return request;
    }

    private static HttpResponse.BodyHandler<String> ofString() {
        return HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8);
    }

    private static void relay(Context ctx, HttpResponse<String> response) {
        for (String header : List.of(SERVED_BY_HEADER, OFFSET_LAG_HEADER, "WWW-Authenticate")) {
            response.headers().firstValue(header).ifPresent(v -> ctx.header(header, v));
        }
        ctx.status(response.statusCode())
                .contentType(
                        response.headers().firstValue("Content-Type").orElse("application/json"))
                .result(response.body());
    }

    private static String encode(String user) {
        return URLEncoder.encode(user, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * {@code DELETE /users/{id}}: publishes a right-to-be-forgotten request and answers 202 once
     * Kafka has it; the owning instance then drops the profile and emits a DELETED change.
     */
    private void delete(Context ctx) throws InterruptedException {
        String user = pathUser(ctx);
        String reason = ctx.queryParam("reason");
        if (reason != null && reason.length() > MAX_DELETION_REASON_CHARS) {
            throw new BadRequestException(
                    "the reason is longer than " + MAX_DELETION_REASON_CHARS + " characters");
        }
        DeletionRequest request;
        try {
            request = deletions().publish(user, reason);
        } catch (DeletionFailedException e) {
            unavailable(ctx, e.getMessage() + "; retry");
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ACCEPTED");
        body.put("requestId", request.getRequestId());
        body.put("userId", user);
        body.put("requestTime", request.getRequestTime().toString());
        body.put("topic", config.topics().deletions());
        ctx.status(HttpStatus.ACCEPTED).json(body);
    }

    /**
     * {@code POST /segments/lookup} with {@code {"userIds":[...]}}: every user's segment in one
     * round trip. Ids are grouped by the instance that owns them; this instance's are read here,
     * and each other instance gets one batch request (all in parallel), whose failures fall back to
     * standby copies.
     */
    private void lookup(Context ctx) throws InterruptedException {
        List<String> ids = lookupIds(ctx.body());
        KafkaStreams s = requireStreams(ctx);
        if (s == null) {
            LookupTimer.unavailable(ctx, ids.size());
            return;
        }
        boolean forwarded = ctx.header(FORWARDED_HEADER) != null;
        boolean ownerOnly = ownerOnly(ctx);
        CurrentModel.Decoded model = modelForNames(s);
        Map<String, Map<String, Object>> results = new HashMap<>();
        Map<String, KeyQueryMetadata> metas = new HashMap<>();
        Map<HostInfo, List<String>> remote = new LinkedHashMap<>();
        long reopenDeadline = System.nanoTime() + REOPEN_WAIT_NANOS;
        for (String user : new LinkedHashSet<>(ids)) {
            KeyQueryMetadata meta;
            try {
                meta = metadata(s, user);
            } catch (NotServableHere e) {
                results.put(user, unavailableEntry(user, e.getMessage()));
                continue;
            }
            metas.put(user, meta);
            if (!forwarded
                    && meta != null
                    && !meta.activeHost().equals(self)
                    && (ownerOnly || !freshStandby(s, meta))) {
                remote.computeIfAbsent(meta.activeHost(), h -> new ArrayList<>()).add(user);
            } else {
                results.put(user, localEntry(s, model, user, meta, reopenDeadline));
            }
        }
        LookupTimer.servedBy(ctx, remote.isEmpty() ? "local" : "forwarded");
        List<String> failed = forwardLookups(ctx, remote, results);
        Map<HostInfo, List<String>> toStandbys = new LinkedHashMap<>();
        reopenDeadline = System.nanoTime() + REOPEN_WAIT_NANOS;
        for (String user : failed) {
            KeyQueryMetadata meta = metas.get(user);
            if (meta.standbyHosts().contains(self)) {
                results.put(user, localEntry(s, model, user, meta, reopenDeadline));
            } else if (meta.standbyHosts().isEmpty()) {
                results.put(
                        user,
                        unavailableEntry(
                                user,
                                "the owner "
                                        + meta.activeHost()
                                        + " did not answer and there is no standby copy"));
            } else {
                toStandbys
                        .computeIfAbsent(
                                meta.standbyHosts().iterator().next(), h -> new ArrayList<>())
                        .add(user);
            }
        }
        for (String user : forwardLookups(ctx, toStandbys, results)) {
            results.put(
                    user, unavailableEntry(user, "neither the owner nor a standby copy answered"));
        }
        LookupTimer.unavailable(
                ctx,
                (int)
                        results.values().stream()
                                .filter(e -> "UNAVAILABLE".equals(e.get("status")))
                                .count());
        ctx.json(Map.of("results", ids.stream().map(results::get).toList()));
    }

    private synchronized DeletionPublisher deletions() {
        if (deletions == null) {
            deletions = new DeletionPublisher(config);
        }
        return deletions;
    }

    /** The ids of a lookup body, validated; 400 naming what is wrong. */
    static List<String> lookupIds(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new BadRequestException(
                    "the body is not JSON: send {\"userIds\": [\"id\", ...]}");
        }
        JsonNode array = root == null ? null : root.get("userIds");
        if (array == null || !array.isArray()) {
            throw new BadRequestException(
                    "the body must be a JSON object with an array \"userIds\" of strings");
        }
        if (array.size() > MAX_LOOKUP_IDS) {
            throw new BadRequestException(
                    "at most "
                            + MAX_LOOKUP_IDS
                            + " user ids per lookup; this one has "
                            + array.size()
                            + ": split it");
        }
        List<String> ids = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonNode id = array.get(i);
            if (!id.isTextual()) {
                throw new BadRequestException("userIds[" + i + "] is not a string");
            }
            try {
                ids.add(UserIds.validate(id.textValue()));
            } catch (InvalidUserIdException e) {
                throw new BadRequestException("userIds[" + i + "]: " + e.getMessage());
            }
        }
        return ids;
    }

    /**
     * Sends each host its group of ids as one forwarded lookup, all at once; puts their answers in
     * {@code results} and returns the ids whose host did not answer.
     */
    private List<String> forwardLookups(
            Context ctx,
            Map<HostInfo, List<String>> groups,
            Map<String, Map<String, Object>> results)
            throws InterruptedException {
        Map<HostInfo, CompletableFuture<HttpResponse<String>>> calls = new LinkedHashMap<>();
        groups.forEach(
                (host, users) -> {
                    String body;
                    try {
                        body = JSON.writeValueAsString(Map.of("userIds", users));
                    } catch (JsonProcessingException e) {
                        throw new UncheckedIOException(e);
                    }
                    calls.put(
                            host,
                            http.sendAsync(
                                    forwardRequest(ctx, host, "/segments/lookup")
                                            .header("Content-Type", "application/json")
                                            .POST(HttpRequest.BodyPublishers.ofString(body))
                                            .build(),
                                    ofString()));
                });
        List<String> failed = new ArrayList<>();
        for (var call : calls.entrySet()) {
            List<String> users = groups.get(call.getKey());
            try {
                HttpResponse<String> response =
                        call.getValue()
                                .get(FORWARD_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
                if (response.statusCode() != 200) {
                    LOG.debug(
                            "Lookup forwarded to {} answered {}: {}",
                            call.getKey(),
                            response.statusCode(),
                            response.body());
                    failed.addAll(users);
                    continue;
                }
                for (JsonNode entry : JSON.readTree(response.body()).get("results")) {
                    // an owner that is back but still restoring answers UNAVAILABLE: ask the
                    // standby copy instead, as for an owner that does not answer at all
                    if ("UNAVAILABLE".equals(entry.path("status").asText())) {
                        continue;
                    }
                    @SuppressWarnings("unchecked")
                    Map<String, Object> m = JSON.convertValue(entry, Map.class);
                    results.put((String) m.get("userId"), m);
                }
                users.stream().filter(u -> !results.containsKey(u)).forEach(failed::add);
            } catch (ExecutionException | TimeoutException | IOException | RuntimeException e) {
                LOG.debug("Lookup forwarded to {} failed", call.getKey(), e);
                call.getValue().cancel(true);
                failed.addAll(users);
            }
        }
        return failed;
    }

    /** One user's lookup entry from this instance's copy. */
    private Map<String, Object> localEntry(
            KafkaStreams s,
            CurrentModel.Decoded model,
            String user,
            KeyQueryMetadata meta,
            long reopenDeadline) {
        LocalRead local;
        try {
            local = readLocal(s, user, meta, reopenDeadline);
        } catch (NotServableHere e) {
            return unavailableEntry(user, e.getMessage());
        }
        Map<String, Object> entry;
        if (local.found()) {
            entry = segmentBody(model, user, local.profile());
            entry.put("status", "FOUND");
        } else {
            entry = notFound(user, local.profile());
            entry.put("status", "NOT_FOUND");
        }
        entry.put("servedAs", local.role().header());
        entry.put("offsetLag", local.offsetLag());
        return entry;
    }

    private static Map<String, Object> unavailableEntry(String user, String why) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("userId", user);
        entry.put("status", "UNAVAILABLE");
        entry.put("error", why);
        return entry;
    }

    /**
     * {@code GET /segments}: the current model's segments with their members and volatility over
     * the last 24 h of event time (adds and drops over members, first assignments left out), summed
     * over every instance's tasks. {@code ?scope=local} answers with this instance's counts only:
     * what the other instances ask each other for.
     */
    private void segments(Context ctx) throws InterruptedException {
        if ("local".equals(ctx.queryParam("scope"))) {
            ctx.json(Map.of("membership", localMembership()));
            return;
        }
        SegmentModel model = currentModel(ctx);
        if (model == null) {
            return;
        }
        Map<String, long[]> membership = new HashMap<>();
        localMembership().forEach((id, m) -> membership.put(id, m.clone()));
        int instances = 1;
        int answered = 1;
        for (var other : streams.metadataForAllStreamsClients()) {
            if (other.hostInfo().equals(self)) {
                continue;
            }
            instances++;
            Optional<HttpResponse<String>> response =
                    forwardGet(ctx, other.hostInfo(), "/segments?scope=local");
            if (response.isEmpty() || response.get().statusCode() != 200) {
                continue;
            }
            try {
                JSON.readTree(response.get().body())
                        .path("membership")
                        .fields()
                        .forEachRemaining(
                                e -> {
                                    long[] m =
                                            membership.computeIfAbsent(
                                                    e.getKey(), k -> new long[2]);
                                    m[0] += e.getValue().get(0).asLong();
                                    m[1] += e.getValue().get(1).asLong();
                                });
                answered++;
            } catch (IOException e) {
                LOG.debug("Membership from {} unreadable", other.hostInfo(), e);
            }
        }
        List<String> names = model.getFeatureSpec().getNames();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Centroid c : model.getCentroids()) {
            Map<String, Object> seg = new LinkedHashMap<>();
            seg.put("segmentId", c.getSegmentId());
            seg.put("name", c.getName() == null ? "segment " + c.getSegmentId() : c.getName());
            seg.put("size", c.getWeight());
            long[] m = membership.getOrDefault(Integer.toString(c.getSegmentId()), new long[2]);
            seg.put("members", m[0]);
            seg.put("moves24h", m[1]);
            seg.put("volatility24h", m[0] == 0 ? null : (double) m[1] / m[0]);
            seg.put("centroid", summary(names, c.getVector()));
            out.add(seg);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("modelVersion", model.getVersion());
        body.put("membershipFrom", Map.of("instances", instances, "answered", answered));
        body.put("segments", out);
        ctx.json(body);
    }

    /**
     * This instance's members and 24 h moves per segment id, summed over its tasks' gauges: read
     * from the registry, so that a request never touches a stream thread's state.
     */
    private Map<String, long[]> localMembership() {
        Map<String, long[]> out = new java.util.TreeMap<>();
        sumBySegment("segstream.segment.users", 0, out);
        sumBySegment("segstream.segment.moves.24h", 1, out);
        return out;
    }

    /** Adds each segment's per-task gauge {@code name} into slot {@code slot} of its entry. */
    private void sumBySegment(String name, int slot, Map<String, long[]> out) {
        for (var gauge : registry.find(name).gauges()) {
            long[] m = out.computeIfAbsent(gauge.getId().getTag("segment"), k -> new long[2]);
            m[slot] += Math.round(gauge.value());
        }
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
        Optional<String> broker = brokerProblem.get();
        boolean ready = dead.isEmpty() && broker.isEmpty() && state == KafkaStreams.State.RUNNING;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", ready ? "READY" : "NOT_READY");
        body.put("streams", String.valueOf(state));
        body.put("kafka", broker.orElse("reachable"));
        dead.or(() -> broker).ifPresent(reason -> body.put("reason", reason));
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
        return currentModel.of(bytes).model();
    }

    /**
     * The current model, for the names of its segments; null when there is none or the store cannot
     * be read: the name is a nicety, the segment id is the answer.
     */
    private CurrentModel.Decoded modelForNames(KafkaStreams s) {
        try {
            ReadOnlyKeyValueStore<String, byte[]> store =
                    s.store(
                            StoreQueryParameters.fromNameAndType(
                                    SegstreamTopology.MODEL_STORE,
                                    QueryableStoreTypes.<String, byte[]>keyValueStore()));
            byte[] bytes = store.get("current");
            return bytes == null ? null : currentModel.of(bytes);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String segmentName(CurrentModel.Decoded model, int segment) {
        return model == null ? "segment " + segment : model.name(segment);
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

    private static void badRequest(Context ctx, String why) {
        ctx.status(HttpStatus.BAD_REQUEST).json(Map.of("error", why));
    }

    private String keystorePassword() {
        Password password = config.getPassword(SegstreamConfig.REST_TLS_KEYSTORE_PASSWORD_CONFIG);
        return password == null ? "" : password.value();
    }

    /**
     * TLS for forwarding to other instances: trusts the certificates of this instance's own
     * keystore, which every instance shares (or signs with the same authority).
     */
    private static SSLContext trusting(String keystore, String password) {
        try {
            KeyStore store =
                    KeyStore.getInstance(Path.of(keystore).toFile(), password.toCharArray());
            TrustManagerFactory trust =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, trust.getTrustManagers(), null);
            return tls;
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "cannot read the REST keystore "
                            + keystore
                            + " ("
                            + SegstreamConfig.REST_TLS_KEYSTORE_PATH_CONFIG
                            + "): "
                            + e.getMessage()
                            + "; check the path and "
                            + SegstreamConfig.REST_TLS_KEYSTORE_PASSWORD_CONFIG,
                    e);
        }
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop();
        }
        lagReader.shutdownNow();
        if (deletions != null) {
            deletions.close();
        }
    }
}
