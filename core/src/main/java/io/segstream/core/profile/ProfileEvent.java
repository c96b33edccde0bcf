package io.segstream.core.profile;

import java.util.List;

/**
 * One customer event in the form the profile needs, whatever its source (a click, an order, a row
 * of a CSV replay), so that the streaming app and the trainer update profiles with the same code.
 *
 * @param amount the order value for orders, cancellations and returns (positive), else 0
 * @param price the product's unit price where known, else NaN
 * @param texts product titles or the search query whose meaning feeds the text-interest vector
 */
public record ProfileEvent(
        EventKind kind,
        long eventTime,
        String sessionId,
        List<String> categories,
        double price,
        double amount,
        List<String> texts) {

    public ProfileEvent {
        categories = categories == null ? List.of() : List.copyOf(categories);
        texts = texts == null ? List.of() : List.copyOf(texts);
    }
}
