package io.segstream.app.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.segstream.app.rest.AccessControl.Level;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;

class AccessControlTest {

    static final String ADMIN = "admin-token-0123456789";
    static final String READ = "read-token-0123456789";

    @Test
    void shouldRefuseMutationsWhenNoAdminTokenIsConfigured() {
        AccessControl open = new AccessControl(null, null);
        assertThat(open.check(Level.READ, null)).isEmpty();
        assertThat(open.check(Level.ADMIN, "Bearer " + ADMIN))
                .hasValueSatisfying(
                        d -> {
                            assertThat(d.status()).isEqualTo(403);
                            assertThat(d.error()).contains("rest.admin.token");
                        });
    }

    @Test
    void shouldAskForTheAdminTokenOnMutations() {
        AccessControl access = new AccessControl(new Password(ADMIN), null);
        assertThat(access.check(Level.ADMIN, "Bearer " + ADMIN)).isEmpty();
        assertThat(access.check(Level.ADMIN, "bearer " + ADMIN)).isEmpty();
        assertThat(access.check(Level.ADMIN, null).orElseThrow().status()).isEqualTo(401);
        assertThat(access.check(Level.ADMIN, null).orElseThrow().error()).contains("missing");
        assertThat(access.check(Level.ADMIN, "Bearer " + ADMIN + "x").orElseThrow().error())
                .isEqualTo("invalid token");
        assertThat(access.check(Level.ADMIN, "Basic " + ADMIN).orElseThrow().status())
                .isEqualTo(401);
        assertThat(access.check(Level.ADMIN, ADMIN).orElseThrow().status()).isEqualTo(401);
        // reads stay open while no read token is configured
        assertThat(access.check(Level.READ, null)).isEmpty();
    }

    @Test
    void shouldLetTheReadOrTheAdminTokenReadButOnlyTheAdminTokenMutate() {
        AccessControl access = new AccessControl(new Password(ADMIN), new Password(READ));
        assertThat(access.check(Level.READ, "Bearer " + READ)).isEmpty();
        assertThat(access.check(Level.READ, "Bearer " + ADMIN)).isEmpty();
        assertThat(access.check(Level.READ, null).orElseThrow().status()).isEqualTo(401);
        assertThat(access.check(Level.READ, "Bearer nope").orElseThrow().status()).isEqualTo(401);
        assertThat(access.check(Level.ADMIN, "Bearer " + READ).orElseThrow().status())
                .isEqualTo(401);
        assertThat(access.check(Level.OPEN, null)).isEmpty();
    }

    @Test
    void shouldAskForTheReadTokenEvenWithoutAnAdminToken() {
        AccessControl access = new AccessControl(null, new Password(READ));
        assertThat(access.check(Level.READ, "Bearer " + READ)).isEmpty();
        assertThat(access.check(Level.READ, "Bearer " + ADMIN).orElseThrow().status())
                .isEqualTo(401);
        assertThat(access.check(Level.ADMIN, "Bearer " + READ).orElseThrow().status())
                .isEqualTo(403);
    }
}
