package io.segstream.app.runtime;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.config.Topics;
import io.segstream.app.rest.RestServer;
import io.segstream.app.serde.RecordFormat;
import io.segstream.app.topology.SegstreamTopology;
import io.segstream.app.topology.TopologyDeps;
import io.segstream.core.encoder.CachingTextEncoder;
import io.segstream.core.encoder.EncoderModel;
import io.segstream.core.encoder.OnnxTextEncoder;
import io.segstream.core.head.HeadFile;
import io.segstream.core.head.ReviewScorer;
import io.segstream.core.profile.UserProfile;
import io.segstream.schemas.ClickEvent;
import io.segstream.schemas.DeletionRequest;
import io.segstream.schemas.EncoderInfo;
import io.segstream.schemas.HeadModel;
import io.segstream.schemas.OrderEvent;
import io.segstream.schemas.ReviewAlert;
import io.segstream.schemas.ReviewEvent;
import io.segstream.schemas.SegmentAssignment;
import io.segstream.schemas.SegmentChange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running segstream instance: its encoder, Kafka Streams client, REST server and metrics.
 * {@link #start} creates missing topics first; {@link #close} stops everything in reverse order.
 *
 * <p>The instance watches its streams client: an uncaught error stops the whole client
 * (SHUTDOWN_CLIENT; a replacement thread would meet the same record again), and from then on {@link
 * #deathReason()} names the cause, {@code /health} answers 503 and the commands that wait on the
 * app end. ERROR, or PENDING_SHUTDOWN / NOT_RUNNING that {@link #close} did not start, count as
 * dead.
 */
public final class SegstreamApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SegstreamApp.class);

    private final SegstreamConfig config;
    private final PrometheusMeterRegistry registry;
    private final CachingTextEncoder encoder;
    private final ReviewScorer reviews;
    private final HeadWatcher heads;
    private final KafkaStreams streams;
    private final RestServer rest;
    private final BrokerProbe brokerProbe;
    private final KafkaStreamsMetrics streamsMetrics;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicReference<String> deathReason = new AtomicReference<>();

    private SegstreamApp(SegstreamConfig config, ReviewScorer reviews) {
        this.config = config;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        this.encoder = CachingTextEncoder.open(config.encoder());
        encoder.bindTo(registry);
        OnnxTextEncoder onnx = (OnnxTextEncoder) encoder.delegate();
        EncoderInfo info = new EncoderInfo(onnx.modelId(), onnx.modelSha256(), onnx.dimension());
        this.reviews = reviews;
        this.heads = new HeadWatcher(config, reviews, registry);
        TopologyDeps deps =
                new TopologyDeps(encoder, info, reviews, registry, System::currentTimeMillis);
        Topology topology = SegstreamTopology.buildTopology(config, deps);
        // the REST port must be known before the streams client advertises it to other instances
        this.rest = new RestServer(config, registry);
        this.brokerProbe =
                new BrokerProbe(
                        config.kafkaClientProperties(),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(2));
        Gauge.builder("segstream.kafka.reachable", brokerProbe, b -> b.problem().isEmpty() ? 1 : 0)
                .strongReference(true)
                .description("1 while the Kafka cluster answers this instance's probe, else 0")
                .register(registry);
        int port = rest.start();
        Properties props = SegstreamTopology.streamsProperties(config, registry);
        props.put(
                StreamsConfig.APPLICATION_SERVER_CONFIG,
                config.getString(SegstreamConfig.REST_HOST_CONFIG) + ":" + port);
        this.streams = new KafkaStreams(topology, props);
        streams.setUncaughtExceptionHandler(
                e -> {
                    LOG.error("A stream thread failed; stopping the streams client", e);
                    // refused credentials or a missing ACL fail every retry alike: say which
                    died(
                            KafkaAccessException.explain(e, config)
                                    .orElseGet(() -> "stream thread failed: " + rootCause(e)));
                    return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
                });
        streams.setStateListener(
                (now, before) -> {
                    if (now == KafkaStreams.State.PENDING_ERROR
                            || now == KafkaStreams.State.ERROR) {
                        died("the streams client went to " + now);
                    } else if ((now == KafkaStreams.State.PENDING_SHUTDOWN
                                    || now == KafkaStreams.State.NOT_RUNNING)
                            && !closed.get()) {
                        died("the streams client shut down (" + now + ") without being asked to");
                    }
                });
        this.streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        bindStateGauges();
        rest.attach(streams, this::deathReason);
        rest.attachBrokerCheck(brokerProbe::problem);
    }

    /**
     * {@code segstream_streams_state{state}}: 1 for the client's current state, 0 for the others
     * (alert on {@code segstream_streams_state{state="RUNNING"} == 0} for long), and {@code
     * segstream_engine_dead}: 1 once the client has stopped on its own (alert on {@code == 1}).
     */
    private void bindStateGauges() {
        for (KafkaStreams.State state : KafkaStreams.State.values()) {
            Gauge.builder("segstream.streams.state", streams, s -> s.state() == state ? 1 : 0)
                    .description("1 for the Kafka Streams client's current state, 0 otherwise")
                    .tag("state", state.name())
                    .register(registry);
        }
        Gauge.builder("segstream.engine.dead", deathReason, r -> r.get() == null ? 0 : 1)
                .description(
                        "1 once the streams client has stopped on its own (error or unrequested"
                                + " shutdown); the app processes nothing more")
                .register(registry);
    }

    /**
     * Keeps the first reason: the uncaught error names the cause, the state change only follows.
     */
    private void died(String reason) {
        if (deathReason.compareAndSet(null, reason)) {
            LOG.error("segstream's streaming engine stopped: {}", reason);
        }
    }

    /** Longest reason kept: it is printed as one line, and the log above has the rest. */
    private static final int MAX_REASON_CHARS = 500;

    /** The innermost cause as "Type: message", on one line. */
    static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return oneLine(root);
    }

    /** {@code e} as "Type: message", on one line. */
    static String oneLine(Throwable e) {
        String message = e.getMessage();
        String line = e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        line = line.replaceAll("\\s+", " ").trim();
        return line.length() <= MAX_REASON_CHARS
                ? line
                : line.substring(0, MAX_REASON_CHARS) + "...";
    }

    /** Creates missing topics, then starts the streams client and the REST API. */
    public static SegstreamApp start(SegstreamConfig config) {
        // a head that does not fit is a configuration error: said before Kafka is asked anything
        ReviewScorer reviews = openReviewScorer(config);
        try {
            TopicAdmin.ensureTopics(config);
            checkSchemas(config);
        } catch (RuntimeException e) {
            reviews.close();
            throw e;
        }
        SegstreamApp app = new SegstreamApp(config, reviews);
        app.heads.start();
        app.streams.start();
        LOG.info(
                "segstream started: REST on http://{}:{}",
                config.getString(SegstreamConfig.REST_HOST_CONFIG),
                app.rest.port());
        return app;
    }

    /**
     * With {@code serde.format=confluent}: fails before the engine starts when segstream cannot
     * read an input subject's latest schema, or may not register its own on an output subject.
     */
    static void checkSchemas(SegstreamConfig config) {
        Topics topics = config.topics();
        RecordFormat.of(config)
                .checkSubjects(
                        Map.of(
                                topics.clicks(), ClickEvent.class,
                                topics.orders(), OrderEvent.class,
                                topics.reviews(), ReviewEvent.class,
                                topics.deletions(), DeletionRequest.class),
                        Map.of(
                                topics.segments(), SegmentAssignment.class,
                                topics.segmentChanges(), SegmentChange.class,
                                topics.reviewAlerts(), ReviewAlert.class));
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** The local profile store, for reading profiles outside the topology (the demo, tests). */
    public ReadOnlyKeyValueStore<String, UserProfile> profileStore() {
        return streams.store(
                StoreQueryParameters.fromNameAndType(
                        SegstreamTopology.PROFILES_STORE,
                        QueryableStoreTypes.<String, UserProfile>keyValueStore()));
    }

    public int restPort() {
        return rest.port();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public SegstreamConfig config() {
        return config;
    }

    /**
     * Why the streams client stopped on its own, in one line naming the root cause; empty while it
     * is alive (or was stopped by {@link #close}).
     */
    public Optional<String> deathReason() {
        return Optional.ofNullable(deathReason.get());
    }

    /** Throws {@link EngineStoppedException} once the streams client has stopped on its own. */
    public void checkAlive() {
        String reason = deathReason.get();
        if (reason != null) {
            throw new EngineStoppedException(reason);
        }
    }

    /**
     * Waits until the streams client is RUNNING, or throws after {@code timeout} (or {@link
     * EngineStoppedException} as soon as it dies).
     */
    public void awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            checkAlive();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "segstream did not reach RUNNING within "
                                + timeout
                                + "; state "
                                + streams.state());
            }
            Thread.sleep(50);
        }
    }

    /**
     * The review scorer: it follows the head named {@code reviews.head.name}, starting from {@code
     * reviews.head.file} when set; later versions arrive on the heads topic ({@link HeadWatcher}).
     */
    static ReviewScorer openReviewScorer(SegstreamConfig config) {
        ReviewScorer scorer =
                ReviewScorer.following(
                        config.getString(SegstreamConfig.REVIEWS_HEAD_NAME_CONFIG),
                        EncoderModel.fromId(
                                config.getString(SegstreamConfig.REVIEWS_ENCODER_MODEL_CONFIG)),
                        config.encoder());
        String file = config.getString(SegstreamConfig.REVIEWS_HEAD_FILE_CONFIG);
        if (file.isEmpty()) {
            return scorer;
        }
        try {
            HeadModel head = HeadFile.read(Path.of(file));
            if (!scorer.offer(head)) {
                scorer.close();
                throw new IllegalArgumentException(
                        "reviews.head.file "
                                + file
                                + " holds head '"
                                + head.getName()
                                + "', but reviews.head.name is '"
                                + config.getString(SegstreamConfig.REVIEWS_HEAD_NAME_CONFIG)
                                + "'; set reviews.head.name="
                                + head.getName());
            }
            LOG.info("Review head '{}' v{} from {}", head.getName(), head.getVersion(), file);
            return scorer;
        } catch (IOException e) {
            scorer.close();
            throw new UncheckedIOException(
                    "Cannot read the review head " + file + " (reviews.head.file)", e);
        } catch (RuntimeException e) {
            scorer.close();
            throw e;
        }
    }

    /** Stops everything; safe to call twice (the shutdown hook and the caller may both close). */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        rest.close();
        brokerProbe.close();
        heads.close();
        streams.close(Duration.ofSeconds(30));
        streamsMetrics.close();
        encoder.close();
        reviews.close();
        registry.close();
    }
}
