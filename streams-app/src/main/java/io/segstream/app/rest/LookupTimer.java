package io.segstream.app.rest;

import io.javalin.http.Context;
import io.javalin.http.Handler;
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

    private final MeterRegistry registry;
    // one timer per endpoint and copy, built once: a registry lookup per request costs more
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    LookupTimer(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * {@code handler}, timed under {@code endpoint}. A wrapper rather than before and after
     * handlers: those cost every request two more path matches.
     */
    Handler timed(String endpoint, Handler handler) {
        return ctx -> {
            long started = System.nanoTime();
            try {
                handler.handle(ctx);
            } finally {
                stop(ctx, endpoint, started);
            }
        };
    }

    /** Marks who answered: {@code local}, {@code standby} or {@code forwarded}. */
    static void servedBy(Context ctx, String who) {
        ctx.attribute(SERVED_BY, who);
    }

    private void stop(Context ctx, String endpoint, long started) {
        String servedBy = ctx.attribute(SERVED_BY);
        if (servedBy == null) {
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
