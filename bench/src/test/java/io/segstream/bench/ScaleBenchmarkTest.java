package io.segstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segstream.core.dataset.ShopEvent;
import io.segstream.core.dataset.ShopperSimulator;
import io.segstream.schemas.ClickEvent;
import io.segstream.schemas.OrderEvent;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

class ScaleBenchmarkTest {

    @Test
    void shouldParseSizesFlagsAndSettingsInBothSpellings() {
        var o =
                ScaleBenchmark.Options.parse(
                        new String[] {
                            "--users",
                            "20000",
                            "--events",
                            "400000",
                            "--jfr",
                            "x.jfr",
                            "-D",
                            "input.keyed.by.user=true",
                            "-Dkafka.commit.interval.ms=1000",
                            "--skip-count"
                        });

        assertThat(o.users).isEqualTo(20_000);
        assertThat(o.events).isEqualTo(400_000);
        assertThat(o.jfr).isEqualTo(Path.of("x.jfr").toAbsolutePath());
        assertThat(o.skipCount).isTrue();
        assertThat(o.settings)
                .containsEntry("input.keyed.by.user", "true")
                .containsEntry("kafka.commit.interval.ms", "1000");
    }

    @Test
    void shouldRefuseAnUnknownOptionAndASettingWithoutValue() {
        assertThatThrownBy(() -> ScaleBenchmark.Options.parse(new String[] {"--user", "5"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--user")
                .hasMessageContaining("--users N");
        assertThatThrownBy(() -> ScaleBenchmark.Options.parse(new String[] {"-D", "segments.k"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key=value");
    }

    @Test
    void shouldFindEachUsersPlantedPersonaAndTheEventsUpToEachQuarterOfTheEventTime() {
        java.util.NavigableMap<Long, Long> hourly = new java.util.TreeMap<>();
        long hour = 3_600_000L;
        for (long h = 0; h <= 100; h++) {
            hourly.put(h * hour, h < 50 ? 1L : 3L);
        }
        ScaleInput.Loaded in =
                new ScaleInput.Loaded(
                        251,
                        2,
                        java.util.Map.of(),
                        0,
                        0,
                        0,
                        0,
                        new byte[] {
                            (byte) io.segstream.core.dataset.Persona.WINDOW_SHOPPER.ordinal(),
                            (byte) io.segstream.core.dataset.Persona.BARGAIN_HUNTER.ordinal()
                        },
                        hourly);

        assertThat(in.persona("u00002"))
                .isEqualTo(io.segstream.core.dataset.Persona.BARGAIN_HUNTER.label());
        assertThat(in.persona("u00003")).isNull();
        assertThat(in.persona("fuzz-1")).isNull();
        // hours 0..25 hold one event each; by hour 75, 50 hours of one and 26 of three
        assertThat(in.thresholds()).containsExactly(26, 50 + 3, 50 + 26 * 3);
    }

    @Test
    void shouldTakeNearestRankPercentiles() {
        List<Long> sorted = List.of(10L, 20L, 30L, 40L, 50L, 60L, 70L, 80L, 90L, 100L);

        assertThat(ScaleBenchmark.percentile(sorted, 0.5)).isEqualTo(50);
        assertThat(ScaleBenchmark.percentile(sorted, 0.99)).isEqualTo(100);
        assertThat(ScaleBenchmark.percentile(List.of(7L), 0.99)).isEqualTo(7);
    }

    @Test
    void shouldTimeTheSteadyStateFromTheFirstRecordProcessed() throws Exception {
        // nothing for three samples (start-up), then 100 records per sample
        AtomicInteger calls = new AtomicInteger();
        var rate =
                ScaleBenchmark.await(
                        "test",
                        () -> Math.max(0, calls.incrementAndGet() - 3) * 100.0,
                        1_000,
                        () -> KafkaStreams.State.RUNNING,
                        System.nanoTime());

        assertThat(rate.records()).isEqualTo(900);
        assertThat(rate.firstSeconds()).isGreaterThan(0.1);
        // 9 sample intervals of about 50 ms: about 2,000 records/s, whatever the start-up took
        assertThat(rate.perSecond()).isBetween(1_000.0, 2_100.0);
    }

    @Test
    void shouldStopWaitingWhenTheStreamsClientDies() {
        assertThatThrownBy(
                        () ->
                                ScaleBenchmark.await(
                                        "segstream",
                                        () -> 5,
                                        1_000,
                                        () -> KafkaStreams.State.ERROR,
                                        System.nanoTime()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("segstream stopped")
                .hasMessageContaining("ERROR");
    }

    @Test
    void shouldRestampALiveEventWithItsUserAndTheWallClock() {
        List<ShopEvent> events = ShopperSimulator.withDefaults().simulate(20, 1).events();
        ShopEvent click = events.stream().filter(e -> !e.isOrder()).findFirst().orElseThrow();
        ShopEvent order = events.stream().filter(ShopEvent::isOrder).findFirst().orElseThrow();

        ShopEvent c = ScaleInput.restamp(click, "live-u00001", 1_000L);
        ShopEvent o = ScaleInput.restamp(order, "live-u00002", 2_000L);

        assertThat(((ClickEvent) c.event()).getUserId()).isEqualTo("live-u00001");
        assertThat(((ClickEvent) c.event()).getEventTime().toEpochMilli()).isEqualTo(1_000L);
        assertThat(((ClickEvent) c.event()).getTitle())
                .isEqualTo(((ClickEvent) click.event()).getTitle());
        assertThat(((OrderEvent) o.event()).getUserId()).isEqualTo("live-u00002");
        assertThat(((OrderEvent) o.event()).getLines())
                .isEqualTo(((OrderEvent) order.event()).getLines());
        assertThat(ScaleInput.kind(o).isOrder()).isTrue();
        assertThat(ScaleInput.encode(c)).isNotEmpty();
    }
}
