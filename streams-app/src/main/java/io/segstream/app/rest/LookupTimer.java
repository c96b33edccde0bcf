package io.segstream.app.rest;

import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Times segment lookups as a bidder sees them, from request to response, by endpoint and by which
 * copy answered: this instance's active copy ({@code local}), its standby copy, or another instance
 * ({@code forwarded}). A percentile histogram, so that p99 aggregates across instances.
 */
final class LookupTimer {

    static final String SERVED_BY = "segstream.served.by";
    private static final String STARTED = "segstream.lookup.started";

    private final MeterRegistry registry;
    // one timer per endpoint and copy, built once: a registry lookup per request costs more
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    LookupTimer(MeterRegistry registry) {
        this.registry = registry;
    }

    static void start(Context ctx) {
        ctx.attribute(STARTED, System.nanoTime());
    }

    /** Marks who answered: {@code local}, {@code standby} or {@code forwarded}. */
    static void servedBy(Context ctx, String who) {
        ctx.attribute(SERVED_BY, who);
    }

    void stop(Context ctx, String endpoint) {
        Long started = ctx.attribute(STARTED);
        String servedBy = ctx.attribute(SERVED_BY);
        if (started == null || servedBy == null) {
            // refused before a read (bad id, no token, not servable): not a lookup's latency
            return;
        }
        timers.computeIfAbsent(
                        endpoint + '/' + servedBy,
                        k ->
                                Timer.builder("segstream.lookup")
                                        .description("Segment lookups from request to response")
                                        .tag("endpoint", endpoint)
                                        .tag("served_by", servedBy)
                                        .publishPercentileHistogram()
                                        .register(registry))
                .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }
}
