package io.lakebatch.submit.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Peak memory of this JVM over a measured span: the heap pools' peak usage (reset through
 * {@link MemoryPoolMXBean#resetPeakUsage()}) and the process's peak resident set ({@code VmHWM} of
 * {@code /proc/self/status}, reset by writing {@code 5} to {@code /proc/self/clear_refs} where the kernel allows it).
 * In local mode the driver and the executors are this one JVM, so this is all of Spark's memory.
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

  /** Peaks over one span, in bytes. */
  record Peaks(long heapBytes, OptionalLong rssBytes, RssScope rssScope) {}

  /** Starts a span: resets the heap pools' peaks and, if possible, the resident-set peak. */
  static RssScope reset() {
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
    return new Peaks(heap, rss, rss.isPresent() ? scope : RssScope.UNAVAILABLE);
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
