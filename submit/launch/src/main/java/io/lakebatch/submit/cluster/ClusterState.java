package io.lakebatch.submit.cluster;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lakebatch.catalog.error.LakeBatchErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code cluster.json}: what a started cluster is made of, so that another process can find it.
 *
 * @param masterUrl {@code spark://127.0.0.1:PORT}
 * @param masterWebUiPort the master's web UI (and its {@code /json/} status)
 * @param workerCores cores per worker
 * @param workerMemory memory per worker, like {@code 1g}
 * @param master the master process
 * @param workers the worker processes, in start order (index = worker number)
 */
record ClusterState(
    String masterUrl,
    int masterWebUiPort,
    int workerCores,
    String workerMemory,
    DaemonRecord master,
    List<DaemonRecord> workers) {
  static final String FILE_NAME = "cluster.json";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  ClusterState {
    requireNonNull(masterUrl, "masterUrl is null");
    requireNonNull(workerMemory, "workerMemory is null");
    requireNonNull(master, "master is null");
    workers = List.copyOf(workers);
  }

  /**
   * One started JVM. The pid together with its start time identifies it, so that a reused pid is
   * never taken for it.
   *
   * @param role {@code master} or {@code worker-N}
   * @param pid process id
   * @param startedAtMillis the process's start time (epoch millis, as the OS reports it)
   * @param port its RPC port
   * @param webUiPort its web UI port
   * @param log where its standard output and error go
   */
  record DaemonRecord(
      String role, long pid, long startedAtMillis, int port, int webUiPort, String log) {
    DaemonRecord {
      requireNonNull(role, "role is null");
      requireNonNull(log, "log is null");
    }
  }

  ClusterState withWorker(DaemonRecord worker) {
    List<DaemonRecord> all = new ArrayList<>(workers);
    all.add(worker);
    return new ClusterState(masterUrl, masterWebUiPort, workerCores, workerMemory, master, all);
  }

  /** Writes {@code dir/cluster.json} atomically (a reader never sees half a file). */
  void write(Path dir) {
    Path file = dir.resolve(FILE_NAME);
    Path temporary = dir.resolve(FILE_NAME + ".tmp");
    try {
      JSON.writeValue(temporary.toFile(), this);
      Files.move(
          temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw LakeBatchErrors.clusterIo("cannot write " + file, e);
    }
  }

  static java.util.Optional<ClusterState> read(Path dir) {
    Path file = dir.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(JSON.readValue(file.toFile(), ClusterState.class));
    } catch (IOException e) {
      throw LakeBatchErrors.clusterStateUnreadable(file, e);
    }
  }

  static void delete(Path dir) {
    try {
      Files.deleteIfExists(dir.resolve(FILE_NAME));
    } catch (IOException e) {
      throw LakeBatchErrors.clusterIo("cannot delete " + dir.resolve(FILE_NAME), e);
    }
  }
}
