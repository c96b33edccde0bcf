package io.segstream.app.rest;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Times segment lookups as a bidder sees them, from request to response, by endpoint and by which
 * copy answered: this instance's active copy ({@code local}), its standby copy, or another instance
 * ({@code forwarded}). A percentile histogram, so that p99 aggregates across instances.
 *
 * <p>Also counts the users a lookup could not answer ({@code segstream.lookup.unavailable}): a 503
 * counts its users, a batch its {@code UNAVAILABLE} entries. Only where the caller asked: a request
 * forwarded by another instance is counted there, after its fallbacks.
 */
final class LookupTimer {

    static final String SERVED_BY = "segstream.served.by";
    static final String UNAVAILABLE = "segstream.unavailable";

    private final MeterRegistry registry;
    // one timer per endpoint and copy, built once: a registry lookup per request costs more
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    LookupTimer(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * {@code handler}, timed under {@code endpoint}. A wrapper rather than before and after
     * handlers: those cost every request two more path matches. The endpoint's count of unanswered
     * users is registered here, so that it reads 0 before the first one.
     */
    Handler timed(String endpoint, Handler handler) {
        Counter unavailable =
                Counter.builder("segstream.lookup.unavailable")
                        .description(
                                "Users a lookup could not answer (503, or UNAVAILABLE in a batch)")
                        .tag("endpoint", endpoint)
                        .register(registry);
        return ctx -> {
            long started = System.nanoTime();
            try {
                handler.handle(ctx);
            } finally {
                countUnavailable(ctx, unavailable);
                stop(ctx, endpoint, started);
            }
        };
    }

    /** Marks who answered: {@code local}, {@code standby} or {@code forwarded}. */
    static void servedBy(Context ctx, String who) {
        ctx.attribute(SERVED_BY, who);
    }

    /** {@code users} of this request could not be answered. */
    static void unavailable(Context ctx, int users) {
        ctx.attribute(UNAVAILABLE, users);
    }

    private static void countUnavailable(Context ctx, Counter unavailable) {
        if (ctx.header(RestServer.FORWARDED_HEADER) != null) {
            return;
        }
        Integer users = ctx.attribute(UNAVAILABLE);
        if (users == null && ctx.status().getCode() == 503) {
            users = 1;
        }
        if (users != null && users > 0) {
            unavailable.increment(users);
        }
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
