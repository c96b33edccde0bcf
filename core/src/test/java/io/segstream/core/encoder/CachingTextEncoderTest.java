package io.segstream.core.encoder;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Unit test of the cache alone, over a recording stand-in for the model. */
class CachingTextEncoderTest {

    /** Encodes a text as [length, first char] and records every batch it is asked for. */
    static final class RecordingEncoder implements TextEncoder {
        final List<List<String>> calls = new ArrayList<>();

        @Override
        public float[] encode(String text) {
            return encodeBatch(List.of(text)).get(0);
        }

        @Override
        public List<float[]> encodeBatch(List<String> texts) {
            calls.add(List.copyOf(texts));
            return texts.stream()
                    .map(t -> new float[] {t.length(), t.isEmpty() ? 0 : t.charAt(0)})
                    .toList();
        }

        @Override
        public int dimension() {
            return 2;
        }

        @Override
        public String modelId() {
            return "recording";
        }

        @Override
        public void close() {}
    }

    @Test
    void shouldEncodeEachDistinctTextOfABatchOnce() {
        RecordingEncoder model = new RecordingEncoder();
        var cache = new CachingTextEncoder(model, 100, true);

        List<float[]> out =
                cache.encodeBatch(List.of("Red Mug", "red  mug ", "Blue Mug", "RED MUG"));

        assertThat(model.calls).containsExactly(List.of("red mug"), List.of("blue mug"));
        assertThat(out).hasSize(4);
        assertThat(out.get(0)).containsExactly(out.get(3));
        assertThat(out.get(2)).containsExactly(8f, 'b');
    }

    @Test
    void shouldServeRepeatsFromTheCacheAndCountHits() {
        RecordingEncoder model = new RecordingEncoder();
        var cache = new CachingTextEncoder(model, 100, true);

        cache.encode("Jumbo Bag Red Retrospot");
        cache.encode("jumbo bag red retrospot");
        cache.encodeBatch(List.of("JUMBO BAG RED RETROSPOT", "lunch bag"));

        assertThat(model.calls)
                .containsExactly(List.of("jumbo bag red retrospot"), List.of("lunch bag"));
        EmbeddingCacheStats stats = cache.stats();
        assertThat(stats.hits()).isEqualTo(2);
        assertThat(stats.misses()).isEqualTo(2);
        assertThat(stats.hitRate()).isEqualTo(0.5);
    }

    @Test
    void shouldKeepCaseForCaseSensitiveModels() {
        RecordingEncoder model = new RecordingEncoder();
        var cache = new CachingTextEncoder(model, 100, false);
        cache.encodeBatch(List.of("Apple", "apple"));
        assertThat(model.calls).containsExactly(List.of("Apple"), List.of("apple"));
    }

    @Test
    void shouldNeverShowPersonalDataToTheModel() {
        RecordingEncoder model = new RecordingEncoder();
        var cache = new CachingTextEncoder(model, 100, true);
        cache.encode("where is my order? call me on 07700 900123 or mail jane.doe@example.co.uk");
        assertThat(model.calls.get(0).get(0))
                .isEqualTo("where is my order? call me on <phone> or mail <email>");
    }

    @Test
    void shouldReturnCopiesSoCallersCannotCorruptTheCache() {
        var cache = new CachingTextEncoder(new RecordingEncoder(), 100, true);
        float[] first = cache.encode("mug");
        first[0] = 999;
        assertThat(cache.encode("mug")[0]).isEqualTo(3f);
    }

    @Test
    void shouldStayBounded() {
        RecordingEncoder model = new RecordingEncoder();
        var cache = new CachingTextEncoder(model, 10, true);
        for (int i = 0; i < 1000; i++) {
            cache.encode("title " + i);
        }
        assertThat(cache.stats().size()).isLessThanOrEqualTo(10);
    }

    @Test
    void shouldPublishHitRateAndModelLatencyMeters() {
        var registry = new SimpleMeterRegistry();
        var cache = new CachingTextEncoder(new RecordingEncoder(), 100, true);
        cache.bindTo(registry);
        cache.encode("mug");
        cache.encode("mug");
        assertThat(registry.get("cache.gets").tag("result", "hit").functionCounter().count())
                .isEqualTo(1);
        assertThat(registry.get("segstream.encoder.model.calls").timer().count()).isEqualTo(1);
    }
}
