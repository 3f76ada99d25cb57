package io.lakebatch.catalog.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebatch.catalog.jobs.ApiToken;
import io.lakebatch.catalog.jobs.TokenStore;
import io.lakebatch.catalog.jobs.TokenStore.CreatedToken;
import io.lakebatch.catalog.spec.RunIdentity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every catalog database must give {@link TokenStore}: run by {@link
 * H2TokenStoreTest} against the embedded default and by {@link PostgresTokenStoreTest} against a
 * real PostgreSQL.
 */
@Timeout(60)
abstract class TokenStoreContractTest {

  static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");

  /** A database no other test uses: a fresh one per call. */
  protected abstract CatalogConfig config();

  protected MutableClock clock;
  protected CatalogDatabase database;
  protected TokenStore store;

  @BeforeEach
  void openStore() {
    clock = new MutableClock(T0);
    database = CatalogDatabase.open(config());
    store = new JdbcTokenStore(database, clock);
  }

  @AfterEach
  void closeStore() {
    database.close();
  }

  /** Every text column of every stored token, as the table holds them. */
  List<String> storedText() {
    return database.inTransaction(
        c -> {
          try (var query = c.prepareStatement("SELECT id, tenant, token_sha256 FROM api_tokens");
              var rs = query.executeQuery()) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
              for (int column = 1; column <= 3; column++) {
                values.add(rs.getString(column));
              }
            }
            return values;
          }
        });
  }

  @Test
  void createMakesATokenWhoseSecretIsShownOnceAndStoredHashed() {
    CreatedToken created = store.create("acme", false);

    assertThat(created.secret()).matches("lbt_[A-Za-z0-9_-]{43}");
    ApiToken token = created.token();
    assertThat(token.id()).matches("tok-[0-9a-f]{8}");
    assertThat(token.tenant()).isEqualTo("acme");
    assertThat(token.admin()).isFalse();
    assertThat(token.createdAt()).isEqualTo(T0);
    assertThat(token.revokedAt()).isEmpty();
    assertThat(storedText())
        .containsExactly(token.id(), "acme", RunIdentity.sha256(created.secret()))
        .noneMatch(value -> value.contains(created.secret().substring(4)));
  }

  @Test
  void authenticateFindsTheLiveTokenOfASecret() {
    CreatedToken alice = store.create("acme", false);
    CreatedToken bob = store.create("globex", true);

    assertThat(store.authenticate(alice.secret())).contains(alice.token());
    assertThat(store.authenticate(bob.secret())).contains(bob.token());
    assertThat(store.authenticate(alice.secret() + "x")).isEmpty();
    assertThat(store.authenticate("lbt_" + "A".repeat(43))).isEmpty();
    assertThat(store.authenticate("")).isEmpty();
    assertThat(store.authenticate(RunIdentity.sha256(alice.secret())))
        .as("the stored hash is no secret")
        .isEmpty();
  }

  @Test
  void revokedTokensNoLongerAuthenticateAndStayListed() {
    CreatedToken token = store.create("acme", false);
    CreatedToken other = store.create("acme", false);
    Instant revokedAt = clock.advanceSeconds(60);

    assertThat(store.revoke(token.token().id())).isTrue();

    assertThat(store.authenticate(token.secret())).isEmpty();
    assertThat(store.authenticate(other.secret())).contains(other.token());
    assertThat(store.revoke(token.token().id())).as("already revoked").isFalse();
    assertThat(store.revoke("tok-00000000")).as("unknown").isFalse();
    assertThat(store.list())
        .containsExactly(
            new ApiToken(token.token().id(), "acme", false, T0, Optional.of(revokedAt)),
            other.token());
  }

  @Test
  void listIsOldestFirst() {
    List<ApiToken> created = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      created.add(store.create("tenant-" + i, i % 2 == 0).token());
    }

    assertThat(store.list()).isEqualTo(created);
  }

  @Test
  void hasAdminSeesOnlyLiveAdminTokens() {
    assertThat(store.hasAdmin()).isFalse();
    store.create("acme", false);
    assertThat(store.hasAdmin()).isFalse();

    CreatedToken first = store.create("ops", true);
    CreatedToken second = store.create("ops", true);
    assertThat(first.token().admin()).isTrue();
    assertThat(store.hasAdmin()).isTrue();

    store.revoke(first.token().id());
    assertThat(store.hasAdmin()).isTrue();
    store.revoke(second.token().id());
    assertThat(store.hasAdmin()).isFalse();
  }

  @Test
  void everyTokenHasItsOwnIdAndSecret() {
    Set<String> ids = new HashSet<>();
    Set<String> secrets = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      CreatedToken token = store.create("acme", false);
      ids.add(token.token().id());
      secrets.add(token.secret());
    }

    assertThat(ids).hasSize(50);
    assertThat(secrets).hasSize(50);
    assertThat(store.list()).hasSize(50);
  }
}
