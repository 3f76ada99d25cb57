package io.lakebatch.submit.remote;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;

/** How the CLI prints a server's jobs. */
public final class RemoteJobs {
  private RemoteJobs() {}

  /** One job: id, state, progress. */
  public static void print(JsonNode job, PrintStream out) {
    out.println(
        "job "
            + job.path("id").asText()
            + " ("
            + job.path("name").asText()
            + ", tenant "
            + job.path("tenant").asText()
            + ", "
            + job.path("priority").asText()
            + ") "
            + job.path("state").asText()
            + (job.path("cancelRequested").asBoolean() ? " (cancel requested)" : ""));
    JsonNode p = job.path("progress");
    if (!p.isMissingNode()) {
      out.printf(
          "  run %s: %,d/%,d rows, %d/%d chunks (%d failed), %,d rows/s%s%n",
          job.path("runId").asText(),
          p.path("rowsDone").asLong(),
          p.path("rowsTotal").asLong(),
          p.path("chunksDone").asInt(),
          p.path("chunksTotal").asInt(),
          p.path("chunksFailed").asInt(),
          p.path("rowsPerSecond").asLong(),
          p.path("etaSeconds").isNumber() ? ", ETA " + p.path("etaSeconds").asLong() + " s" : "");
    }
    if (job.hasNonNull("waitingFor")) {
      out.println("  " + job.path("waitingFor").asText());
    }
    if (job.hasNonNull("message")) {
      out.println("  " + job.path("message").asText());
    }
    out.flush();
  }

  /** A page of jobs, one line each. */
  public static void printList(JsonNode page, PrintStream out) {
    JsonNode jobs = page.path("jobs");
    if (jobs.isEmpty()) {
      out.println("no jobs");
    }
    out.printf(
        "%-21s %-24s %-15s %-8s %-12s %s%n",
        "JOB", "NAME", "STATE", "PRIORITY", "TENANT", "SUBMITTED");
    for (JsonNode job : jobs) {
      out.printf(
          "%-21s %-24s %-15s %-8s %-12s %s%n",
          job.path("id").asText(),
          job.path("name").asText(),
          job.path("state").asText(),
          job.path("priority").asText(),
          job.path("tenant").asText(),
          job.path("submittedAt").asText());
    }
    out.flush();
  }
}
