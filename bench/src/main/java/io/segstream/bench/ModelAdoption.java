package io.segstream.bench;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * How long a published model takes to be in use everywhere: from the moment {@code
 * segstream.model.version} shows a version until every task's {@code
 * segstream.model.scoring.version} has reached it. A task moves to a new major version only after
 * re-scoring its users, so in a build without the background sweep the largest lag is the
 * synchronous re-score that stops the task's processing. Sampled on a daemon thread.
 */
final class ModelAdoption implements AutoCloseable {

    private final MeterRegistry registry;
    private final Deque<long[]> pending = new ArrayDeque<>(); // version, first seen (nanos)
    private final List<Long> lagsMillis = Collections.synchronizedList(new ArrayList<>());
    private final Thread sampler;
    private volatile boolean stop;
    private long lastPublished = -1;

    ModelAdoption(MeterRegistry registry, long periodMillis) {
        this.registry = registry;
        this.sampler =
                new Thread(
                        () -> {
                            while (!stop) {
                                sample(System.nanoTime());
                                try {
                                    Thread.sleep(periodMillis);
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                        },
                        "scale-model-adoption");
        sampler.setDaemon(true);
        sampler.start();
    }

    void sample(long now) {
        Gauge published = registry.find("segstream.model.version").gauge();
        Collection<Gauge> tasks = registry.find("segstream.model.scoring.version").gauges();
        if (published == null || tasks.isEmpty()) {
            return;
        }
        long version = (long) published.value();
        if (version > lastPublished) {
            pending.addLast(new long[] {version, now});
            lastPublished = version;
        }
        long slowest = tasks.stream().mapToLong(g -> (long) g.value()).min().orElse(0);
        while (!pending.isEmpty() && pending.peekFirst()[0] <= slowest) {
            lagsMillis.add((now - pending.pollFirst()[1]) / 1_000_000);
        }
    }

    /** "N versions adopted, lag p50 X ms, p99 Y ms, max Z ms", or n/a when none was seen. */
    String summary() {
        List<Long> sorted;
        synchronized (lagsMillis) {
            sorted = new ArrayList<>(lagsMillis);
        }
        if (sorted.isEmpty()) {
            return "n/a";
        }
        Collections.sort(sorted);
        return String.format(
                Locale.ROOT,
                "%,d versions adopted, lag p50 %d ms, p99 %d ms, max %d ms",
                sorted.size(),
                ScaleBenchmark.percentile(sorted, 0.5),
                ScaleBenchmark.percentile(sorted, 0.99),
                sorted.get(sorted.size() - 1));
    }

    /** The largest lag so far, or -1. */
    long maxMillis() {
        synchronized (lagsMillis) {
            return lagsMillis.stream().mapToLong(Long::longValue).max().orElse(-1);
        }
    }

    @Override
    public void close() {
        stop = true;
        sampler.interrupt();
    }
}
