package io.segstream.core.profile;

/** What a customer did; the kinds the profile counts separately. */
public enum EventKind {
    VIEW,
    SEARCH,
    ADD_TO_CART,
    REMOVE_FROM_CART,
    ORDER,
    CANCEL,
    RETURN
}
