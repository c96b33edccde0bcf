package io.segstream.core.text;

import java.text.Normalizer;
import java.util.Locale;

/**
 * Canonical form of a text for the embedding cache: Unicode NFKC, whitespace runs collapsed to one
 * space, trimmed, and case-folded only where the model's tokenizer folds case itself, so two keys
 * are equal only when the model would see the same input.
 */
public final class TextNormalizer {

    private final boolean foldCase;

    public TextNormalizer(boolean foldCase) {
        this.foldCase = foldCase;
    }

    public String normalize(String text) {
        if (text == null) {
            return "";
        }
        String s = isAscii(text) ? text : Normalizer.normalize(text, Normalizer.Form.NFKC);
        StringBuilder out = new StringBuilder(s.length());
        boolean pendingSpace = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                pendingSpace = out.length() > 0;
                continue;
            }
            if (pendingSpace) {
                out.append(' ');
                pendingSpace = false;
            }
            out.append(c);
        }
        String collapsed = out.toString();
        return foldCase ? collapsed.toLowerCase(Locale.ROOT) : collapsed;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7f) {
                return false;
            }
        }
        return true;
    }
}
