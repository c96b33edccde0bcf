package io.segstream.reliability;

import io.segstream.app.config.Topics;
import io.segstream.app.runtime.TopicReader;
import io.segstream.app.topology.SegstreamTopology;
import io.segstream.core.profile.ProfileCodec;
import io.segstream.core.profile.UserProfile;
import io.segstream.schemas.AvroCodec;
import io.segstream.schemas.SegmentAssignment;
import io.segstream.schemas.SegmentChange;
import io.segstream.schemas.SegmentChangeType;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads what a run left on Kafka, read_committed as any consumer of segstream would, and checks it
 * against the input and the clean reference run, as Kafka's {@code EosTestDriver} verifies its EOS
 * tests:
 *
 * <ul>
 *   <li>every user has exactly one {@code FIRST_ASSIGNMENT} on {@code segment-changes};
 *   <li>no change record appears twice (same user, type, segment, model version, event time);
 *   <li>every user's final segment on {@code segments} equals the reference run's;
 *   <li>every user's final profile (the profile store's changelog) holds exactly the input's events
 *       for them: the count and the sum of event digests.
 * </ul>
 */
final class Verifier {

    /** What one run left behind. */
    record Outputs(
            Map<String, Integer> segments,
            Map<String, UserProfile> profiles,
            List<SegmentChange> changes) {}

    /** The checks' counts; all zero for a correct run. */
    record Findings(
            long lostEvents,
            long duplicatedEvents,
            long duplicatedChanges,
            long firstAssignmentErrors,
            long differing,
            long users) {

        long lost() {
            return lostEvents;
        }

        long duplicated() {
            return duplicatedEvents + duplicatedChanges + firstAssignmentErrors;
        }
    }

    private static final AvroCodec<SegmentChange> CHANGES = AvroCodec.of(SegmentChange.class);
    private static final AvroCodec<SegmentAssignment> ASSIGNMENTS =
            AvroCodec.of(SegmentAssignment.class);

    private Verifier() {}

    static Outputs read(Map<String, Object> connection, Topics topics, String applicationId) {
        Map<String, Integer> segments = new HashMap<>();
        latest(connection, topics.segments())
                .forEach((user, v) -> segments.put(user, ASSIGNMENTS.decode(v).getSegmentId()));
        Map<String, UserProfile> profiles = new HashMap<>();
        latest(connection, applicationId + "-" + SegstreamTopology.PROFILES_STORE + "-changelog")
                .forEach((user, v) -> profiles.put(user, ProfileCodec.decode(v)));
        List<SegmentChange> changes =
                TopicReader.readAll(
                        connection,
                        List.of(topics.segmentChanges()),
                        r -> CHANGES.decode(r.value()));
        return new Outputs(segments, profiles, changes);
    }

    /**
     * The last value of every key of {@code topic}, read_committed; a key whose last record is a
     * tombstone is left out. Only the latest bytes are kept: the profile changelog of a run holds a
     * record per event, far more than fits in memory decoded.
     */
    private static Map<String, byte[]> latest(Map<String, Object> connection, String topic) {
        Map<String, byte[]> out = new HashMap<>();
        TopicReader.forEach(
                connection,
                List.of(topic),
                r -> {
                    if (r.value() == null) {
                        out.remove(r.key());
                    } else {
                        out.put(r.key(), r.value());
                    }
                });
        return out;
    }

    static Findings check(
            Outputs run, Map<String, RecordedInput.Expected> expected, Outputs reference) {
        long lost = 0;
        long duplicated = 0;
        for (var e : expected.entrySet()) {
            UserProfile p = run.profiles().get(e.getKey());
            long count = p == null ? 0 : p.eventCount();
            long want = e.getValue().events();
            lost += Math.max(0, want - count);
            duplicated += Math.max(0, count - want);
            if (count == want && p != null && p.eventDigest() != e.getValue().digest()) {
                // as many events as sent, but not the same ones: one lost, one applied twice
                lost++;
                duplicated++;
            }
        }
        Map<String, Integer> firsts = new HashMap<>();
        Set<String> seen = new HashSet<>();
        long duplicatedChanges = 0;
        for (SegmentChange c : run.changes()) {
            if (c.getChangeType() == SegmentChangeType.FIRST_ASSIGNMENT) {
                firsts.merge(c.getUserId(), 1, Integer::sum);
            }
            String id =
                    c.getUserId()
                            + '|'
                            + c.getChangeType()
                            + '|'
                            + c.getNewSegment()
                            + '|'
                            + c.getModelVersion()
                            + '|'
                            + c.getEventTime().toEpochMilli();
            if (!seen.add(id)) {
                duplicatedChanges++;
            }
        }
        long firstErrors =
                expected.keySet().stream().filter(u -> firsts.getOrDefault(u, 0) != 1).count();
        long differing =
                expected.keySet().stream()
                        .filter(
                                u ->
                                        !java.util.Objects.equals(
                                                run.segments().get(u), reference.segments().get(u)))
                        .count();
        return new Findings(
                lost, duplicated, duplicatedChanges, firstErrors, differing, expected.size());
    }

    /**
     * Prints, for up to {@code max} users whose final segment differs from the reference, both
     * runs' change histories beside the user's input events, to see where the paths parted.
     */
    static void printDiffering(Outputs run, Outputs reference, RecordedInput input, int max) {
        List<String> users =
                input.expected().keySet().stream()
                        .filter(
                                u ->
                                        !java.util.Objects.equals(
                                                run.segments().get(u), reference.segments().get(u)))
                        .sorted()
                        .limit(max)
                        .toList();
        for (String u : users) {
            System.out.println("  differing user " + u + ":");
            input.events().stream()
                    .filter(e -> e.userId().equals(u))
                    .forEach(
                            e ->
                                    System.out.println(
                                            "    input "
                                                    + e.time()
                                                    + " "
                                                    + e.event().getSchema().getName()));
            for (var side : List.of(Map.entry("run", run), Map.entry("ref", reference))) {
                side.getValue().changes().stream()
                        .filter(c -> c.getUserId().equals(u))
                        .forEach(
                                c ->
                                        System.out.println(
                                                "    "
                                                        + side.getKey()
                                                        + " "
                                                        + c.getEventTime().toEpochMilli()
                                                        + " "
                                                        + c.getChangeType()
                                                        + " "
                                                        + c.getPreviousSegment()
                                                        + "->"
                                                        + c.getNewSegment()
                                                        + " v"
                                                        + c.getModelVersion()
                                                        + String.format(
                                                                " d %.5f/%.5f",
                                                                c.getPreviousDistance(),
                                                                c.getNewDistance())));
            }
        }
    }
}
