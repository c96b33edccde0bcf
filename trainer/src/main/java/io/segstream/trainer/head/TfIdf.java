package io.segstream.trainer.head;

import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.FeatureNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The classic bag-of-words baseline's features: word uni- and bigrams of lower-cased text, kept
 * when in at least {@value #MIN_DOCUMENT_FREQUENCY} training texts, weighted by sublinear term
 * frequency (1 + ln tf) times smoothed inverse document frequency, each text's vector of unit
 * length. Fitted on training texts only, so that held-out texts add no vocabulary.
 */
public final class TfIdf {

    static final int MIN_DOCUMENT_FREQUENCY = 2;

    /** Words of two or more letters or digits, as scikit-learn's default token pattern. */
    private static final Pattern TOKEN =
            Pattern.compile("\\b\\w\\w+\\b", Pattern.UNICODE_CHARACTER_CLASS);

    private final Map<String, Integer> index;
    private final double[] idf;

    private TfIdf(Map<String, Integer> index, double[] idf) {
        this.index = index;
        this.idf = idf;
    }

    public static TfIdf fit(List<String> texts) {
        Map<String, Integer> documentFrequency = new HashMap<>();
        for (String text : texts) {
            for (String term : terms(text).keySet()) {
                documentFrequency.merge(term, 1, Integer::sum);
            }
        }
        // sorted, so that the same texts always give the same feature numbers
        TreeMap<String, Integer> kept = new TreeMap<>();
        documentFrequency.forEach(
                (term, df) -> {
                    if (df >= MIN_DOCUMENT_FREQUENCY) {
                        kept.put(term, df);
                    }
                });
        Map<String, Integer> index = new HashMap<>(kept.size() * 2);
        double[] idf = new double[kept.size()];
        int n = texts.size();
        for (Map.Entry<String, Integer> e : kept.entrySet()) {
            int i = index.size();
            index.put(e.getKey(), i);
            idf[i] = Math.log((1.0 + n) / (1.0 + e.getValue())) + 1;
        }
        return new TfIdf(index, idf);
    }

    public int vocabularySize() {
        return idf.length;
    }

    /** The text's unit-length TF-IDF vector as liblinear features (1-based, ascending). */
    public Feature[] transform(String text) {
        TreeMap<Integer, Double> weights = new TreeMap<>();
        terms(text)
                .forEach(
                        (term, tf) -> {
                            Integer i = index.get(term);
                            if (i != null) {
                                weights.put(i, (1 + Math.log(tf)) * idf[i]);
                            }
                        });
        double norm = Math.sqrt(weights.values().stream().mapToDouble(w -> w * w).sum());
        Feature[] out = new Feature[weights.size()];
        int k = 0;
        for (Map.Entry<Integer, Double> e : weights.entrySet()) {
            out[k++] = new FeatureNode(e.getKey() + 1, e.getValue() / norm);
        }
        return out;
    }

    /** Term counts of one text: its words and each pair of neighbouring words. */
    static Map<String, Integer> terms(String text) {
        List<String> words = new ArrayList<>();
        Matcher m = TOKEN.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            words.add(m.group());
        }
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < words.size(); i++) {
            counts.merge(words.get(i), 1, Integer::sum);
            if (i > 0) {
                counts.merge(words.get(i - 1) + ' ' + words.get(i), 1, Integer::sum);
            }
        }
        return counts;
    }
}
