package io.segstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segstream.app.embedded.EmbeddedKafkaCluster;
import io.segstream.app.runtime.TopicReader;
import io.segstream.cli.demo.DemoInput;
import io.segstream.core.dataset.ShopEvent;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ProduceCommandTest {

    static EmbeddedKafkaCluster kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafkaCluster.start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void shouldWriteEveryGeneratedEventKeyedByUserAtItsEventTime() {
        CliRun cli = new CliRun();
        int exit =
                cli.run(
                        "produce",
                        "--bootstrap-servers",
                        kafka.bootstrapServers(),
                        "--users",
                        "40",
                        "--seed",
                        "7",
                        "-D",
                        "topic.prefix=p1.",
                        "-D",
                        "topics.replication.factor=1");
        assertEquals(0, exit, cli.err.toString());
        List<ShopEvent> want = DemoInput.generated(40, 7).events();
        List<ConsumerRecord<String, byte[]>> got =
                TopicReader.readAll(
                        kafka.clientProperties(), List.of("p1.clicks", "p1.orders"), r -> r);
        assertEquals(want.size(), got.size());
        Map<String, Long> wantPerUser =
                want.stream()
                        .collect(Collectors.groupingBy(ShopEvent::userId, Collectors.counting()));
        Map<String, Long> gotPerUser =
                got.stream()
                        .collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
        assertEquals(wantPerUser, gotPerUser);
        assertEquals(
                want.stream().mapToLong(ShopEvent::time).sum(),
                got.stream().mapToLong(ConsumerRecord::timestamp).sum());
        assertTrue(
                cli.out
                        .toString()
                        .contains(
                                String.format(
                                        Locale.ROOT,
                                        "produced %,d events of 40 users",
                                        want.size())),
                cli.out.toString());
    }

    @Test
    void shouldRefuseANegativeRateNamingTheOption() {
        CliRun cli = new CliRun();
        int exit =
                cli.run("produce", "--bootstrap-servers", kafka.bootstrapServers(), "--rate", "-5");
        assertEquals(2, exit);
        assertTrue(cli.err.toString().contains("--rate"), cli.err.toString());
    }
}
