package io.segstream.trainer;

import io.segstream.core.dataset.ShopEvent;
import io.segstream.core.features.FeatureVectorizer;
import io.segstream.core.profile.ProfileBuilder;
import io.segstream.core.profile.ProfileCodec;
import io.segstream.core.profile.UserProfile;
import io.segstream.schemas.ClickEvent;
import io.segstream.schemas.OrderEvent;
import io.segstream.schemas.OrderLine;
import io.segstream.schemas.OrderStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * What the trainer learns from: every user's profile built from the events up to {@code asOf} (and
 * never later, so training does not peek into the future) with the same core code the streaming app
 * runs, their raw feature vectors read at {@code asOf}, the titles they bought or looked at, and
 * the churn label: no order in the {@code horizon} after {@code asOf}.
 *
 * @param users user ids, in first-seen order
 * @param profiles each user's profile as of {@code asOf}
 * @param raw each user's raw feature vector (behavioural, then text) as of {@code asOf}
 * @param churned per user: no order placed in (asOf, asOf + horizon]; null without a horizon
 * @param titles product titles per user up to {@code asOf}
 * @param orders per user: the orders placed and the value returned up to {@code asOf}
 * @param dataFrom the first event used
 * @param asOf where history is cut
 * @param horizon the churn window after {@code asOf}; null without labels
 */
public record TrainingSet(
        List<String> users,
        List<UserProfile> profiles,
        List<double[]> raw,
        boolean[] churned,
        Map<String, List<String>> titles,
        List<OrderHistory> orders,
        Instant dataFrom,
        Instant asOf,
        Duration horizon) {

    /**
     * Builds the set from {@code events} (in event-time order).
     *
     * @param horizon the churn window after {@code asOf}; null for no labels
     * @param progress told the number of events applied so far, now and then
     */
    public static TrainingSet of(
            List<ShopEvent> events,
            Instant asOf,
            Duration horizon,
            ProfileBuilder builder,
            int textDimension,
            IntConsumer progress) {
        long cut = asOf.toEpochMilli();
        long labelEnd = horizon == null ? cut : cut + horizon.toMillis();
        Map<String, UserProfile> profiles = new LinkedHashMap<>();
        Map<String, List<String>> titles = new LinkedHashMap<>();
        Set<String> orderedAfter = new HashSet<>();
        // O(orders): a time and an amount per placed order, nothing per click
        Map<String, OrderHistory.Builder> orders = new HashMap<>();
        long first = Long.MAX_VALUE;
        int applied = 0;
        for (ShopEvent e : events) {
            if (e.time() > cut) {
                if (e.time() <= labelEnd
                        && e.event() instanceof OrderEvent o
                        && o.getStatus() == OrderStatus.PLACED) {
                    orderedAfter.add(e.userId());
                }
                continue;
            }
            first = Math.min(first, e.time());
            UserProfile profile = profiles.getOrDefault(e.userId(), new UserProfile());
            builder.apply(profile, e.event());
            // kept as the app's store keeps it, so that both continue from the same profile
            profiles.put(e.userId(), ProfileCodec.decode(ProfileCodec.encode(profile)));
            List<String> t = titles.computeIfAbsent(e.userId(), u -> new ArrayList<>());
            if (e.event() instanceof OrderEvent o) {
                record(orders.computeIfAbsent(e.userId(), u -> new OrderHistory.Builder()), o);
                o.getLines().stream()
                        .map(OrderLine::getTitle)
                        .filter(x -> x != null)
                        .forEach(t::add);
            } else if (((ClickEvent) e.event()).getTitle() != null) {
                t.add(((ClickEvent) e.event()).getTitle());
            }
            if (++applied % 1000 == 0) {
                progress.accept(applied);
            }
        }
        progress.accept(applied);
        List<String> users = new ArrayList<>(profiles.keySet());
        List<UserProfile> ps = new ArrayList<>();
        List<double[]> raw = new ArrayList<>();
        List<OrderHistory> histories = new ArrayList<>();
        boolean[] churned = new boolean[users.size()];
        for (int i = 0; i < users.size(); i++) {
            UserProfile p = profiles.get(users.get(i));
            ps.add(p);
            raw.add(FeatureVectorizer.raw(p, cut, builder.settings(), textDimension));
            churned[i] = !orderedAfter.contains(users.get(i));
            OrderHistory.Builder h = orders.get(users.get(i));
            histories.add(h == null ? OrderHistory.NONE : h.build());
        }
        if (users.isEmpty()) {
            throw new IllegalArgumentException(
                    "No events at or before "
                            + asOf
                            + ": nothing to train on. Pick a later --as-of.");
        }
        return new TrainingSet(
                List.copyOf(users),
                List.copyOf(ps),
                List.copyOf(raw),
                horizon == null ? null : churned,
                titles,
                List.copyOf(histories),
                Instant.ofEpochMilli(first),
                asOf,
                horizon);
    }

    private static void record(OrderHistory.Builder history, OrderEvent order) {
        double amount = 0;
        for (OrderLine line : order.getLines()) {
            amount += line.getQuantity() * line.getUnitPrice();
        }
        if (order.getStatus() == OrderStatus.PLACED) {
            history.placed(order.getEventTime().toEpochMilli(), amount);
        } else if (order.getStatus() == OrderStatus.RETURNED) {
            history.returned(Math.abs(amount));
        }
    }

    public int size() {
        return users.size();
    }
}
