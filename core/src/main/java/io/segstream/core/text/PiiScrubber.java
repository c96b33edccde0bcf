package io.segstream.core.text;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces personal data in free text (search queries, reviews) with placeholders before the text
 * is encoded or cached, so that no email address, phone number or card number reaches the model,
 * the embedding cache or a log line.
 *
 * <p>Card numbers are recognised by length and the Luhn checksum, so product codes and barcodes of
 * card length are mostly left alone; phone numbers need 10 to 15 digits, or 8 or more after a
 * leading {@code +} or {@code (}, so quantities such as "100 200 300" are kept; an unbroken run of
 * 13 or more digits is taken for a barcode.
 */
public final class PiiScrubber {

    public static final String EMAIL = "<email>";
    public static final String PHONE = "<phone>";
    public static final String CARD = "<card>";

    private static final Pattern EMAIL_PATTERN =
            Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");
    private static final Pattern CARD_PATTERN =
            Pattern.compile("(?<![\\d])\\d(?:[ -]?\\d){12,18}(?![\\d])");
    private static final Pattern PHONE_PATTERN =
            Pattern.compile("(?<![\\w+])(?:\\+|\\()?\\d[\\d\\s().-]{6,}\\d(?![\\w])");

    /**
     * Returns {@code text} with personal data replaced; text with no digit and no '@' is returned
     * as is.
     */
    public String scrub(String text) {
        if (text == null || !mayContainPii(text)) {
            return text;
        }
        String out = EMAIL_PATTERN.matcher(text).replaceAll(EMAIL);
        out = replaceIf(CARD_PATTERN, out, CARD, PiiScrubber::isLuhnValid);
        return replaceIf(PHONE_PATTERN, out, PHONE, PiiScrubber::looksLikePhone);
    }

    private static boolean mayContainPii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '@' || (c >= '0' && c <= '9')) {
                return true;
            }
        }
        return false;
    }

    private interface Check {
        boolean test(String candidate);
    }

    private static String replaceIf(Pattern pattern, String text, String placeholder, Check check) {
        Matcher matcher = pattern.matcher(text);
        StringBuilder out = null;
        int last = 0;
        while (matcher.find()) {
            if (!check.test(matcher.group())) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length());
            }
            out.append(text, last, matcher.start()).append(placeholder);
            last = matcher.end();
        }
        return out == null ? text : out.append(text, last, text.length()).toString();
    }

    static boolean looksLikePhone(String candidate) {
        int digits = countDigits(candidate);
        char first = candidate.charAt(0);
        boolean marked = first == '+' || first == '(';
        // an unbroken run of 13+ digits is a barcode (EAN-13, GTIN-14) rather than a dialled number
        boolean unbroken = digits == candidate.length();
        int longest = unbroken && !marked ? 12 : 15;
        return digits <= longest && (digits >= 10 || (marked && digits >= 8));
    }

    static boolean isLuhnValid(String candidate) {
        int sum = 0;
        boolean doubleIt = false;
        for (int i = candidate.length() - 1; i >= 0; i--) {
            char c = candidate.charAt(i);
            if (c < '0' || c > '9') {
                continue;
            }
            int d = c - '0';
            if (doubleIt) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
    }

    private static int countDigits(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            if (Character.isDigit(s.charAt(i))) {
                n++;
            }
        }
        return n;
    }
}
