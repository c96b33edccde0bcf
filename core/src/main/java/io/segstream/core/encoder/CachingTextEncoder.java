package io.segstream.core.encoder;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.segstream.core.text.PiiScrubber;
import io.segstream.core.text.TextNormalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scrubs personal data from texts, normalises them and serves their embeddings from a bounded
 * in-memory cache, calling the wrapped encoder only for texts it has not seen.
 *
 * <p>Product titles repeat across millions of events, so nearly every event is a cache hit. A batch
 * is de-duplicated before it reaches the model, and each new text is encoded on its own so that its
 * embedding does not depend on which texts happened to arrive with it. Returned arrays are copies:
 * callers may modify them without corrupting the cache.
 */
public final class CachingTextEncoder implements TextEncoder {

    private final TextEncoder delegate;
    private final PiiScrubber scrubber = new PiiScrubber();
    private final TextNormalizer normalizer;
    private final Cache<String, float[]> cache;
    private volatile Timer modelTimer;

    public CachingTextEncoder(TextEncoder delegate, long maxEntries, boolean foldCase) {
        this.delegate = delegate;
        this.normalizer = new TextNormalizer(foldCase);
        this.cache =
                Caffeine.newBuilder()
                        .maximumSize(maxEntries)
                        .executor(Runnable::run) // evict on the caller: no surprise pool threads,
                        // bounded at once
                        .recordStats()
                        .build();
    }

    /** Opens the configured ONNX model behind a cache: the encoder the app and the trainer use. */
    public static CachingTextEncoder open(EncoderConfig config) {
        OnnxTextEncoder onnx = OnnxTextEncoder.open(config);
        return new CachingTextEncoder(
                onnx, config.cacheMaxEntries(), !config.model().caseSensitive());
    }

    /** The text the model actually sees for {@code text}, and the cache key. */
    public String prepare(String text) {
        return normalizer.normalize(scrubber.scrub(text));
    }

    @Override
    public float[] encode(String text) {
        String key = prepare(text);
        float[] cached = cache.getIfPresent(key);
        if (cached == null) {
            cached = encodeMisses(List.of(key)).get(key);
        }
        return cached.clone();
    }

    @Override
    public List<float[]> encodeBatch(List<String> texts) {
        List<String> keys = new ArrayList<>(texts.size());
        for (String text : texts) {
            keys.add(prepare(text));
        }
        Set<String> distinct = new LinkedHashSet<>(keys);
        Map<String, float[]> found = new java.util.HashMap<>(cache.getAllPresent(distinct));
        if (found.size() < distinct.size()) {
            List<String> misses = distinct.stream().filter(k -> !found.containsKey(k)).toList();
            found.putAll(encodeMisses(misses));
        }
        List<float[]> out = new ArrayList<>(keys.size());
        for (String key : keys) {
            out.add(found.get(key).clone());
        }
        return out;
    }

    /**
     * Encodes each miss on its own: an int8 graph quantises activations per batch, so a text
     * encoded beside others gets a slightly different vector. Encoding alone makes a text's
     * embedding independent of traffic, and so the same on every instance and in every replay (at
     * batch 1 the int8 model is about as fast per text as in batches; see BENCHMARKS.md).
     */
    private Map<String, float[]> encodeMisses(List<String> misses) {
        Timer timer = modelTimer;
        long start = System.nanoTime();
        List<float[]> vectors = new ArrayList<>(misses.size());
        for (String miss : misses) {
            vectors.add(delegate.encode(miss));
        }
        if (timer != null) {
            timer.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
        Map<String, float[]> encoded = new java.util.HashMap<>(misses.size() * 2);
        for (int i = 0; i < misses.size(); i++) {
            encoded.put(misses.get(i), vectors.get(i));
        }
        cache.putAll(encoded);
        return encoded;
    }

    /** Hit and miss counts and hit rate since start. */
    public EmbeddingCacheStats stats() {
        var s = cache.stats();
        return new EmbeddingCacheStats(
                s.hitCount(), s.missCount(), s.hitRate(), s.evictionCount(), cache.estimatedSize());
    }

    /**
     * Publishes the cache's size, hits, misses and evictions ({@code cache.*{cache=encoder}}) and
     * the model-call latency ({@code segstream.encoder.model.calls}) to {@code registry}.
     */
    public void bindTo(MeterRegistry registry) {
        CaffeineCacheMetrics.monitor(registry, cache, "encoder", "model", delegate.modelId());
        modelTimer =
                Timer.builder("segstream.encoder.model.calls")
                        .description("Time of one model call on a batch of cache misses")
                        .tag("model", delegate.modelId())
                        .register(registry);
    }

    @Override
    public int dimension() {
        return delegate.dimension();
    }

    @Override
    public String modelId() {
        return delegate.modelId();
    }

    public TextEncoder delegate() {
        return delegate;
    }

    @Override
    public void close() {
        cache.invalidateAll();
        delegate.close();
    }
}
