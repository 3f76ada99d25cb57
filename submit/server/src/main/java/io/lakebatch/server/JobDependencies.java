package io.lakebatch.server;

import io.lakebatch.catalog.error.FieldError;
import io.lakebatch.catalog.jobs.JobState;
import io.lakebatch.catalog.jobs.JobStore;
import io.lakebatch.catalog.jobs.ServerJob;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A job's {@code depends-on}: what each reference names, whether a new job's references close a
 * cycle, and whether a waiting job's upstream lets it start. A reference spelled like a job id
 * ({@code job-} and 16 hex digits) names that job; any other names the job the same tenant
 * submitted with that {@code Idempotency-Key}, which may come later (so a DAG can be submitted in
 * any order). References never cross tenants.
 */
final class JobDependencies {
  private static final String ARROW = " \u2192 ";

  private final JobStore jobs;

  JobDependencies(JobStore jobs) {
    this.jobs = jobs;
  }

  /** Where a waiting job's upstream stands. */
  record Upstream(Verdict verdict, String detail) {
    static final Upstream READY = new Upstream(Verdict.READY, "");
  }

  enum Verdict {
    /** every upstream job SUCCEEDED (or there is none) */
    READY,
    /** an upstream job is queued or running, or its key was not submitted yet */
    WAIT,
    /** an upstream job ended otherwise: the job ends UPSTREAM_FAILED */
    FAILED
  }

  /** The stored job {@code reference} names for {@code tenant}, if any. */
  Optional<ServerJob> resolve(String tenant, String reference) {
    if (ServerJob.ID.matcher(reference).matches()) {
      return jobs.get(reference).filter(j -> j.tenant().equals(tenant));
    }
    return jobs.byIdempotencyKey(tenant, reference);
  }

  /**
   * Checks a submission's references: a job id must name a job of the tenant, and no chain of
   * references may lead back to the submission's own idempotency key.
   *
   * @throws ApiProblem 400 with the field {@code depends-on[i]} and, for a cycle, its path
   */
  void checkSubmission(String tenant, Optional<String> key, List<String> dependsOn) {
    List<FieldError> errors = new ArrayList<>();
    for (int i = 0; i < dependsOn.size(); i++) {
      String reference = dependsOn.get(i);
      String field = "depends-on[" + i + "]";
      if (ServerJob.ID.matcher(reference).matches() && resolve(tenant, reference).isEmpty()) {
        errors.add(
            new FieldError(
                field,
                "no job "
                    + reference
                    + " in tenant "
                    + tenant
                    + "; name a submitted job or the Idempotency-Key of one"));
      } else if (key.isPresent()) {
        Optional<List<String>> cycle = pathBack(tenant, reference, key.get(), new HashSet<>());
        if (cycle.isPresent()) {
          List<String> path = new ArrayList<>();
          path.add(key.get());
          path.addAll(cycle.get());
          errors.add(
              new FieldError(
                  field,
                  "closes a dependency cycle: "
                      + String.join(ARROW, path)
                      + "; a job cannot wait for itself"));
        }
      }
    }
    if (!errors.isEmpty()) {
      throw ApiProblem.badRequest(errors.get(0).field() + ": " + errors.get(0).message(), errors);
    }
  }

  /**
   * The references from {@code reference} through stored jobs' {@code depends-on} that end at
   * {@code target}, if any (depth first; each job visited once, so shared upstreams cost nothing).
   */
  private Optional<List<String>> pathBack(
      String tenant, String reference, String target, Set<String> visited) {
    if (reference.equals(target)) {
      return Optional.of(List.of(reference));
    }
    Optional<ServerJob> upstream = resolve(tenant, reference);
    if (upstream.isEmpty() || !visited.add(upstream.get().id())) {
      return Optional.empty();
    }
    if (upstream.get().idempotencyKey().filter(target::equals).isPresent()) {
      return Optional.of(List.of(reference));
    }
    for (String next : upstream.get().dependsOn()) {
      Optional<List<String>> rest = pathBack(tenant, next, target, visited);
      if (rest.isPresent()) {
        List<String> path = new ArrayList<>();
        path.add(reference);
        path.addAll(rest.get());
        return Optional.of(path);
      }
    }
    return Optional.empty();
  }

  /** Whether waiting {@code job} may start, must wait, or ends because an upstream job failed. */
  Upstream upstream(ServerJob job) {
    Upstream verdict = Upstream.READY;
    for (String reference : job.dependsOn()) {
      Optional<ServerJob> upstream = resolve(job.tenant(), reference);
      if (upstream.isEmpty()) {
        verdict = new Upstream(Verdict.WAIT, "waiting for '" + reference + "' to be submitted");
        continue;
      }
      ServerJob up = upstream.get();
      JobState state = up.state();
      if (state.ended() && state != JobState.SUCCEEDED) {
        String named = reference.equals(up.id()) ? up.id() : up.id() + " ('" + reference + "')";
        return new Upstream(
            Verdict.FAILED,
            "upstream job "
                + named
                + " ended "
                + state
                + up.message().map(m -> ": " + m).orElse("")
                + "; retry it, then retry this job");
      }
      if (state != JobState.SUCCEEDED && verdict.verdict() == Verdict.READY) {
        verdict = new Upstream(Verdict.WAIT, "waiting for upstream job " + up.id());
      }
    }
    return verdict;
  }
}
