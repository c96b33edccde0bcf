package io.segstream.core.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.segstream.core.dataset.ShopEvent;
import io.segstream.core.dataset.ShopperSimulator;
import io.segstream.core.encoder.CachingTextEncoder;
import io.segstream.core.encoder.EncoderConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class EventDigestTest {

    @Test
    void shouldGiveEveryGeneratedEventItsOwnDigest() {
        var sim = ShopperSimulator.withDefaults().simulate(300, 5);
        Set<Long> digests = new HashSet<>();
        for (ShopEvent e : sim.events()) {
            digests.add(EventDigest.of(e.event()));
        }

        assertThat(digests).hasSize(sim.events().size());
    }

    @Test
    void shouldCountEachAppliedEventSoThatALostAndAReplayedOneShow() {
        var sim = ShopperSimulator.withDefaults().simulate(50, 9);
        List<SpecificRecord> events =
                new ArrayList<>(sim.events().stream().map(ShopEvent::event).toList());
        try (var encoder = CachingTextEncoder.open(EncoderConfig.defaults())) {
            ProfileBuilder builder = new ProfileBuilder(ProfileSettings.defaults(), encoder);
            Map<String, UserProfile> inOrder = builder.replay(events);
            String user = inOrder.keySet().iterator().next();
            long expected = 0;
            int count = 0;
            for (ShopEvent e : sim.events()) {
                if (e.userId().equals(user)) {
                    expected += EventDigest.of(e.event());
                    count++;
                }
            }
            assertThat(inOrder.get(user).eventCount()).isEqualTo(count);
            assertThat(inOrder.get(user).eventDigest()).isEqualTo(expected);

            // one of the user's events lost and another applied twice: same count, other digest
            List<SpecificRecord> faulty = new ArrayList<>(events);
            List<Integer> own = new ArrayList<>();
            for (int i = 0; i < faulty.size(); i++) {
                if (sim.events().get(i).userId().equals(user)) {
                    own.add(i);
                }
            }
            SpecificRecord replayed = faulty.get(own.get(0));
            faulty.remove((int) own.get(own.size() - 1));
            faulty.add(replayed);
            UserProfile broken = builder.replay(faulty).get(user);
            assertThat(broken.eventCount()).isEqualTo(count);
            assertThat(broken.eventDigest()).isNotEqualTo(expected);

            // the same events in another order: the same digest
            Collections.shuffle(events, new Random(1));
            assertThat(builder.replay(events).get(user).eventDigest()).isEqualTo(expected);
        }
    }
}
