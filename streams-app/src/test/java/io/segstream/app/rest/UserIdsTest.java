package io.segstream.app.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UserIdsTest {

    @Test
    void shouldDecodeValidIdsStrictlyAndKeepPlusSigns() {
        assertThat(UserIds.fromPathSegment("12346")).isEqualTo("12346");
        assertThat(UserIds.fromPathSegment("a%20b+c")).isEqualTo("a b+c");
        assertThat(UserIds.fromPathSegment("caf%C3%A9")).isEqualTo("café");
        assertThat(UserIds.fromPathSegment("café")).isEqualTo("café");
        assertThat(UserIds.fromPathSegment("%F0%9F%98%80")).isEqualTo("\uD83D\uDE00");
        assertThat(UserIds.fromPathSegment("a.b")).isEqualTo("a.b");
    }

    @Test
    void shouldRefuseEmptyIds() {
        assertThatThrownBy(() -> UserIds.fromPathSegment(""))
                .isInstanceOf(InvalidUserIdException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> UserIds.validate(null)).hasMessageContaining("empty");
    }

    @Test
    void shouldRefuseIdsLongerThanTheLimitInUtf8Bytes() {
        assertThat(UserIds.validate("a".repeat(UserIds.MAX_BYTES))).hasSize(UserIds.MAX_BYTES);
        assertThatThrownBy(() -> UserIds.validate("a".repeat(UserIds.MAX_BYTES + 1)))
                .hasMessageContaining("longer than 1024 bytes");
        // 513 two-byte characters are 1,026 bytes though only 513 chars
        assertThatThrownBy(() -> UserIds.validate("é".repeat(513)))
                .hasMessageContaining("longer than 1024 bytes");
        assertThatThrownBy(() -> UserIds.fromPathSegment("%41".repeat(UserIds.MAX_BYTES + 1)))
                .hasMessageContaining("longer than 1024 bytes");
    }

    @Test
    void shouldRefuseSlashesAndDotDotEvenWhenEncoded() {
        assertThatThrownBy(() -> UserIds.fromPathSegment("a%2Fb")).hasMessageContaining("'/'");
        assertThatThrownBy(() -> UserIds.fromPathSegment("%2e%2e")).hasMessageContaining("'..'");
        assertThatThrownBy(() -> UserIds.validate("x..y")).hasMessageContaining("'..'");
    }

    @Test
    void shouldRefuseControlCharacters() {
        assertThatThrownBy(() -> UserIds.fromPathSegment("a%00b")).hasMessageContaining("U+0000");
        assertThatThrownBy(() -> UserIds.fromPathSegment("a%0Ab")).hasMessageContaining("U+000A");
        assertThatThrownBy(() -> UserIds.fromPathSegment("a%7F")).hasMessageContaining("U+007F");
        assertThatThrownBy(() -> UserIds.fromPathSegment("a%C2%85")).hasMessageContaining("U+0085");
    }

    @Test
    void shouldRefuseInvalidUtf8AndMalformedEscapes() {
        assertThatThrownBy(() -> UserIds.fromPathSegment("%C3%28"))
                .hasMessageContaining("not valid UTF-8");
        assertThatThrownBy(() -> UserIds.fromPathSegment("%FF")).hasMessageContaining("UTF-8");
        // an encoded surrogate half (CESU-style) is not UTF-8 either
        assertThatThrownBy(() -> UserIds.fromPathSegment("%ED%A0%80"))
                .hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> UserIds.fromPathSegment("a%zz"))
                .hasMessageContaining("malformed percent-escape");
        assertThatThrownBy(() -> UserIds.fromPathSegment("a%4"))
                .hasMessageContaining("malformed percent-escape");
        assertThatThrownBy(() -> UserIds.validate("a\uD800b")).hasMessageContaining("surrogate");
    }
}
