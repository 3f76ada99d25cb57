package io.lakebatch.udf;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lakebatch.catalog.error.LakeBatchErrors;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ONNX Runtime sessions shared by all tasks of a JVM ({@code OrtSession.run} is thread-safe), keyed
 * by {@link SessionKey} (model sha256, execution options, device), least recently used first out
 * within {@link SessionCacheLimits}. Tasks hold a {@link SessionLease} while they use a session: a
 * session the cache evicts, or that {@link #closeAll} drops, is closed when its last lease is
 * released, never under a running task.
 *
 * <p>{@link #shared()} is the JVM's cache; its lifecycle belongs to {@link LakeBatchSparkPlugin},
 * which closes its sessions when the executor (or the driver's SparkContext) shuts down. The cache
 * stays usable after {@link #closeAll}: a later SparkContext in the same JVM loads its sessions
 * afresh.
 */
public final class OrtSessionCache {
  private static final Logger LOG = LoggerFactory.getLogger(OrtSessionCache.class);
  private static final OrtSessionCache SHARED = new OrtSessionCache(SessionCacheLimits.DEFAULT);

  private final SessionCacheLimits limits;

  /** Access order: the first entry is the least recently acquired. Guarded by {@code this}. */
  private final LinkedHashMap<SessionKey, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);

  private long cachedBytes;
  private final AtomicInteger openSessions = new AtomicInteger();

  /**
   * A cache of its own (tests, a host that manages its own sessions); tasks use {@link #shared()}.
   */
  public OrtSessionCache(SessionCacheLimits limits) {
    this.limits = java.util.Objects.requireNonNull(limits, "limits is null");
  }

  /** The JVM's cache, used by every task of this executor. */
  public static OrtSessionCache shared() {
    return SHARED;
  }

  public static OrtEnvironment environment() {
    return OrtEnvironment.getEnvironment();
  }

  /**
   * A lease on the session for {@code handle}, loaded on first use from the model file, read with
   * the executor's Hadoop configuration ({@link ModelFiles#read(String)}).
   *
   * @throws io.lakebatch.catalog.error.LakeBatchException when the file's sha256 is not the
   *     handle's (the file changed since the job was planned) or ONNX Runtime cannot load it
   */
  public SessionLease acquire(ModelHandle handle) {
    return acquire(handle, () -> ModelFiles.read(handle.uri()));
  }

  /**
   * As {@link #acquire(ModelHandle)}, from model bytes the caller has already read (the driver's
   * preflight).
   */
  public SessionLease acquire(ModelHandle handle, byte[] modelBytes) {
    return acquire(handle, () -> modelBytes);
  }

  private SessionLease acquire(ModelHandle handle, Supplier<byte[]> modelBytes) {
    SessionKey key = handle.sessionKey();
    Entry entry;
    boolean load;
    synchronized (this) {
      entry = entries.get(key);
      load = entry == null;
      if (load) {
        entry = new Entry(key);
        entries.put(key, entry);
      }
      entry.leases++; // taken before the load ends, so no eviction can close it under us
    }
    if (load) {
      load(handle, entry, modelBytes);
    }
    try {
      return new Lease(entry, entry.session.join());
    } catch (CompletionException e) {
      release(entry);
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
  }

  private void load(ModelHandle handle, Entry entry, Supplier<byte[]> modelBytes) {
    long start = System.nanoTime();
    OrtSession session;
    byte[] bytes;
    try {
      bytes = modelBytes.get();
      String actual = ModelFiles.sha256(bytes);
      if (!actual.equals(handle.sha256())) {
        throw LakeBatchErrors.modelMismatch(
            "model.path",
            "model file "
                + handle.uri()
                + " changed while the job ran (sha256 "
                + actual
                + ", planned "
                + handle.sha256()
                + "); rerun the job to plan against the new file");
      }
      session = open(handle.uri(), bytes, entry.key.options(), entry.key.device());
    } catch (RuntimeException | Error e) {
      synchronized (this) {
        entries.remove(entry.key, entry); // the next acquire tries again
        entry.cached = false;
      }
      entry.session.completeExceptionally(e); // waiters on this entry fail with it too
      return;
    }
    openSessions.incrementAndGet();
    List<Entry> evicted = new ArrayList<>();
    synchronized (this) {
      if (entry.cached) { // closeAll may have dropped it while it loaded
        entry.bytes = bytes.length;
        cachedBytes += bytes.length;
        evictBeyondLimits(entry, evicted);
      }
    }
    entry.session.complete(session);
    LOG.info(
        "ONNX Runtime session loaded for model {} ({} bytes) in {} ms",
        entry.key.describe(),
        bytes.length,
        (System.nanoTime() - start) / 1_000_000);
    evicted.forEach(this::closeSession);
  }

  /**
   * Drops least recently used loaded entries other than {@code keep}; those with no lease go to
   * {@code idle}.
   */
  private void evictBeyondLimits(Entry keep, List<Entry> idle) {
    Iterator<Entry> oldestFirst = entries.values().iterator();
    while (oldestFirst.hasNext()
        && (entries.size() > limits.maxSessions() || cachedBytes > limits.maxModelBytes())) {
      Entry candidate = oldestFirst.next();
      if (candidate == keep || !candidate.session.isDone()) {
        continue;
      }
      oldestFirst.remove();
      drop(candidate, idle);
      LOG.info(
          "ONNX Runtime session for model {} evicted ({} leases still open)",
          candidate.key.describe(),
          candidate.leases);
    }
  }

  /**
   * Marks {@code entry} out of the cache (guarded by {@code this}); adds it to {@code idle} when no
   * lease holds it.
   */
  private void drop(Entry entry, List<Entry> idle) {
    entry.cached = false;
    cachedBytes -= entry.bytes;
    if (entry.leases == 0 && entry.session.isDone() && !entry.closed) {
      entry.closed = true;
      idle.add(entry);
    }
  }

  private void release(Entry entry) {
    boolean close;
    synchronized (this) {
      entry.leases--;
      close =
          !entry.cached
              && entry.leases == 0
              && !entry.closed
              && entry.session.isDone()
              && !entry.session.isCompletedExceptionally();
      if (close) {
        entry.closed = true;
      }
    }
    if (close) {
      closeSession(entry);
    }
  }

  /**
   * Closes every cached session now, and each one a task still holds when its lease is released.
   * The cache is empty afterwards and loads sessions again on demand.
   */
  public void closeAll() {
    List<Entry> idle = new ArrayList<>();
    synchronized (this) {
      for (Entry entry : entries.values()) {
        drop(entry, idle);
      }
      entries.clear();
      cachedBytes = 0;
    }
    idle.forEach(this::closeSession);
  }

  /** Sessions in the cache (loading ones included). */
  public synchronized int cachedSessions() {
    return entries.size();
  }

  /** Bytes of the model files of the cached sessions. */
  public synchronized long cachedModelBytes() {
    return cachedBytes;
  }

  /** Sessions loaded and not yet closed: the cached ones and evicted ones still leased. */
  public int openSessions() {
    return openSessions.get();
  }

  private void closeSession(Entry entry) {
    OrtSession session = entry.session.getNow(null);
    if (session == null) {
      return;
    }
    try {
      session.close();
    } catch (OrtException | RuntimeException e) {
      LOG.warn("closing the ONNX Runtime session for model {} failed", entry.key.describe(), e);
    } finally {
      openSessions.decrementAndGet();
    }
  }

  /** Loads a session from bytes already read, not cached: the caller closes it. */
  public static OrtSession open(String uri, byte[] model, int intraOpThreads) {
    return open(uri, model, SessionOptions.withIntraOpThreads(intraOpThreads), Device.CPU);
  }

  /** Loads a session from bytes already read, not cached: the caller closes it. */
  public static OrtSession open(String uri, byte[] model, SessionOptions options, Device device) {
    try (OrtSession.SessionOptions ortOptions = options.toOrt(device)) {
      return environment().createSession(model, ortOptions);
    } catch (OrtException | RuntimeException e) {
      throw LakeBatchErrors.modelUnreadable(uri, e);
    }
  }

  /**
   * One key's session, loading or loaded, with the leases on it. Mutable fields guarded by the
   * cache.
   */
  private static final class Entry {
    final SessionKey key;
    final CompletableFuture<OrtSession> session = new CompletableFuture<>();
    long bytes;
    int leases;
    boolean cached = true;
    boolean closed;

    Entry(SessionKey key) {
      this.key = key;
    }
  }

  private final class Lease implements SessionLease {
    private final Entry entry;
    private final OrtSession session;
    private final AtomicBoolean released = new AtomicBoolean();

    Lease(Entry entry, OrtSession session) {
      this.entry = entry;
      this.session = session;
    }

    @Override
    public OrtSession session() {
      if (released.get()) {
        throw new IllegalStateException(
            "the lease on model " + entry.key.describe() + " was released");
      }
      return session;
    }

    @Override
    public void close() {
      if (released.compareAndSet(false, true)) {
        release(entry);
      }
    }
  }
}
