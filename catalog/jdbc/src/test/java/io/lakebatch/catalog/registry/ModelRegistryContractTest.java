package io.lakebatch.catalog.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lakebatch.catalog.error.ErrorCategory;
import io.lakebatch.catalog.error.LakeBatchException;
import io.lakebatch.catalog.model.ElementType;
import io.lakebatch.catalog.model.ModelSignature;
import io.lakebatch.catalog.model.ValueKind;
import io.lakebatch.catalog.model.ValueSignature;
import io.lakebatch.catalog.store.CatalogConfig;
import io.lakebatch.catalog.store.CatalogDatabase;
import io.lakebatch.catalog.store.MutableClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every catalog database must give {@link ModelRegistry}: run by {@link
 * H2ModelRegistryTest} and {@link PostgresModelRegistryTest}.
 */
abstract class ModelRegistryContractTest {

  static final Instant T0 = Instant.parse("2026-02-01T12:00:00Z");

  /** A database no other test uses: a fresh one per call. */
  protected abstract CatalogConfig config();

  protected MutableClock clock;
  protected ModelRegistry registry;

  @BeforeEach
  void openRegistry() {
    clock = new MutableClock(T0);
    registry = new JdbcModelRegistry(CatalogDatabase.open(config()), clock);
  }

  static String sha(char c) {
    return String.valueOf(c).repeat(64);
  }

  static ModelSignature tensorSignature() {
    return new ModelSignature(
        List.of(ValueSignature.tensor("features", ElementType.FLOAT, List.of(-1L, 64L))),
        List.of(ValueSignature.tensor("score", ElementType.FLOAT, List.of(-1L, 1L))));
  }

  /** Dynamic dims, several element types, and a ZipMap output: seq(map(int64, float)). */
  static ModelSignature classifierSignature() {
    return new ModelSignature(
        List.of(
            ValueSignature.tensor("features", ElementType.FLOAT, List.of(-1L, 32L)),
            ValueSignature.tensor("ids", ElementType.INT64, List.of(-1L)),
            ValueSignature.tensor("words", ElementType.STRING, List.of(-1L, -1L)),
            ValueSignature.tensor("flags", ElementType.BOOL, List.of(-1L, 3L, 2L)),
            ValueSignature.tensor("scalar", ElementType.DOUBLE, List.of())),
        List.of(
            ValueSignature.tensor("label", ElementType.INT64, List.of(-1L)),
            new ValueSignature(
                "probabilities",
                ValueKind.SEQUENCE_OF_MAPS,
                ElementType.FLOAT,
                List.of(),
                ElementType.INT64),
            new ValueSignature(
                "opaque", ValueKind.OTHER, ElementType.OTHER, List.of(), ElementType.OTHER)));
  }

  ModelVersion register(String name, char shaChar) {
    return registry.register(
        name,
        "file:/models/" + name + "-" + shaChar + ".onnx",
        sha(shaChar),
        tensorSignature(),
        Optional.empty(),
        "tester");
  }

  static LakeBatchException userError(Runnable action) {
    LakeBatchException e = catchThrowableOfType(LakeBatchException.class, action::run);
    assertThat(e).as("expected a LakeBatchException").isNotNull();
    assertThat(e.category()).as(e.getMessage()).isEqualTo(ErrorCategory.USER);
    return e;
  }

  @Test
  void versionsCountFromOnePerNameIndependently() {
    assertThat(register("eta", 'a').version()).isEqualTo(1);
    assertThat(register("eta", 'b').version()).isEqualTo(2);
    assertThat(register("fraud", 'c').version()).isEqualTo(1);
    assertThat(register("eta", 'd').version()).isEqualTo(3);
    assertThat(register("fraud", 'e').version()).isEqualTo(2);
    assertThat(register("churn", 'f').version()).isEqualTo(1);

    assertThat(registry.versions("eta")).extracting(ModelVersion::version).containsExactly(1, 2, 3);
    assertThat(registry.versions("eta"))
        .extracting(ModelVersion::sha256)
        .containsExactly(sha('a'), sha('b'), sha('d'));
    assertThat(registry.versions("fraud"))
        .extracting(ModelVersion::label)
        .containsExactly("fraud@1", "fraud@2");
    assertThat(registry.versions("nope")).isEmpty();
    assertThat(registry.names()).containsExactly("churn", "eta", "fraud");
    assertThat(registry.latestVersions())
        .extracting(ModelVersion::label)
        .containsExactly("churn@1", "eta@3", "fraud@2");
  }

