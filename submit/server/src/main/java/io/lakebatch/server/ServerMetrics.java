package io.lakebatch.server;

import io.lakebatch.api.RunEvent;
import io.lakebatch.api.RunListener;
import io.lakebatch.catalog.jobs.JobState;
import io.lakebatch.catalog.jobs.ServerJob;
import io.lakebatch.catalog.spec.JobPriority;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The server's Prometheus metrics: queue depth by priority and tenant, running jobs, leadership,
 * chunk commits and failures, rows scored, submit-to-start latency, and the JVM's own.
 */
final class ServerMetrics implements RunListener, AutoCloseable {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MultiGauge queueDepth;
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger leading = new AtomicInteger();
  private final Counter commits;
  private final Counter failures;
  private final Counter rows;
  private final Counter submitted;
  private final Counter preemptions;
  private final Timer submitToStart;
  private final JvmGcMetrics gc = new JvmGcMetrics();

  /** Follows the chunk arbiter's cores held and chunks waiting ({@code granularity: chunk}). */
  void chunkArbiter(ChunkArbiter arbiter) {
    Gauge.builder("lakebatch.chunks.waiting", arbiter, ChunkArbiter::chunksWaiting)
        .description("chunks of running shared jobs waiting for cores")
        .register(registry);
    Gauge.builder("lakebatch.chunk.cores.held", arbiter, ChunkArbiter::coresHeld)
        .description("cores held by running chunks (a chunk in its tail counts what it uses)")
        .register(registry);
  }

  ServerMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    gc.bindTo(registry);
    queueDepth =
        MultiGauge.builder("lakebatch.queue.depth")
            .description("jobs waiting, by priority and tenant")
            .register(registry);
    registry.gauge("lakebatch.jobs.running", running);
    Gauge.builder("lakebatch.server.leader", leading, AtomicInteger::get)
        .description("1 while this server holds the leader lease and starts jobs, 0 on standby")
        .register(registry);
    commits =
        Counter.builder("lakebatch.chunk.commits")
            .description("chunks committed")
            .register(registry);
    failures =
        Counter.builder("lakebatch.chunk.failures")
            .description("chunk attempts that failed")
            .register(registry);
    rows = Counter.builder("lakebatch.rows.out").description("rows written").register(registry);
    submitted =
        Counter.builder("lakebatch.jobs.submitted").description("jobs accepted").register(registry);
    preemptions =
        Counter.builder("lakebatch.jobs.preempted")
            .description("running jobs stopped at a chunk boundary for a higher class and requeued")
            .register(registry);
    submitToStart =
        Timer.builder("lakebatch.submit.to.start")
            .description("from a job's submission to its start")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(10))
            .maximumExpectedValue(Duration.ofHours(1))
            .register(registry);
    queued(List.of());
  }

  /** Whether this server leads. */
  void leading(boolean leads) {
    leading.set(leads ? 1 : 0);
  }

  /** Sets the queue-depth gauges from the waiting jobs. */
  void queued(List<ServerJob> queued) {
    Map<List<String>, Long> depth =
        queued.stream()
            .collect(
                Collectors.groupingBy(
                    j ->
                        List.of(
                            JobPriority.ofStored(j.priority()).priorityClass().spelling(),
                            j.tenant()),
                    Collectors.counting()));
    queueDepth.register(
        depth.entrySet().stream()
            .map(
                e ->
                    MultiGauge.Row.of(
                        Tags.of("priority", e.getKey().get(0), "tenant", e.getKey().get(1)),
                        e.getValue()))
            .collect(Collectors.toList()),
        true);
  }

  void submitted() {
    submitted.increment();
  }

  void started(Duration waited) {
    running.incrementAndGet();
    submitToStart.record(waited);
  }

  void ended(JobState state) {
    running.decrementAndGet();
    endedWithoutStarting(state);
  }

  /** A running job was stopped for a job of a higher class and queued again. */
  void preempted() {
    running.decrementAndGet();
    preemptions.increment();
  }

  /** A queued job ended without starting (its upstream failed). */
  void endedWithoutStarting(JobState state) {
    registry.counter("lakebatch.jobs.ended", "state", state.name()).increment();
  }

  @Override
  public void chunkCommitted(RunEvent.ChunkCommitted event) {
    commits.increment();
    rows.increment(event.rowsOut());
  }

  @Override
  public void chunkFailed(RunEvent.ChunkFailed event) {
    failures.increment();
  }

  /** The Prometheus text exposition. */
  String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
