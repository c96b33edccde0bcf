package io.segstream.app.runtime;

import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.rest.RestServer;
import io.segstream.app.topology.SegstreamTopology;
import io.segstream.app.topology.TopologyDeps;
import io.segstream.core.encoder.CachingTextEncoder;
import io.segstream.core.encoder.OnnxTextEncoder;
import io.segstream.schemas.EncoderInfo;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running segstream instance: its encoder, Kafka Streams client, REST server and metrics.
 * {@link #start} creates missing topics first; {@link #close} stops everything in reverse order.
 */
public final class SegstreamApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SegstreamApp.class);

    private final SegstreamConfig config;
    private final PrometheusMeterRegistry registry;
    private final CachingTextEncoder encoder;
    private final KafkaStreams streams;
    private final RestServer rest;
    private final KafkaStreamsMetrics streamsMetrics;
    private final java.util.concurrent.atomic.AtomicBoolean closed =
            new java.util.concurrent.atomic.AtomicBoolean();

    private SegstreamApp(SegstreamConfig config) {
        this.config = config;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        this.encoder = CachingTextEncoder.open(config.encoder());
        encoder.bindTo(registry);
        OnnxTextEncoder onnx = (OnnxTextEncoder) encoder.delegate();
        EncoderInfo info = new EncoderInfo(onnx.modelId(), onnx.modelSha256(), onnx.dimension());
        TopologyDeps deps = new TopologyDeps(encoder, info, registry, System::currentTimeMillis);
        Topology topology = SegstreamTopology.buildTopology(config, deps);
        // the REST port must be known before the streams client advertises it to other instances
        this.rest = new RestServer(config, registry);
        int port = rest.start();
        Properties props = SegstreamTopology.streamsProperties(config, registry);
        props.put(
                StreamsConfig.APPLICATION_SERVER_CONFIG,
                config.getString(SegstreamConfig.REST_HOST_CONFIG) + ":" + port);
        this.streams = new KafkaStreams(topology, props);
        this.streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        rest.attach(streams);
    }

    /** Creates missing topics, then starts the streams client and the REST API. */
    public static SegstreamApp start(SegstreamConfig config) {
        TopicAdmin.ensureTopics(config);
        SegstreamApp app = new SegstreamApp(config);
        app.streams.start();
        LOG.info(
                "segstream started: REST on http://{}:{}",
                config.getString(SegstreamConfig.REST_HOST_CONFIG),
                app.rest.port());
        return app;
    }

    public KafkaStreams streams() {
        return streams;
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

    /** Waits until the streams client is RUNNING, or throws after {@code timeout}. */
    public void awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
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

    /** Stops everything; safe to call twice (the shutdown hook and the caller may both close). */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        rest.close();
        streams.close(Duration.ofSeconds(30));
        streamsMetrics.close();
        encoder.close();
        registry.close();
    }
}
