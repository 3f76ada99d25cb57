package io.lakebatch.udf;

import java.io.Serializable;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Function;
import org.apache.spark.TaskContext;

/**
 * A test SPI: what a task does before scoring its partition, so a test can make tasks fail or run
 * slow. Production code only ever holds {@link #NONE}; an implementation exists only where a {@link
 * Provider} is on the classpath (LakeBatch's test jar registers one through {@code
 * META-INF/services}, driven by the Spark conf keys under {@link #PREFIX}). The driver resolves it
 * once per run and ships it in the task closure, so executors need the implementation's class but
 * never look it up.
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

  /** Finds a hook on the classpath that {@code conf} switches on; {@link #NONE} otherwise. */
  static FaultInjection fromConf(Function<String, Optional<String>> conf) {
    for (Provider provider :
        ServiceLoader.load(Provider.class, FaultInjection.class.getClassLoader())) {
      Optional<FaultInjection> hook = provider.fromConf(conf);
      if (hook.isPresent()) {
        return hook.get();
      }
    }
    return NONE;
  }

  /**
   * Builds a hook from Spark conf keys under {@link #PREFIX}; registered in {@code
   * META-INF/services}.
   */
  interface Provider {
    /** The hook {@code conf} asks for; empty when it asks for none. */
    Optional<FaultInjection> fromConf(Function<String, Optional<String>> conf);
  }

  /** The no-op hook. */
  record None() implements FaultInjection {
    @Override
    public void beforeTask(TaskContext task) {}
  }
}
