package io.segstream.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.segstream.app.embedded.EmbeddedKafkaCluster;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BrokerProbeTest {

    @Test
    void shouldReportTheClusterGoneWithinSecondsOfItsStop() throws Exception {
        EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start();
        try (BrokerProbe probe =
                new BrokerProbe(
                        kafka.clientProperties(), Duration.ofMillis(200), Duration.ofSeconds(1))) {
            awaitProblem(probe, false, Duration.ofSeconds(30));
            assertThat(probe.problem()).isEmpty();

            kafka.close();
            long stopped = System.nanoTime();
            awaitProblem(probe, true, Duration.ofSeconds(15));
            System.out.printf(
                    "broker stop to probe problem: %.1f s (%s)%n",
                    (System.nanoTime() - stopped) / 1e9, probe.problem().orElseThrow());
            assertThat(probe.problem().orElseThrow()).contains("has not answered");
        } finally {
            kafka.close();
        }
    }

    private static void awaitProblem(BrokerProbe probe, boolean present, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (probe.problem().isPresent() != present && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(probe.problem().isPresent()).as("problem present").isEqualTo(present);
    }
}
