package io.lakebatch.submit.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Peak memory of this JVM over a measured span: the heap pools' peak usage (reset through {@link
 * MemoryPoolMXBean#resetPeakUsage()}) and the process's peak resident set ({@code VmHWM} of {@code
 * /proc/self/status}, reset by writing {@code 5} to {@code /proc/self/clear_refs} where the kernel
 * allows it). In local mode the driver and the executors are this one JVM, so this is all of
 * Spark's memory.
 */
final class PeakMemory {
  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

  private PeakMemory() {}

  /** How the resident-set peak relates to the span. */
  enum RssScope {
    /** Reset when the span began: the peak of the span. */
    SPAN,
    /** Could not be reset: the peak since the process started. */
    PROCESS,
    /** Not readable here (not Linux). */
    UNAVAILABLE
  }

  /**
   * Peaks over one span, in bytes. {@code liveHeapBytes} is the largest heap left after any garbage
   * collection in the span: what the run kept, as opposed to {@code heapBytes}, which also counts
   * garbage not yet collected and so grows with the heap the collector is allowed to use.
   */
  record Peaks(long heapBytes, long liveHeapBytes, OptionalLong rssBytes, RssScope rssScope) {}

  private static final AtomicLong LIVE_AFTER_GC = new AtomicLong();

  static {
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (collector instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(
            (notification, handback) -> {
              if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                  notification.getType())) {
                GarbageCollectionNotificationInfo info =
                    GarbageCollectionNotificationInfo.from(
                        (CompositeData) notification.getUserData());
                long live = 0;
                for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                  MemoryUsage after = info.getGcInfo().getMemoryUsageAfterGc().get(pool.getName());
                  if (pool.getType() == MemoryType.HEAP && after != null) {
                    live += after.getUsed();
                  }
                }
                LIVE_AFTER_GC.accumulateAndGet(live, Math::max);
              }
            },
            null,
            null);
      }
    }
  }

  /** Starts a span: resets the heap pools' peaks and, if possible, the resident-set peak. */
  static RssScope reset() {
    System.gc(); // so the span's first collection does not carry the previous span's garbage
    LIVE_AFTER_GC.set(0);
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.isValid()) {
        pool.resetPeakUsage();
      }
    }
    if (!Files.isReadable(STATUS)) {
      return RssScope.UNAVAILABLE;
    }
    try {
      Files.writeString(CLEAR_REFS, "5");
      return RssScope.SPAN;
    } catch (IOException | SecurityException e) {
      return RssScope.PROCESS;
    }
  }

  /** The peaks since {@link #reset()} returned {@code scope}. */
  static Peaks read(RssScope scope) {
    long heap = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.isValid()) {
        heap += pool.getPeakUsage().getUsed();
      }
    }
    OptionalLong rss = peakRss();
    return new Peaks(
        heap, LIVE_AFTER_GC.get(), rss, rss.isPresent() ? scope : RssScope.UNAVAILABLE);
  }

  private static OptionalLong peakRss() {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith("VmHWM:")) {
          String kilobytes = line.substring("VmHWM:".length()).replace("kB", "").trim();
          return OptionalLong.of(Long.parseLong(kilobytes) * 1024);
        }
      }
      return OptionalLong.empty();
    } catch (IOException | NumberFormatException | SecurityException e) {
      return OptionalLong.empty();
    }
  }
}
