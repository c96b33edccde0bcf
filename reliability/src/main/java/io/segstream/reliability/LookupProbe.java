package io.segstream.reliability;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * An ad bidder's view of a scenario: every 100 ms it looks up the same 50 users with one {@code
 * POST /segments/lookup}, sent to the instances in turn and, when one does not answer, to the next,
 * as a client with the list of instances would. A poll succeeds when all 50 come back {@code
 * FOUND}; the probe reports the longest time between two successful polls once the first has
 * succeeded (the users' first events must have been processed).
 */
final class LookupProbe implements AutoCloseable {

    private static final Duration PERIOD = Duration.ofMillis(100);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    private final Supplier<List<AppInstance>> instances;
    private final String body;
    private final int users;
    private final Thread thread;
    private volatile boolean stop;
    private long polls;
    private long failures;
    private long firstSuccess = -1;
    private long lastSuccess = -1;
    private long longestGap;

    LookupProbe(Supplier<List<AppInstance>> instances, List<String> users) {
        this.instances = instances;
        this.users = users.size();
        this.body =
                users.stream()
                        .map(u -> '"' + u + '"')
                        .collect(Collectors.joining(",", "{\"userIds\":[", "]}"));
        this.thread = new Thread(this::loop, "lookup-probe");
        thread.setDaemon(true);
    }

    LookupProbe start() {
        thread.start();
        return this;
    }

    private void loop() {
        long next = System.nanoTime();
        while (!stop) {
            poll(polls++);
            next += PERIOD.toNanos();
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void poll(long n) {
        List<AppInstance> all = List.copyOf(instances.get());
        for (int i = 0; i < all.size(); i++) {
            AppInstance target = all.get((int) ((n + i) % all.size()));
            if (target.alive() && allFound(target)) {
                long now = System.nanoTime();
                synchronized (this) {
                    if (firstSuccess < 0) {
                        firstSuccess = now;
                    } else {
                        longestGap = Math.max(longestGap, now - lastSuccess);
                    }
                    lastSuccess = now;
                }
                return;
            }
        }
        synchronized (this) {
            if (firstSuccess >= 0) {
                failures++;
            }
        }
    }

    private boolean allFound(AppInstance target) {
        try {
            HttpResponse<String> r =
                    HTTP.send(
                            HttpRequest.newBuilder(
                                            URI.create(target.baseUrl() + "/segments/lookup"))
                                    .timeout(Duration.ofSeconds(1))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && count(r.body(), "\"status\":\"FOUND\"") == users;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }

    /** The longest gap between successful polls in seconds; NaN if none ever succeeded. */
    synchronized double longestGapSeconds() {
        if (firstSuccess < 0) {
            return Double.NaN;
        }
        long tail = System.nanoTime() - lastSuccess;
        return Math.max(longestGap, tail) / 1e9;
    }

    /** Polls after the first success in which no instance answered all 50 users. */
    synchronized long failedPolls() {
        return failures;
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.interrupt();
        thread.join(5000);
    }
}
