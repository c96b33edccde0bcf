package io.segstream.cli;

import io.segstream.core.model.ScoringModel;
import io.segstream.core.model.UserExplanation;
import java.util.Locale;

/** A user's explanation as text for the command line. */
final class Explanations {

    private Explanations() {}

    static String text(String user, UserExplanation e, ScoringModel model) {
        StringBuilder s = new StringBuilder();
        s.append(
                String.format(
                        Locale.ROOT,
                        "%nuser %s is in segment %d (%s): distance %.2f; next nearest is segment %d (%s) at %.2f%n",
                        user,
                        e.segment(),
                        model.name(e.segment()),
                        e.distance(),
                        e.runnerUp(),
                        e.runnerUp() < 0 ? "-" : model.name(e.runnerUp()),
                        e.runnerUpDistance()));
        s.append("  what puts them there rather than in the next nearest (standardised values):\n");
        e.reasons().stream()
                .filter(r -> r.advantage() > 0)
                .limit(5)
                .forEach(
                        r ->
                                s.append(
                                        r.feature().equals("text")
                                                ? String.format(
                                                        Locale.ROOT,
                                                        "    %-24s closer in what they buy and search (%.2f)%n",
                                                        r.feature(),
                                                        r.advantage())
                                                : String.format(
                                                        Locale.ROOT,
                                                        "    %-24s user %+.2f, segment %+.2f, next %+.2f (%.2f)%n",
                                                        r.feature(),
                                                        r.user(),
                                                        r.segment(),
                                                        r.runnerUp(),
                                                        r.advantage())));
        return s.toString();
    }
}