  @Test
  void resolvesAFixedVersionAndLatest() {
    register("eta", 'a');
    clock.advanceSeconds(60);
    ModelVersion two =
        registry.register(
            "eta",
            "s3://models/eta-2.onnx",
            sha('b'),
            classifierSignature(),
            Optional.of("retrained on March data"),
            "alice");
    clock.advanceSeconds(60);
    ModelVersion three = register("eta", 'c');

    ModelVersion resolved = registry.resolve(ModelRef.parse("eta@2", "model.ref"));
    assertThat(resolved).isEqualTo(two);
    assertThat(resolved.name()).isEqualTo("eta");
    assertThat(resolved.version()).isEqualTo(2);
    assertThat(resolved.uri()).isEqualTo("s3://models/eta-2.onnx");
    assertThat(resolved.sha256()).isEqualTo(sha('b'));
    assertThat(resolved.description()).contains("retrained on March data");
    assertThat(resolved.registeredBy()).isEqualTo("alice");
    assertThat(resolved.registeredAt()).isEqualTo(T0.plusSeconds(60));
    assertThat(resolved.label()).isEqualTo("eta@2");

    assertThat(registry.resolve(ModelRef.parse("eta@latest", "model.ref"))).isEqualTo(three);
    assertThat(registry.resolve(ModelRef.parse("eta@1", "model.ref")).description()).isEmpty();
  }

  @Test
  void unknownNameIsAUserErrorThatSuggestsRegistering() {
    LakeBatchException empty =
        userError(() -> registry.resolve(ModelRef.parse("eta@latest", "model.ref")));
    assertThat(empty.getMessage())
        .contains("'eta'")
        .contains("lakebatch models register eta")
        .contains("empty");

    register("fraud", 'a');
    register("churn", 'b');
    LakeBatchException e = userError(() -> registry.resolve(ModelRef.parse("eta@1", "model.ref")));
    assertThat(e.getMessage())
        .contains("'eta'")
        .contains("lakebatch models register eta")
        .contains("churn, fraud");
    assertThat(e.category().exitCode()).isEqualTo(2);
  }

  @Test
  void unknownVersionIsAUserErrorNamingTheRange() {
    register("eta", 'a');
    register("eta", 'b');
    register("eta", 'c');
    LakeBatchException e = userError(() -> registry.resolve(ModelRef.parse("eta@7", "model.ref")));
    assertThat(e.getMessage()).contains("eta@7").contains("1..3").contains("eta@latest");
  }

  @Test
  void signatureRoundTripsExactly() {
    ModelSignature signature = classifierSignature();
    registry.register("clf", "file:/m/clf.onnx", sha('9'), signature, Optional.of("zipmap"), "bob");

    ModelSignature stored = registry.resolve(ModelRef.parse("clf@1", "model.ref")).signature();
    assertThat(stored).isEqualTo(signature);
    assertThat(stored.inputNames()).containsExactly("features", "ids", "words", "flags", "scalar");
    assertThat(stored.outputNames()).containsExactly("label", "probabilities", "opaque");
    ValueSignature zipMap = stored.outputs().get(1);
    assertThat(zipMap.kind()).isEqualTo(ValueKind.SEQUENCE_OF_MAPS);
    assertThat(zipMap.mapKey()).isEqualTo(ElementType.INT64);
    assertThat(zipMap.element()).isEqualTo(ElementType.FLOAT);
    assertThat(zipMap.dims()).isEmpty();
    assertThat(stored.input("features").orElseThrow().dims()).containsExactly(-1L, 32L);
    assertThat(stored.input("words").orElseThrow().dims()).containsExactly(-1L, -1L);
    assertThat(stored.input("scalar").orElseThrow().dims()).isEmpty();
    assertThat(stored.inputs().get(0).mapKey()).isEqualTo(ElementType.OTHER);

    // and through every read path
    assertThat(registry.findBySha256(sha('9')).orElseThrow().signature()).isEqualTo(signature);
    assertThat(registry.versions("clf").get(0).signature()).isEqualTo(signature);
    assertThat(registry.latestVersions().get(0).signature()).isEqualTo(signature);
  }

