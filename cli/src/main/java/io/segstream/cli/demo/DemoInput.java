package io.segstream.cli.demo;

import io.segstream.app.runtime.QualityTimeline;
import io.segstream.core.dataset.OnlineRetail;
import io.segstream.core.dataset.Persona;
import io.segstream.core.dataset.ReviewTexts;
import io.segstream.core.dataset.ShopEvent;
import io.segstream.core.dataset.ShopperSimulator;
import io.segstream.schemas.OrderEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a demo replays: events in event-time order, what was read or generated, and, for generated
 * data, the persona planted in each user.
 *
 * @param source short description for the report, e.g. "online_retail_dev.csv.gz"
 * @param events the events to produce, in event-time order
 * @param planted the planted persona label of each user; empty for real data
 * @param notes what reading or generating the input did, printed before the replay
 */
public record DemoInput(
        String source, List<ShopEvent> events, Map<String, String> planted, List<String> notes) {

    /** The first {@code customers} customers of an Online Retail CSV, one event per invoice. */
    public static DemoInput onlineRetail(Path csv, int customers) throws IOException {
        OnlineRetail.Replay replay = OnlineRetail.read(csv);
        OnlineRetail.Report r = replay.report();
        Set<String> chosen = new LinkedHashSet<>();
        List<ShopEvent> events = new ArrayList<>();
        for (OrderEvent o : replay.orders()) {
            if (chosen.contains(o.getUserId()) || chosen.size() < customers) {
                chosen.add(o.getUserId());
                events.add(ShopEvent.of(o));
            }
        }
        List<String> notes = new ArrayList<>();
        notes.add(
                String.format(
                        Locale.ROOT,
                        "read %s: %,d rows -> %,d orders; skipped %,d guest rows, %,d non-product"
                                + " lines, %,d bad-debt rows, %,d invalid lines",
                        csv.getFileName(),
                        r.rows(),
                        r.invoices(),
                        r.guestRows(),
                        r.nonProductLines(),
                        r.badDebtRows(),
                        r.invalidLines()));
        r.badRows().stream().limit(5).forEach(b -> notes.add("  bad row " + b));
        return new DemoInput(csv.getFileName().toString(), events, Map.of(), notes);
    }

    /** {@code users} shoppers of the built-in generator, clicks and orders only. */
    public static DemoInput generated(int users, long seed) {
        return generated(users, seed, null);
    }

    /**
     * {@code users} shoppers of the built-in generator, personas planted at random, with reviews of
     * some of their orders written in {@code reviewTexts} (null: no reviews).
     */
    public static DemoInput generated(int users, long seed, ReviewTexts reviewTexts) {
        ShopperSimulator generator = ShopperSimulator.withDefaults();
        ShopperSimulator.Simulation sim =
                (reviewTexts == null ? generator : generator.withReviews(reviewTexts))
                        .simulate(users, seed);
        Map<String, String> planted = new LinkedHashMap<>();
        sim.personas().forEach((user, persona) -> planted.put(user, persona.label()));
        long orders = sim.events().stream().filter(ShopEvent::isOrder).count();
        long reviews = sim.events().stream().filter(ShopEvent::isReview).count();
        Map<String, Long> perPersona = new LinkedHashMap<>();
        for (Persona p : Persona.values()) {
            perPersona.put(p.label(), planted.values().stream().filter(p.label()::equals).count());
        }
        String note =
                String.format(
                        Locale.ROOT,
                        "generated %,d shoppers (seed %d): %,d clicks, %,d orders and %,d reviews"
                                + " (%s) over %d days; planted personas %s",
                        users,
                        seed,
                        sim.events().size() - orders - reviews,
                        orders,
                        reviews,
                        reviewTexts == null ? "none" : reviewTexts.source(),
                        ShopperSimulator.DEFAULT_WINDOW.toDays(),
                        perPersona);
        return new DemoInput(
                "built-in generator (" + users + " shoppers, seed " + seed + ")",
                sim.events(),
                planted,
                List.of(note));
    }

    /** A quality timeline over this replay: its thresholds, and the planted personas if any. */
    public QualityTimeline qualityTimeline() {
        return new QualityTimeline(
                events.isEmpty()
                        ? new long[3]
                        : QualityTimeline.thresholds(
                                events.get(0).time(),
                                events.get(events.size() - 1).time(),
                                t -> events.stream().filter(e -> e.time() <= t).count()),
                planted.isEmpty() ? null : planted::get);
    }

    public long customers() {
        return events.stream().map(ShopEvent::userId).distinct().count();
    }
}
