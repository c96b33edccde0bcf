package io.segstream.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.segstream.core.encoder.CachingTextEncoder;
import io.segstream.core.encoder.EncoderConfig;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time to serve a repeated title from the warm embedding cache (scrub, normalise, look up, copy),
 * next to a bare Caffeine lookup of the raw title as the floor.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(
        value = 1,
        jvmArgsAppend = {"-DOPT_OUT_TRACKING=true", "-Xss4m"})
public class EmbeddingCacheBenchmark {

    private CachingTextEncoder encoder;
    private Cache<String, float[]> bareCache;
    private List<String> titles;
    private int next;

    @Setup(Level.Trial)
    public void warm() {
        encoder = CachingTextEncoder.open(EncoderConfig.defaults());
        titles = BenchData.realTitles();
        bareCache = Caffeine.newBuilder().maximumSize(100_000).build();
        for (String title : titles) {
            bareCache.put(title, encoder.encode(title));
        }
    }

    private String nextTitle() {
        next = next + 1 == titles.size() ? 0 : next + 1;
        return titles.get(next);
    }

    @Benchmark
    public float[] warmCacheHit() {
        return encoder.encode(nextTitle());
    }

    @Benchmark
    public float[] bareCaffeineLookup() {
        return bareCache.getIfPresent(nextTitle());
    }

    @TearDown(Level.Trial)
    public void close() {
        encoder.close();
    }
}