  @Test
  void emptySignatureAndLargeDimsRoundTrip() {
    ModelSignature empty = new ModelSignature(List.of(), List.of());
    registry.register("empty", "file:/e.onnx", sha('0'), empty, Optional.empty(), "x");
    assertThat(registry.resolve(ModelRef.parse("empty@1", "f")).signature()).isEqualTo(empty);

    ModelSignature big =
        new ModelSignature(
            List.of(ValueSignature.tensor("x", ElementType.INT8, List.of(-1L, 4_000_000_000L))),
            List.of(ValueSignature.tensor("y", ElementType.INT16, List.of(1L))));
    registry.register("big", "file:/b.onnx", sha('1'), big, Optional.empty(), "x");
    assertThat(registry.resolve(ModelRef.parse("big@latest", "f")).signature()).isEqualTo(big);
  }

  @Test
  void findsTheNewestVersionBySha256() {
    register("eta", 'a');
    clock.advanceSeconds(1);
    register("eta", 'b');
    clock.advanceSeconds(1);
    ModelVersion sameFileNewName = register("eta-copy", 'a');
    clock.advanceSeconds(1);
    register("eta", 'c');

    assertThat(registry.findBySha256(sha('a'))).contains(sameFileNewName);
    assertThat(registry.findBySha256(sha('b')).map(ModelVersion::label)).contains("eta@2");
    assertThat(registry.findBySha256(sha('c')).map(ModelVersion::label)).contains("eta@3");
    assertThat(registry.findBySha256(sha('f'))).isEmpty();
  }

  @Test
  void registeredVersionKeepsWhatWasGiven() {
    clock.advanceSeconds(42);
    ModelVersion v =
        registry.register(
            "eta", "file:/m/eta.onnx", sha('e'), tensorSignature(), Optional.of("first"), "carol");
    assertThat(v)
        .isEqualTo(
            new ModelVersion(
                "eta",
                1,
                "file:/m/eta.onnx",
                sha('e'),
                tensorSignature(),
                Optional.of("first"),
                "carol",
                T0.plusSeconds(42)));
    assertThat(registry.resolve(ModelRef.parse("eta@1", "f"))).isEqualTo(v);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"Eta", "", "-eta", ".eta", "_eta", "eta model", "eta@1", "eta/1", "ÉTA", "eta\n"})
  void invalidNamesAreRejected(String name) {
    LakeBatchException e =
        userError(
            () ->
                registry.register(
                    name, "file:/m.onnx", sha('a'), tensorSignature(), Optional.empty(), "x"));
    assertThat(e.getMessage()).contains("'" + name + "'").contains(ModelRef.NAME.pattern());
    assertThat(registry.names()).isEmpty();
  }

  @Test
  void validNamesAreAccepted() {
    for (String name : List.of("eta", "9lives", "eta-v2", "eta_v2", "eta.v2", "a")) {
      assertThat(register(name, 'a').version()).as(name).isEqualTo(1);
    }
    assertThat(registry.names()).hasSize(6);
  }

  @Test
  @Timeout(60)
  void concurrentRegistrationsOfOneNameGetDistinctVersions() throws Exception {
    int threads = 6;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Integer> versions = new ArrayList<>();
    try {
      List<Future<ModelVersion>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        char shaChar = (char) ('a' + t);
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return registry.register(
                      "eta",
                      "file:/m/eta-" + shaChar + ".onnx",
                      sha(shaChar),
                      tensorSignature(),
                      Optional.empty(),
                      "thread-" + shaChar);
                }));
      }
      start.countDown();
      for (Future<ModelVersion> result : results) {
        versions.add(result.get(50, TimeUnit.SECONDS).version());
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(versions).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6);
    List<ModelVersion> stored = registry.versions("eta");
    assertThat(stored).extracting(ModelVersion::version).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(stored).extracting(ModelVersion::sha256).doesNotHaveDuplicates();
    // each registration got the version it was told about
    for (ModelVersion v : stored) {
      char shaChar = v.sha256().charAt(0);
      assertThat(v.registeredBy()).isEqualTo("thread-" + shaChar);
      assertThat(v.uri()).isEqualTo("file:/m/eta-" + shaChar + ".onnx");
    }
  }
}
