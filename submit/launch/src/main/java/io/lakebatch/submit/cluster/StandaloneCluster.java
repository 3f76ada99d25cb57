package io.lakebatch.submit.cluster;

import io.lakebatch.catalog.error.LakeBatchErrors;
import io.lakebatch.catalog.error.LakeBatchException;
import io.lakebatch.catalog.spec.ResourceSpec;
import io.lakebatch.jobs.RuntimeJar;
import io.lakebatch.jobs.SparkSessionFactory;
import io.lakebatch.submit.cluster.ClusterState.DaemonRecord;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on 127.0.0.1 (workers optionally on 127.0.0.2, 127.0.0.3, …; see
 * {@link ClusterOptions#withDistinctWorkerHosts()}): one master and N workers, each a JVM started
 * from the Maven jars LakeBatch runs with (no Spark distribution), detached from the starting JVM.
 *
 * <p>Everything lives in a state folder {@code DIR}:
 *
 * <ul>
 *   <li>{@code spark-home/jars/*.jar}: symlinks to the jars of a plain Spark distribution ({@link
 *       SparkDistribution}) when this installation lists them, otherwise to the jars of the
 *       classpath. Workers launch executors with {@code -cp $SPARK_HOME/jars/*}; LakeBatch reaches
 *       them as the runtime jar in the driver's {@code spark.jars} ({@link #driverConf()}).
 *   <li>{@code spark-home/conf/log4j2.properties}: logging of the daemons and executors.
 *   <li>{@code master.log}, {@code worker-N.log}: their standard output and error; {@code
 *       work/worker-N/<app>/<executor>/stderr}: each executor's.
 *   <li>{@code cluster.json}: pids (with start times), ports and the master URL, read by {@link
 *       #attach(Path)} and {@link #stop(Path)} in another process.
 *   <li>{@code tmp/}: {@code java.io.tmpdir} of the daemons, and of executors through {@link
 *       #driverConf()}.
 * </ul>
 *
 * <p>A driver (a {@code lakebatch run --master}, a test, a notebook) must run on this machine and
 * set the entries of {@link #driverConf()}: the master URL, the driver's address (127.0.0.1),
 * executor cores and memory that fit one worker (otherwise the application waits for resources
 * forever), and {@code spark.executor.extraJavaOptions} with Spark's Java 17 module flags (Spark
 * 3.5's {@code SparkContext} also adds them itself) and a {@code java.io.tmpdir} under {@code DIR}.
 */
public final class StandaloneCluster implements AutoCloseable {
  static final String MASTER_CLASS = "org.apache.spark.deploy.master.Master";
  static final String WORKER_CLASS = "org.apache.spark.deploy.worker.Worker";
  static final String EXECUTOR_CLASS = "org.apache.spark.executor.CoarseGrainedExecutorBackend";
  private static final String LOOPBACK = "127.0.0.1";
  private static final String LEADER_LINE = "I have been elected leader";
  private static final String DAEMON_HEAP = "-Xmx512m";

  /**
   * The master and workers do little work: C1 only and one GC thread make them start faster on few
   * cores.
   */
  private static final List<String> DAEMON_STARTUP_FLAGS =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  private static final Duration KILL_WAIT = Duration.ofSeconds(10);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(200);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Path dir;
  private final Object lock = new Object();
  private volatile ClusterState state;
  private Optional<ProcessHandle> master = Optional.empty();
  private final List<Optional<ProcessHandle>> workers = new ArrayList<>();
  private Thread shutdownHook;
  private boolean stopped;

  private StandaloneCluster(Path dir) {
    this.dir = dir;
  }

  /**
   * Starts a master, waits until it is elected leader, starts {@code options.workers()} workers and
   * waits until the master counts them all alive. On failure, whatever was started is killed.
   *
   * @throws LakeBatchException (usage) if a cluster is already running in {@code dir}
   */
  public static StandaloneCluster start(Path dir, ClusterOptions options) {
    Path folder = dir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw LakeBatchErrors.clusterIo("cannot create the cluster folder " + folder, e);
    }
    try (FileChannel lockFile =
            FileChannel.open(
                folder.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held = lockFile.tryLock()) {
      if (held == null) {
        throw LakeBatchErrors.clusterStartInProgress(folder);
      }
      Optional<StandaloneCluster> running = attach(folder);
      if (running.isPresent()) {
        throw LakeBatchErrors.clusterAlreadyRunning(
            folder, running.get().masterUrl(), running.get().liveProcesses());
      }
      stop(
          folder); // a stale state (its processes are gone): sweep executors that outlived it, drop
      // it
      List<Path> entries =
          options
              .classpath()
              .orElseGet(() -> SparkDistribution.jars().orElseGet(ClusterClasspath::ofThisJvm));
      Path sparkHome = SparkHomeFolder.prepare(folder, ClusterClasspath.jars(entries), entries);
      StandaloneCluster cluster = new StandaloneCluster(folder);
      try {
        cluster.launch(sparkHome, options);
      } catch (RuntimeException | Error e) {
        cluster.stop();
        throw e;
      }
      if (options.lifetime() == ClusterOptions.Lifetime.THIS_JVM) {
        cluster.stopOnJvmExit();
      }
      return cluster;
    } catch (IOException e) {
      throw LakeBatchErrors.clusterIo("cannot lock " + folder.resolve(".lock"), e);
    }
  }

  /**
   * The cluster recorded in {@code dir/cluster.json}, if at least one of its processes is still
   * alive (found by pid and start time). Workers already gone are absent from {@link #workers()}.
   */
  public static Optional<StandaloneCluster> attach(Path dir) {
    Path folder = dir.toAbsolutePath().normalize();
    return ClusterState.read(folder)
        .map(
            recorded -> {
              StandaloneCluster cluster = new StandaloneCluster(folder);
              cluster.state = recorded;
              cluster.master = find(recorded.master(), MASTER_CLASS);
              recorded.workers().forEach(worker -> cluster.workers.add(find(worker, WORKER_CLASS)));
              return cluster;
            })
        .filter(cluster -> cluster.liveProcesses() > 0);
  }

  /**
   * Stops the cluster recorded in {@code dir} (started by any process): kills its master, workers
   * and their executors, and removes {@code cluster.json}. Does nothing if there is none.
   */
  public static void stop(Path dir) {
    Path folder = dir.toAbsolutePath().normalize();
    Optional<StandaloneCluster> running = attach(folder);
    if (running.isPresent()) {
      running.get().stop();
    } else {
      // every recorded process is gone; executors that outlived their worker are still swept
      ClusterState.read(folder)
          .ifPresent(
              recorded -> {
                StandaloneCluster stale = new StandaloneCluster(folder);
                stale.state = recorded;
                recorded.workers().forEach(worker -> stale.workers.add(Optional.empty()));
                stale.stop();
              });
    }
  }

  /** {@code spark://127.0.0.1:PORT}: the {@code --master} of drivers. */
  public String masterUrl() {
    return state.masterUrl();
  }

  /** The master's web UI; its status as JSON is at {@code <url>/json/}. */
  public String webUiUrl() {
    return "http://" + LOOPBACK + ":" + state.masterWebUiPort();
  }

  /** The state folder. */
  public Path dir() {
    return dir;
  }

  /** The master's standard output and error. */
  public Path masterLog() {
    return Path.of(state.master().log());
  }

  /**
   * Worker {@code index}'s standard output and error (its executors log under {@code
   * work/worker-N/}).
   */
  public Path workerLog(int index) {
    return Path.of(state.workers().get(index).log());
  }

  /**
   * The worker processes in start order (index = worker number); for an attached cluster, the live
   * ones.
   */
  public List<ProcessHandle> workers() {
    synchronized (lock) {
      return workers.stream().flatMap(Optional::stream).toList();
    }
  }

  /** The number of workers started (alive or not). */
  public int workerCount() {
    return state.workers().size();
  }

  /**
   * SIGKILLs worker {@code index} and every executor it launched (its child processes), like a lost
   * machine. The master notices within a second; see {@link #awaitAliveWorkers}.
   */
  public void killWorker(int index) {
    synchronized (lock) {
      DaemonRecord worker = state.workers().get(index);
      ProcessTree.killForcibly(workers.get(index), executorsOf(worker), KILL_WAIT);
    }
  }

  /** The workers the master counts as alive. */
  public int aliveWorkers() {
    return status().aliveWorkers();
  }

  /** The master's view of the cluster, from its web UI's {@code /json/}. */
  public MasterStatus status() {
    String url = webUiUrl() + "/json/";
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IOException("HTTP " + response.statusCode());
      }
      return MasterStatus.parse(response.body());
    } catch (IOException e) {
      throw LakeBatchErrors.clusterMasterUnreachable(url, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw LakeBatchErrors.clusterMasterUnreachable(url, e);
    }
  }

  /**
   * Waits until the master counts exactly {@code count} workers alive; false if it does not in
   * time.
   */
  public boolean awaitAliveWorkers(int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        if (aliveWorkers() == count) {
          return true;
        }
      } catch (LakeBatchException masterNotAnsweringYet) {
        // polled again until the deadline
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      sleep(POLL_INTERVAL);
    }
  }

  /**
   * What a driver on this machine sets to run on this cluster: master URL, driver address, executor
   * cores and memory of one whole worker, {@code spark.cores.max} of all workers, and executor Java
   * options (module flags, {@code java.io.tmpdir} under the state folder).
   */
  public Map<String, String> driverConf() {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.master", masterUrl());
    conf.put("spark.driver.host", LOOPBACK);
    conf.put("spark.driver.bindAddress", LOOPBACK);
    conf.put("spark.executor.cores", Integer.toString(state.workerCores()));
    conf.put("spark.executor.memory", state.workerMemory());
    conf.put("spark.cores.max", Integer.toString(state.workerCores() * workerCount()));
    List<String> options = new ArrayList<>(SparkSessionFactory.JAVA_MODULE_FLAGS);
    options.add(quoted("-Djava.io.tmpdir=" + dir.resolve("tmp")));
    conf.put("spark.executor.extraJavaOptions", String.join(" ", options));
    RuntimeJar.location().ifPresent(jar -> conf.put("spark.jars", jar.toUri().toString()));
    return conf;
  }

  /** The {@code resources} of a job spec that uses the whole cluster: one executor per worker. */
  public ResourceSpec resources() {
    return new ResourceSpec(
        masterUrl(), workerCount(), state.workerCores(), state.workerMemory(), 0);
  }

  /**
   * Kills the workers (with their executors) and the master, and removes {@code cluster.json}.
   * Idempotent.
   */
  public void stop() {
    synchronized (lock) {
      if (stopped) {
        return;
      }
      stopped = true;
      if (state != null) {
        for (int i = 0; i < workers.size(); i++) {
          ProcessTree.killForcibly(workers.get(i), executorsOf(state.workers().get(i)), KILL_WAIT);
        }
        ProcessTree.killForcibly(master, p -> false, KILL_WAIT);
        // leave a newer cluster's state alone (this one may have been stopped and replaced
        // meanwhile)
        boolean ours =
            ClusterState.read(dir).map(s -> s.master().pid() == state.master().pid()).orElse(false);
        if (ours) {
          ClusterState.delete(dir);
        }
      } else {
        master.ifPresent(m -> ProcessTree.killForcibly(Optional.of(m), p -> false, KILL_WAIT));
      }
    }
    Thread hook = shutdownHook;
    if (hook != null && Thread.currentThread() != hook) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway and finds the cluster stopped
      }
    }
  }

  @Override
  public void close() {
    stop();
  }

  int liveProcesses() {
    synchronized (lock) {
      return (int)
          Stream.concat(master.stream(), workers.stream().flatMap(Optional::stream))
              .filter(ProcessTree::isRunning)
              .count();
    }
  }

  private void launch(Path sparkHome, ClusterOptions options) {
    long deadline = System.nanoTime() + options.startTimeout().toNanos();
    int[] masterPorts = freePorts(LOOPBACK, 2);
    Path masterLog = dir.resolve("master.log");
    Process masterProcess =
        startDaemon(
            sparkHome,
            masterLog,
            LOOPBACK,
            List.of(
                MASTER_CLASS,
                "--host",
                LOOPBACK,
                "--port",
                Integer.toString(masterPorts[0]),
                "--webui-port",
                Integer.toString(masterPorts[1])));
    synchronized (lock) {
      master = Optional.of(masterProcess.toHandle());
      state =
          new ClusterState(
              "spark://" + LOOPBACK + ":" + masterPorts[0],
              masterPorts[1],
              options.workerCores(),
              options.workerMemory(),
              record("master", masterProcess, masterPorts[0], masterPorts[1], masterLog),
              List.of());
      state.write(dir);
    }
    awaitLogLine(masterProcess, masterLog, LEADER_LINE, "the Spark master", deadline);

    List<Process> started = new ArrayList<>();
    for (int i = 0; i < options.workers(); i++) {
      String host = options.workerHost(i);
      int[] ports = freePorts(host, 2);
      Path log = dir.resolve("worker-" + i + ".log");
      Path workDir = dir.resolve("work").resolve("worker-" + i);
      createDirectories(workDir);
      Process worker =
          startDaemon(
              sparkHome,
              log,
              host,
              List.of(
                  WORKER_CLASS,
                  masterUrl(),
                  "--host",
                  host,
                  "--port",
                  Integer.toString(ports[0]),
                  "--webui-port",
                  Integer.toString(ports[1]),
                  "--cores",
                  Integer.toString(options.workerCores()),
                  "--memory",
                  options.workerMemory(),
                  "--work-dir",
                  workDir.toString()));
      started.add(worker);
      synchronized (lock) {
        workers.add(Optional.of(worker.toHandle()));
        state = state.withWorker(record("worker-" + i, worker, ports[0], ports[1], log));
        state.write(dir);
      }
    }
    while (true) {
      for (int i = 0; i < started.size(); i++) {
        if (!started.get(i).isAlive()) {
          throw failedToStart(
              "worker " + i + " exited with code " + started.get(i).exitValue(),
              workerLog(i),
              null);
        }
      }
      if (!masterProcess.isAlive()) {
        throw failedToStart(
            "the Spark master exited with code " + masterProcess.exitValue(), masterLog(), null);
      }
      try {
        if (aliveWorkers() == options.workers()) {
          return;
        }
      } catch (LakeBatchException notAnswering) {
        if (System.nanoTime() > deadline) {
          throw failedToStart(
              "the Spark master's web UI does not answer", masterLog(), notAnswering);
        }
      }
      if (System.nanoTime() > deadline) {
        throw failedToStart(
            "not all "
                + options.workers()
                + " workers registered with the master within "
                + options.startTimeout().toSeconds()
                + " s",
            workerLog(0),
            null);
      }
      sleep(POLL_INTERVAL);
    }
  }

  /**
   * {@code localIp}: the daemon's {@code SPARK_LOCAL_IP}, inherited by the executors a worker
   * launches.
   */
  private Process startDaemon(
      Path sparkHome, Path log, String localIp, List<String> mainClassAndArguments) {
    List<String> command = new ArrayList<>();
    Path setsid = Path.of("/usr/bin/setsid");
    if (Files.isExecutable(setsid)) {
      // a session of its own: no hang-up signal from the terminal the CLI ran in reaches it
      command.add(setsid.toString());
    }
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(SparkSessionFactory.JAVA_MODULE_FLAGS);
    command.add(DAEMON_HEAP);
    command.addAll(DAEMON_STARTUP_FLAGS);
    command.add("-Djava.io.tmpdir=" + dir.resolve("tmp"));
    command.add("-Dlog4j2.configurationFile=" + SparkHomeFolder.logConfig(sparkHome));
    // fail rather than silently bind the next port: cluster.json records the ports asked for
    command.add("-Dspark.port.maxRetries=0");
    command.add("-cp");
    command.add(
        SparkHomeFolder.conf(sparkHome)
            + File.pathSeparator
            + SparkHomeFolder.jars(sparkHome)
            + "/*");
    command.addAll(mainClassAndArguments);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Map<String, String> env = builder.environment();
    env.put("SPARK_HOME", sparkHome.toString());
    env.put("SPARK_CONF_DIR", SparkHomeFolder.conf(sparkHome).toString());
    env.put("SPARK_SCALA_VERSION", "2.12");
    env.put("SPARK_LOCAL_IP", localIp);
    // the classpath of executors is $SPARK_HOME/jars alone
    env.remove("SPARK_DIST_CLASSPATH");
    try {
      Files.writeString(
          log,
          String.join(" ", command) + System.lineSeparator(),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING);
      return builder.start();
    } catch (IOException e) {
      throw LakeBatchErrors.clusterIo("cannot start " + String.join(" ", mainClassAndArguments), e);
    }
  }

  private static DaemonRecord record(
      String role, Process process, int port, int webUiPort, Path log) {
    return new DaemonRecord(
        role,
        process.pid(),
        ProcessTree.startedAtMillis(process.toHandle()),
        port,
        webUiPort,
        log.toString());
  }

  private static Optional<ProcessHandle> find(DaemonRecord daemon, String mainClass) {
    return ProcessTree.find(daemon.pid(), daemon.startedAtMillis(), mainClass);
  }

  /** Executors a worker launched: their {@code --worker-url} names its address and RPC port. */
  private static java.util.function.Predicate<ProcessHandle> executorsOf(DaemonRecord worker) {
    String workerUrl = "spark://Worker@" + hostOf(worker) + ":" + worker.port();
    return process ->
        ProcessTree.arguments(process)
            .map(args -> args.contains(EXECUTOR_CLASS) && args.contains(workerUrl))
            .orElse(false);
  }

  /**
   * The address a worker binds ({@code 127.0.0.1}, or {@code 127.0.0.(i+2)} with {@link
   * ClusterOptions#withDistinctWorkerHosts()}), from the command line {@link #startDaemon} wrote
   * first in its log (so that another process reading {@code cluster.json} finds it too); 127.0.0.1
   * if the log is gone.
   */
  private static String hostOf(DaemonRecord worker) {
    try (Stream<String> lines = Files.lines(Path.of(worker.log()), StandardCharsets.ISO_8859_1)) {
      List<String> command =
          lines.findFirst().map(line -> List.of(line.split(" "))).orElse(List.of());
      int flag = command.indexOf("--host");
      return flag >= 0 && flag + 1 < command.size() ? command.get(flag + 1) : LOOPBACK;
    } catch (IOException | UncheckedIOException e) {
      return LOOPBACK;
    }
  }

  /**
   * The address worker {@code index} binds, it and its executors (127.0.0.1 unless distinct worker
   * hosts).
   */
  public String workerHost(int index) {
    return hostOf(state.workers().get(index));
  }

  private void awaitLogLine(Process process, Path log, String line, String what, long deadline) {
    while (true) {
      if (logContains(log, line)) {
        return;
      }
      if (!process.isAlive()) {
        throw failedToStart(
            what + " exited with code " + process.exitValue() + " before logging '" + line + "'",
            log,
            null);
      }
      if (System.nanoTime() > deadline) {
        throw failedToStart(what + " did not log '" + line + "' in time", log, null);
      }
      sleep(Duration.ofMillis(100));
    }
  }

  private static boolean logContains(Path log, String line) {
    try {
      return Files.isRegularFile(log)
          && Files.readString(log, StandardCharsets.ISO_8859_1).contains(line);
    } catch (IOException e) {
      return false;
    }
  }

  private static LakeBatchException failedToStart(String what, Path log, Throwable cause) {
    return LakeBatchErrors.clusterStartFailed(
        "cannot start the cluster: " + what, log, tail(log, 30), cause);
  }

  private static String tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
      return String.join(
          System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  private void stopOnJvmExit() {
    Thread hook = new Thread(this::stop, "lakebatch-cluster-stop");
    shutdownHook = hook;
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * Distinct free ports on {@code host} (a loopback address), all held open until each is known.
   */
  private static int[] freePorts(String host, int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] result = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host));
        sockets.add(socket);
        result[i] = socket.getLocalPort();
      }
      return result;
    } catch (IOException e) {
      throw LakeBatchErrors.clusterIo("cannot find a free port on " + host, e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // the port is free either way
        }
      }
    }
  }

  private static void createDirectories(Path folder) {
    try {
      Files.createDirectories(folder);
    } catch (FileAlreadyExistsException e) {
      throw LakeBatchErrors.clusterIo(folder + " exists and is not a folder", e);
    } catch (IOException e) {
      throw LakeBatchErrors.clusterIo("cannot create " + folder, e);
    }
  }

  private static String quoted(String option) {
    return option.contains(" ") ? "\"" + option + "\"" : option;
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw LakeBatchErrors.clusterIo("interrupted while waiting for the cluster", e);
    }
  }
}
