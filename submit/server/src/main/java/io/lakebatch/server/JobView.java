package io.lakebatch.server;

import io.lakebatch.catalog.jobs.ServerJob;
import io.lakebatch.catalog.store.RunProgress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A job as the API shows it: the queue's record and, once it has a run, that run's progress. */
final class JobView {
  private JobView() {}

  static Map<String, Object> of(ServerJob job, Optional<RunProgress> progress) {
    return of(job, progress, Optional.empty());
  }

  /**
   * @param waitingFor for a queued job with {@code depends-on}, the upstream job it waits for
   */
  static Map<String, Object> of(
      ServerJob job, Optional<RunProgress> progress, Optional<String> waitingFor) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", job.id());
    view.put("name", job.name());
    view.put("tenant", job.tenant());
    view.put("state", job.state().name());
    view.put("priority", job.priority());
    view.put("cores", job.cores());
    view.put("executionMode", job.executionMode().spelling());
    view.put("idempotencyKey", job.idempotencyKey().orElse(null));
    view.put("dependsOn", job.dependsOn());
    waitingFor.ifPresent(w -> view.put("waitingFor", w));
    view.put("runId", job.runId().orElse(null));
    view.put("attempts", job.attempts());
    view.put("preemptions", job.preemptions());
    view.put("cancelRequested", job.cancelRequested());
    view.put("message", job.message().orElse(null));
    view.put("submittedAt", job.submittedAt().toString());
    view.put("startedAt", job.startedAt().map(Object::toString).orElse(null));
    view.put("endedAt", job.endedAt().map(Object::toString).orElse(null));
    progress.ifPresent(p -> view.put("progress", progress(p)));
    return view;
  }

  private static Map<String, Object> progress(RunProgress p) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("runState", p.state().name());
    view.put("rowsDone", p.rowsDone());
    view.put("rowsTotal", p.rowsTotal());
    view.put("chunksDone", p.chunksDone());
    view.put("chunksFailed", p.chunksFailed());
    view.put("chunksTotal", p.chunksTotal());
    view.put("rowsPerSecond", Math.round(p.rowsPerSecond()));
    view.put("etaSeconds", p.eta().map(d -> d.toSeconds()).orElse(null));
    return view;
  }
}
