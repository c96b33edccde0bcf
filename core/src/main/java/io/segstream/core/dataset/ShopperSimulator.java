package io.segstream.core.dataset;

import io.segstream.schemas.ClickEvent;
import io.segstream.schemas.ClickEventType;
import io.segstream.schemas.OrderEvent;
import io.segstream.schemas.OrderLine;
import io.segstream.schemas.OrderStatus;
import io.segstream.schemas.ReviewEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A built-in generator of realistic storefront traffic: users drawn from planted {@link Persona}s
 * browse, search, fill carts, order and return products of the built-in {@link Catalog} over a
 * simulated window of event time. The same seed gives the same events, so a demo can measure how
 * well the segments it finds recover the personas.
 *
 * <p>{@link #atScale} is the opt-in variant for benchmarks at a real shop's size: the {@linkplain
 * Catalog#scaled() scale catalog} of more than 10,000 titles, and a share of search queries made
 * unique by a colour and model number, so that the encoder's cost shows as it would in a real shop
 * instead of every text being a cache hit. The default generator is unchanged by it.
 */
public final class ShopperSimulator {

    /** The generated events in event-time order, and the persona planted in each user. */
    public record Simulation(List<ShopEvent> events, Map<String, Persona> personas) {}

    /** The gift season of the default window ends a few days before Christmas. */
    public static final Instant DEFAULT_END = Instant.parse("2025-12-21T00:00:00Z");

    public static final Duration DEFAULT_WINDOW = Duration.ofDays(90);

    private static final Map<Persona, List<String>> QUERY_WORDS =
            Map.of(
                    Persona.BARGAIN_HUNTER, List.of("cheap", "discount", "value pack", "sale"),
                    Persona.LOYAL_HIGH_SPENDER, List.of("luxury", "premium", "new season"),
                    Persona.WINDOW_SHOPPER, List.of("best", "reviews of", "compare"),
                    Persona.SEASONAL_GIFT_BUYER,
                            List.of("christmas gift", "stocking filler", "gift for kids"),
                    Persona.LAPSING_CUSTOMER, List.of("outdoor", "spring", "garden"));

    /** Share of search queries {@link #atScale} makes unique. */
    public static final double SCALE_UNIQUE_SEARCH_SHARE = 0.3;

    private static final List<String> QUERY_COLOURS =
            List.of(
                    "black", "white", "red", "blue", "green", "grey", "pink", "navy", "gold",
                    "silver", "brown", "beige");

    private final Catalog catalog;
    private final Instant end;
    private final Duration window;
    private final double uniqueSearchShare;

    /** What shoppers write about their orders; null: no reviews. */
    private final ReviewTexts reviewTexts;

    public ShopperSimulator(Catalog catalog, Instant end, Duration window) {
        this(catalog, end, window, 0);
    }

    /**
     * @param uniqueSearchShare share of search queries that get a colour and a random model number
     *     appended, which makes them (almost surely) unique; 0 draws no extra random numbers, so
     *     the events are exactly those of the three-argument constructor
     */
    public ShopperSimulator(
            Catalog catalog, Instant end, Duration window, double uniqueSearchShare) {
        this(catalog, end, window, uniqueSearchShare, null);
    }

    private ShopperSimulator(
            Catalog catalog,
            Instant end,
            Duration window,
            double uniqueSearchShare,
            ReviewTexts reviewTexts) {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("The simulated window must be positive: " + window);
        }
        if (!(uniqueSearchShare >= 0 && uniqueSearchShare <= 1)) {
            throw new IllegalArgumentException(
                    "The unique search share is a fraction in [0, 1], not " + uniqueSearchShare);
        }
        this.catalog = catalog;
        this.end = end;
        this.window = window;
        this.uniqueSearchShare = uniqueSearchShare;
        this.reviewTexts = reviewTexts;
    }

    /**
     * This generator with reviews: some orders are reviewed days later, at each persona's rate and
     * mood (lapsing customers mostly unhappy), with texts from {@code texts}. Reviews draw from
     * their own random numbers, so the clicks and orders are exactly those without reviews.
     */
    public ShopperSimulator withReviews(ReviewTexts texts) {
        return new ShopperSimulator(catalog, end, window, uniqueSearchShare, texts);
    }

    /**
     * The generator at a real shop's scale, for benchmarks: the scale catalog (10,368 titles) and
     * 30 % unique search queries, over {@code window} up to {@code end}.
     */
    public static ShopperSimulator atScale(Instant end, Duration window) {
        return new ShopperSimulator(Catalog.scaled(), end, window, SCALE_UNIQUE_SEARCH_SHARE);
    }

    /** The default catalog and window: 90 days of gift-season trading. */
    public static ShopperSimulator withDefaults() {
        return new ShopperSimulator(Catalog.builtIn(), DEFAULT_END, DEFAULT_WINDOW);
    }

    /** Generates {@code users} shoppers, personas in equal shares, and their events. */
    public Simulation simulate(int users, long seed) {
        Map<String, Persona> planted = new LinkedHashMap<>();
        List<ShopEvent> events = new ArrayList<>();
        forEachUser(
                users,
                seed,
                (user, persona, own) -> {
                    planted.put(user, persona);
                    events.addAll(own);
                });
        events.sort(EVENT_ORDER);
        return new Simulation(List.copyOf(events), planted);
    }

    /** The order of {@link Simulation#events()}: event time, then user id. */
    public static final Comparator<ShopEvent> EVENT_ORDER =
            Comparator.comparingLong(ShopEvent::time).thenComparing(ShopEvent::userId);

    /** Receives one simulated user at a time. */
    @FunctionalInterface
    public interface UserSink {
        /**
         * @param events the user's events in the order they were generated (session by session; a
         *     return comes right after its order, days ahead of the next session)
         */
        void accept(String user, Persona persona, List<ShopEvent> events);
    }

    /**
     * The same users and events as {@link #simulate}, handed over one user at a time, so that a
     * caller can generate millions of events without holding them all (e.g. sort them in runs).
     */
    public void forEachUser(int users, long seed, UserSink sink) {
        if (users < 1) {
            throw new IllegalArgumentException("Simulate at least one user, not " + users);
        }
        SplittableRandom random = new SplittableRandom(seed);
        Persona[] personas = Persona.values();
        for (int i = 0; i < users; i++) {
            String user = String.format(Locale.ROOT, "u%05d", i + 1);
            Persona persona = personas[random.nextInt(personas.length)];
            List<ShopEvent> own = new ArrayList<>();
            new Shopper(user, persona, random.split()).live(own);
            sink.accept(user, persona, own);
        }
    }

    /** One simulated user living through the window. */
    private final class Shopper {
        private final String user;
        private final Persona persona;
        private final SplittableRandom random;
        private final SplittableRandom reviewRandom;
        private int orders;

        Shopper(String user, Persona persona, SplittableRandom random) {
            this.user = user;
            this.persona = persona;
            this.random = random;
            this.reviewRandom = new SplittableRandom(user.hashCode() * 0x9E3779B97F4A7C15L);
        }

        void live(List<ShopEvent> out) {
            long from = end.toEpochMilli() - window.toMillis();
            long span = window.toMillis();
            int sessions = 1 + poisson(persona.sessions - 1);
            TreeMap<Double, Boolean> plan = new TreeMap<>(); // when -> buying
            for (int s = 0; s < sessions; s++) {
                double at = random.nextDouble();
                boolean buying = true;
                switch (persona.timing) {
                    case LATE -> {
                        // new in the gift season, and comes to buy: see the first session below
                        buying = random.nextDouble() < 0.75;
                        at = 0.75 + 0.25 * at;
                    }
                    case EARLY -> {
                        // bought in the first third, now only comes back to look
                        buying = s == 0 || random.nextDouble() < 0.6;
                        at = buying ? 0.3 * at : 0.5 + 0.5 * at;
                    }
                    case STEADY -> {}
                }
                plan.put(at, buying);
            }
            if (persona.timing == Persona.Timing.LATE) {
                plan.put(plan.firstKey(), true);
            }
            double lastBuying =
                    persona.timing == Persona.Timing.LATE
                            ? plan.firstKey()
                            : plan.entrySet().stream()
                                    .filter(Map.Entry::getValue)
                                    .mapToDouble(Map.Entry::getKey)
                                    .max()
                                    .orElse(-1);
            int s = 0;
            for (Map.Entry<Double, Boolean> session : plan.entrySet()) {
                // a persona that buys has bought at least once by its last buying session
                boolean mustOrder =
                        persona.orderChance > 0 && orders == 0 && session.getKey() == lastBuying;
                session(
                        out,
                        from + (long) (session.getKey() * span),
                        user + "-s" + (++s),
                        session.getValue(),
                        mustOrder);
            }
        }

        private void session(
                List<ShopEvent> out,
                long start,
                String sessionId,
                boolean buying,
                boolean mustOrder) {
            long t = start;
            Catalog.Product interest = pick();
            if (random.nextDouble() < persona.searchChance) {
                List<String> words = QUERY_WORDS.get(persona);
                String query =
                        words.get(random.nextInt(words.size()))
                                + " "
                                + lastWords(interest.title(), 2);
                if (uniqueSearchShare > 0 && random.nextDouble() < uniqueSearchShare) {
                    query +=
                            " "
                                    + QUERY_COLOURS.get(random.nextInt(QUERY_COLOURS.size()))
                                    + " model "
                                    + (100_000 + random.nextInt(900_000));
                }
                out.add(click(ClickEventType.SEARCH, t, sessionId, null, query));
                t += gap();
            }
            List<Catalog.Product> cart = new ArrayList<>();
            int views = 1 + poisson(persona.views);
            for (int v = 0; v < views; v++) {
                Catalog.Product product = v == 0 ? interest : pick();
                out.add(click(ClickEventType.VIEW, t, sessionId, product, null));
                t += gap();
                double cartChance = buying ? persona.cartChance : persona.cartChance / 4;
                if (random.nextDouble() < cartChance
                        || (mustOrder && v == views - 1 && cart.isEmpty())) {
                    out.add(click(ClickEventType.ADD_TO_CART, t, sessionId, product, null));
                    t += gap();
                    cart.add(product);
                }
            }
            if (!cart.isEmpty()
                    && buying
                    && (mustOrder || random.nextDouble() < persona.orderChance)) {
                order(out, t, cart);
            }
        }

        private void order(List<ShopEvent> out, long t, List<Catalog.Product> cart) {
            String orderId = user + "-o" + (++orders);
            List<OrderLine> lines = new ArrayList<>();
            for (Catalog.Product p : cart) {
                lines.add(
                        OrderLine.newBuilder()
                                .setProductId(p.id())
                                .setTitle(p.title())
                                .setCategory(p.category())
                                .setQuantity(1 + random.nextInt(persona.maxQuantity))
                                .setUnitPrice(p.price())
                                .build());
            }
            out.add(orderEvent(orderId, t, OrderStatus.PLACED, lines));
            long returnedAt = t + Duration.ofDays(3 + random.nextInt(12)).toMillis();
            if (random.nextDouble() < persona.returnChance && returnedAt < end.toEpochMilli()) {
                out.add(orderEvent(orderId, returnedAt, OrderStatus.RETURNED, lines));
            }
            if (reviewTexts != null && reviewRandom.nextDouble() < persona.reviewChance) {
                review(out, orderId, t, cart.get(0));
            }
        }

        private void review(List<ShopEvent> out, String orderId, long ordered, Catalog.Product p) {
            boolean unhappy = reviewRandom.nextDouble() < persona.unhappyChance;
            long t = ordered + Duration.ofHours(24 + reviewRandom.nextInt(10 * 24)).toMillis();
            ReviewTexts.Text text = reviewTexts.pick(unhappy, reviewRandom);
            if (t >= end.toEpochMilli()) {
                return;
            }
            ReviewEvent e =
                    ReviewEvent.newBuilder()
                            .setReviewId(orderId + "-r")
                            .setUserId(user)
                            .setProductId(p.id())
                            .setEventTime(Instant.ofEpochMilli(t))
                            .setRating(
                                    unhappy
                                            ? 1 + reviewRandom.nextInt(2)
                                            : 4 + reviewRandom.nextInt(2))
                            .setRecommended(!unhappy)
                            .setTitle(text.title())
                            .setText(text.body())
                            .build();
            out.add(new ShopEvent(user, t, e));
        }

        private ShopEvent orderEvent(
                String orderId, long t, OrderStatus status, List<OrderLine> lines) {
            OrderEvent e =
                    OrderEvent.newBuilder()
                            .setOrderId(orderId)
                            .setUserId(user)
                            .setEventTime(Instant.ofEpochMilli(t))
                            .setStatus(status)
                            .setCountry("GB")
                            .setLines(lines)
                            .build();
            return new ShopEvent(user, t, e);
        }

        private ShopEvent click(
                ClickEventType type,
                long t,
                String sessionId,
                Catalog.Product product,
                String query) {
            ClickEvent.Builder b =
                    ClickEvent.newBuilder()
                            .setEventType(type)
                            .setUserId(user)
                            .setSessionId(sessionId)
                            .setEventTime(Instant.ofEpochMilli(t))
                            .setCurrency("GBP")
                            .setEventId(user + "-" + t + "-" + type)
                            .setQueryText(query);
            if (product != null) {
                b.setProductId(product.id())
                        .setTitle(product.title())
                        .setCategory(product.category())
                        .setPrice(product.price());
            }
            return new ShopEvent(user, t, b.build());
        }

        /** A product from the persona's categories, in proportion to their weights. */
        private Catalog.Product pick() {
            // sorted, because Map.of iterates in an order that changes from run to run
            TreeMap<String, Double> weights = new TreeMap<>(persona.categories);
            double total = weights.values().stream().mapToDouble(Double::doubleValue).sum();
            double r = random.nextDouble() * total;
            String category = weights.lastKey();
            for (Map.Entry<String, Double> w : weights.entrySet()) {
                r -= w.getValue();
                if (r < 0) {
                    category = w.getKey();
                    break;
                }
            }
            List<Catalog.Product> products = catalog.products(category);
            return products.get(random.nextInt(products.size()));
        }

        /** Seconds to a couple of minutes between the clicks of a session. */
        private long gap() {
            return 5_000 + random.nextLong(115_000);
        }

        private int poisson(double mean) {
            // Knuth's method: means here are small
            double limit = Math.exp(-Math.max(0, mean));
            int k = 0;
            double p = random.nextDouble();
            while (p > limit) {
                k++;
                p *= random.nextDouble();
            }
            return k;
        }
    }

    private static String lastWords(String title, int n) {
        String[] words = title.toLowerCase(Locale.ROOT).split("\\s+");
        return String.join(
                " ", List.of(words).subList(Math.max(0, words.length - n), words.length));
    }
}
