package io.segstream.app.runtime;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Whether the Kafka cluster answers, asked every {@code interval} from a daemon thread: Kafka
 * Streams stays RUNNING through a broker outage (its clients retry quietly), so without this the
 * instance would call itself ready while it can neither process nor commit. The answer is cached,
 * so a readiness probe never waits on the network.
 */
public final class BrokerProbe implements AutoCloseable {

    private final Admin admin;
    private final ScheduledExecutorService timer;
    private final Duration timeout;
    private final AtomicReference<String> problem = new AtomicReference<>();
    private final AtomicLong lastAnswerNanos = new AtomicLong(System.nanoTime());

    /**
     * @param connection the cluster and how to authenticate ({@link
     *     io.segstream.app.config.SegstreamConfig#kafkaClientProperties()})
     */
    public BrokerProbe(Map<String, Object> connection, Duration interval, Duration timeout) {
        Properties p = new Properties();
        p.putAll(connection);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "segstream-broker-probe");
        this.admin = Admin.create(p);
        this.timeout = timeout;
        this.timer =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "segstream-broker-probe");
                            t.setDaemon(true);
                            return t;
                        });
        timer.scheduleWithFixedDelay(this::probe, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Why the cluster is not answering; empty while it is. */
    public Optional<String> problem() {
        return Optional.ofNullable(problem.get());
    }

    private void probe() {
        try {
            int nodes =
                    admin.describeCluster(
                                    new DescribeClusterOptions()
                                            .timeoutMs((int) timeout.toMillis()))
                            .nodes()
                            .get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS)
                            .size();
            if (nodes == 0) {
                problem.set("the Kafka cluster reports no brokers");
            } else {
                lastAnswerNanos.set(System.nanoTime());
                problem.set(null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            long silent = (System.nanoTime() - lastAnswerNanos.get()) / 1_000_000_000L;
            problem.set(
                    "the Kafka cluster has not answered for "
                            + silent
                            + " s ("
                            + (e.getCause() != null ? e.getCause() : e).getClass().getSimpleName()
                            + ")");
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        admin.close(Duration.ofSeconds(2));
    }
}
