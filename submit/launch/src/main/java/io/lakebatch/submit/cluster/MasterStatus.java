package io.lakebatch.submit.cluster;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the master's web UI reports at {@code /json/}.
 *
 * @param status the master's own state: {@code ALIVE} once elected leader
 * @param aliveWorkers workers the master counts as alive
 * @param workers every worker the master knows of, alive or not
 */
public record MasterStatus(String status, int aliveWorkers, List<WorkerStatus> workers) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public MasterStatus {
    requireNonNull(status, "status is null");
    workers = List.copyOf(workers);
  }

  /**
   * One worker as the master sees it.
   *
   * @param port the worker's RPC port (what tells the workers of one cluster apart)
   * @param state {@code ALIVE}, {@code DEAD}, {@code DECOMMISSIONED} or {@code UNKNOWN}
   */
  public record WorkerStatus(String id, int port, String state, int cores, int coresUsed) {
    public WorkerStatus {
      requireNonNull(id, "id is null");
      requireNonNull(state, "state is null");
    }

    public boolean isAlive() {
      return state.equals("ALIVE");
    }
  }

  static MasterStatus parse(String json) throws IOException {
    JsonNode root = JSON.readTree(json);
    List<WorkerStatus> workers = new ArrayList<>();
    for (JsonNode worker : root.path("workers")) {
      workers.add(
          new WorkerStatus(
              worker.path("id").asText(),
              worker.path("port").asInt(),
              worker.path("state").asText("UNKNOWN"),
              worker.path("cores").asInt(),
              worker.path("coresused").asInt()));
    }
    return new MasterStatus(
        root.path("status").asText("UNKNOWN"), root.path("aliveworkers").asInt(), workers);
  }
}
