package io.lakebatch.udf;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Function;
import org.apache.spark.TaskContext;

/**
 * A test SPI: what a task does before scoring its partition, so a test can make tasks fail or run
 * slow, and what a driver does at the moments a test needs to line drivers up. Production code only
 * ever holds {@link #NONE}; an implementation exists only where a {@link Provider} is on the
 * classpath (LakeBatch's test jar registers one through {@code META-INF/services}, driven by the
 * Spark conf keys under {@link #PREFIX}). The driver resolves it once per run and ships it in the
 * task closure, so executors need the implementation's class but never look it up.
 */
public interface FaultInjection extends Serializable {
  /** Spark conf keys of the test hooks start with this. */
  String PREFIX = "spark.lakebatch.faults.";

  /** What an injected failure's message starts with (tests count failures by it). */
  String INJECTED = "injected fault";

  /** Does nothing: what production runs. */
  FaultInjection NONE = new None();

  /** Called at the start of a task's partition ({@code task} is null outside a Spark task). */
  void beforeTask(TaskContext task);

  /**
   * Called on the driver when it has judged run {@code runId} takeable and is about to swap it to
   * itself (the moment two racing drivers must meet in a fencing test).
   */
  default void beforeTake(String runId) {}

  /**
   * The hooks on the classpath that {@code conf} switches on, all of them in turn; {@link #NONE}
   * when none is.
   */
  static FaultInjection fromConf(Function<String, Optional<String>> conf) {
    List<FaultInjection> hooks = new ArrayList<>();
    for (Provider provider :
        ServiceLoader.load(Provider.class, FaultInjection.class.getClassLoader())) {
      provider.fromConf(conf).ifPresent(hooks::add);
    }
    return switch (hooks.size()) {
      case 0 -> NONE;
      case 1 -> hooks.get(0);
      default -> new All(List.copyOf(hooks));
    };
  }

  /**
   * Builds a hook from Spark conf keys under {@link #PREFIX}; registered in {@code
   * META-INF/services}.
   */
  interface Provider {
    /** The hook {@code conf} asks for; empty when it asks for none. */
    Optional<FaultInjection> fromConf(Function<String, Optional<String>> conf);
  }

  /** Several hooks, called in turn. */
  record All(List<FaultInjection> hooks) implements FaultInjection {
    @Override
    public void beforeTask(TaskContext task) {
      hooks.forEach(hook -> hook.beforeTask(task));
    }

    @Override
    public void beforeTake(String runId) {
      hooks.forEach(hook -> hook.beforeTake(runId));
    }
  }

  /** The no-op hook. */
  record None() implements FaultInjection {
    @Override
    public void beforeTask(TaskContext task) {}
  }
}
