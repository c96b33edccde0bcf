package io.segstream.app.it;

import io.segstream.core.dataset.OnlineRetail;
import io.segstream.core.dataset.ShopEvent;
import io.segstream.core.encoder.TextEncoder;
import io.segstream.core.profile.ProfileBuilder;
import io.segstream.core.profile.ProfileSettings;
import io.segstream.core.testing.SharedData;
import io.segstream.schemas.EncoderInfo;
import io.segstream.schemas.OrderEvent;
import io.segstream.schemas.SegmentModel;
import io.segstream.trainer.Trainer;
import io.segstream.trainer.TrainerSettings;
import io.segstream.trainer.TrainingSet;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Orders of the first N customers of the real Online Retail data, and a model fitted on them
 * offline.
 */
final class RetailFixture {

    final List<OrderEvent> orders;
    final Set<String> customers;

    private RetailFixture(List<OrderEvent> orders, Set<String> customers) {
        this.orders = orders;
        this.customers = customers;
    }

    static RetailFixture firstCustomers(int n) throws Exception {
        OnlineRetail.Replay replay = OnlineRetail.read(SharedData.onlineRetailDev());
        Set<String> chosen = new LinkedHashSet<>();
        for (OrderEvent o : replay.orders()) {
            if (chosen.size() < n) {
                chosen.add(o.getUserId());
            }
        }
        List<OrderEvent> orders =
                replay.orders().stream().filter(o -> chosen.contains(o.getUserId())).toList();
        return new RetailFixture(orders, chosen);
    }

    /** The trainer's model of these customers, on everything they did (k-means++, 3 restarts). */
    SegmentModel offlineModel(
            TextEncoder encoder,
            EncoderInfo info,
            ProfileSettings settings,
            int k,
            double textWeight) {
        List<ShopEvent> events = orders.stream().map(ShopEvent::of).toList();
        TrainingSet set =
                TrainingSet.of(
                        events,
                        Instant.ofEpochMilli(events.get(events.size() - 1).time()),
                        null,
                        new ProfileBuilder(settings, encoder),
                        encoder.dimension(),
                        n -> {});
        TrainerSettings how = new TrainerSettings(k, 2, 8, 3, 1, 7L, textWeight, 0, null);
        return new Trainer(encoder, info, settings, step -> {}).train(set, how).model();
    }
}
