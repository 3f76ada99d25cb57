package io.lakebatch.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebatch.catalog.error.LakeBatchException;
import io.lakebatch.catalog.spec.ExecutionMode;
import io.lakebatch.catalog.store.CatalogConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code server:} section of a {@code lakebatch.yaml}: defaults, and errors that name the key.
 */
@Timeout(30)
class ServerConfigTest {
  @TempDir Path folder;

  private ServerConfig load(String yaml) throws Exception {
    Path file = Files.writeString(folder.resolve("lakebatch.yaml"), yaml);
    return ServerConfig.load(file, CatalogConfig.embedded(folder.resolve("home")), folder);
  }

  @Test
  void theDefaultsRunSharedJobsOverPlainHttp() throws Exception {
    ServerConfig config = load("server: {cores: 3}\n");
    assertThat(config.executionMode()).isEqualTo(ExecutionMode.SHARED);
    assertThat(config.isolatedCores()).as("defaults to the shared capacity").isEqualTo(3);
    assertThat(config.master()).isEqualTo("local[3]");
    assertThat(config.tls()).isEmpty();
  }

  @Test
  void isolatedModeAndTlsAreReadWithTheKeystoreBesideTheFile() throws Exception {
    Files.writeString(folder.resolve("server.p12"), "not read until the server starts");
    ServerConfig config =
        load(
            """
            server:
              execution-mode: Isolated
              isolated-cores: 16
              spark-conf: {spark.executor.memory: 4g}
              tls: {keystore: server.p12, password: changeit}
            """);
    assertThat(config.executionMode()).isEqualTo(ExecutionMode.ISOLATED);
    assertThat(config.isolatedCores()).isEqualTo(16);
    assertThat(config.sparkConf()).containsEntry("spark.executor.memory", "4g");
    assertThat(config.tls())
        .hasValueSatisfying(
            tls -> {
              assertThat(tls.keystore()).isEqualTo(folder.resolve("server.p12").toAbsolutePath());
              assertThat(tls.password()).isEqualTo("changeit");
            });
  }

  @Test
  void preemptionIsOnByDefaultAndItsGraceIsADuration() throws Exception {
    assertThat(load("server: {cores: 2}\n").scheduling())
        .isEqualTo(ServerConfig.Scheduling.DEFAULTS);
    assertThat(ServerConfig.Scheduling.DEFAULTS.preemption()).isTrue();
    ServerConfig.Scheduling set =
        load("server: {scheduling: {preemption: false, preemption-grace: 90s}}\n").scheduling();
    assertThat(set.preemption()).isFalse();
    assertThat(set.policy()).isEqualTo(ServerConfig.Scheduling.Policy.FAIR_SHARE);
    assertThat(load("server: {scheduling: {policy: priority}}\n").scheduling().policy())
        .isEqualTo(ServerConfig.Scheduling.Policy.PRIORITY);
    assertThatThrownBy(() -> load("server: {scheduling: {policy: lottery}}\n"))
        .hasMessageContaining("server.scheduling.policy must be fair-share or priority");
    assertThat(set.preemptionGrace()).isEqualTo(java.time.Duration.ofSeconds(90));
    assertThatThrownBy(() -> load("server: {scheduling: {preemption-grace: soon}}\n"))
        .hasMessageContaining("server.scheduling.preemption-grace must be a duration");
    assertThatThrownBy(() -> load("server: {scheduling: {preemption: maybe}}\n"))
        .hasMessageContaining("server.scheduling.preemption must be true or false");
    assertThat(ServerConfig.Scheduling.DEFAULTS.granularity())
        .isEqualTo(ServerConfig.Scheduling.Granularity.CHUNK);
    assertThat(load("server: {scheduling: {granularity: job}}\n").scheduling().granularity())
        .isEqualTo(ServerConfig.Scheduling.Granularity.JOB);
    assertThatThrownBy(() -> load("server: {scheduling: {granularity: task}}\n"))
        .hasMessageContaining("server.scheduling.granularity must be chunk or job, got 'task'");
    assertThatThrownBy(() -> load("server: {scheduling: {aging: 1}}\n"))
        .hasMessageContaining("server.scheduling.aging is not a setting");
  }

  @Test
  void tenantsWeightsAndSharesReachTheScheduler() throws Exception {
    ServerConfig config =
        load(
            """
            server:
              tenants:
                analytics: {weight: 2, guaranteed-share: 0.25, max-share: 0.8}
                adhoc: {requests-per-minute: 60}
            """);
    var core = config.schedulerConfig();
    assertThat(core.shareOf("analytics").weight()).isEqualTo(2);
    assertThat(core.shareOf("analytics").guaranteed()).isEqualTo(0.25);
    assertThat(core.shareOf("analytics").maximum()).isEqualTo(0.8);
    assertThat(core.shareOf("adhoc").weight()).isEqualTo(1);
    assertThat(core.shareOf("unlisted").weight()).isEqualTo(1);
    assertThat(core.preemptionEnabled()).isTrue();
    assertThatThrownBy(
            () -> load("server: {tenants: {a: {guaranteed-share: 0.9, max-share: 0.5}}}\n"))
        .hasMessageContaining("guaranteed-share 0.9 is above its max-share 0.5");
  }

  @Test
  void badSettingsAreRefusedNamingTheKey() {
    assertThatThrownBy(() -> load("server: {execution-mode: docker}\n"))
        .isInstanceOf(LakeBatchException.class)
        .hasMessageContaining("server.execution-mode must be shared or isolated, got 'docker'");
    assertThatThrownBy(() -> load("server: {tls: {keystore: missing.p12, password: x}}\n"))
        .isInstanceOf(LakeBatchException.class)
        .hasMessageContaining("server.tls.keystore")
        .hasMessageContaining("missing.p12");
    assertThatThrownBy(() -> load("server: {tls: {keystore: a.p12}}\n"))
        .isInstanceOf(LakeBatchException.class)
        .hasMessageContaining("server.tls needs keystore");
    assertThatThrownBy(() -> load("server: {threads: 4}\n"))
        .isInstanceOf(LakeBatchException.class)
        .hasMessageContaining("server.threads is not a setting");
  }

  @Test
  void withTlsKeepsEverythingElse() {
    ServerConfig plain = ServerConfig.defaults(CatalogConfig.embedded(folder), folder).withPort(0);
    ServerConfig secure = plain.withTls(new ServerConfig.Tls(folder.resolve("k.p12"), "pw"));
    assertThat(secure.port()).isZero();
    assertThat(secure.tls()).isPresent();
    assertThat(secure.cores()).isEqualTo(plain.cores());
    assertThat(secure.executionMode()).isEqualTo(plain.executionMode());
  }
}
