package io.segstream.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.segstream.core.profile.UserProfile;
import io.segstream.schemas.SegmentChange;
import io.segstream.schemas.SegmentChangeType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VerifierTest {

    private static final Map<String, RecordedInput.Expected> EXPECTED =
            Map.of("a", new RecordedInput.Expected(3, 30), "b", new RecordedInput.Expected(2, 5));

    @Test
    void shouldFindNothingWrongWithACorrectRun() {
        Verifier.Outputs run = outputs(profile(3, 30), profile(2, 5), firsts());

        Verifier.Findings f = Verifier.check(run, EXPECTED, run);

        assertThat(f.lost()).isZero();
        assertThat(f.duplicated()).isZero();
        assertThat(f.differing()).isZero();
    }

    @Test
    void shouldCountLostReplayedAndSwappedEvents() {
        // a lost one event; b has its two events' count but another digest: one lost, one replayed
        Verifier.Outputs reference = outputs(profile(3, 30), profile(2, 5), firsts());
        Verifier.Outputs run = outputs(profile(2, 20), profile(2, 9), firsts());

        Verifier.Findings f = Verifier.check(run, EXPECTED, reference);

        assertThat(f.lostEvents()).isEqualTo(2);
        assertThat(f.duplicatedEvents()).isEqualTo(1);
    }

    @Test
    void shouldCountDuplicatedChangesMissingFirstAssignmentsAndDifferingSegments() {
        Verifier.Outputs reference = outputs(profile(3, 30), profile(2, 5), firsts());
        List<SegmentChange> changes = new ArrayList<>(firsts());
        changes.add(changes.get(0)); // a's first assignment written twice
        changes.remove(1); // b's first assignment lost
        Map<String, Integer> segments = new HashMap<>(reference.segments());
        segments.put("b", 4);
        Verifier.Outputs run = new Verifier.Outputs(segments, reference.profiles(), changes);

        Verifier.Findings f = Verifier.check(run, EXPECTED, reference);

        assertThat(f.duplicatedChanges()).isEqualTo(1);
        assertThat(f.firstAssignmentErrors()).isEqualTo(2);
        assertThat(f.differing()).isEqualTo(1);
        assertThat(f.lost()).isZero();
    }

    private static Verifier.Outputs outputs(
            UserProfile a, UserProfile b, List<SegmentChange> changes) {
        return new Verifier.Outputs(
                Map.of("a", 1, "b", 2), Map.of("a", a, "b", b), new ArrayList<>(changes));
    }

    private static UserProfile profile(long events, long digest) {
        UserProfile p = new UserProfile();
        for (long i = 1; i < events; i++) {
            p.countEvent(0);
        }
        p.countEvent(digest);
        return p;
    }

    private static List<SegmentChange> firsts() {
        List<SegmentChange> changes = new ArrayList<>();
        for (String user : List.of("a", "b")) {
            changes.add(
                    SegmentChange.newBuilder()
                            .setUserId(user)
                            .setChangeType(SegmentChangeType.FIRST_ASSIGNMENT)
                            .setPreviousSegment(null)
                            .setNewSegment(user.equals("a") ? 1 : 2)
                            .setPreviousDistance(null)
                            .setNewDistance(0.5)
                            .setModelVersion(1)
                            .setEventTime(Instant.ofEpochMilli(1000))
                            .setDrivers(List.of())
                            .build());
        }
        return changes;
    }
}
