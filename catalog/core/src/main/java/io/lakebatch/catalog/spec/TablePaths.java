package io.lakebatch.catalog.spec;

import static java.util.Objects.requireNonNull;

import io.lakebatch.catalog.error.LakeBatchErrors;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The input, output and dead-letter locations of a job, qualified, and legal together.
 *
 * <p>Each is a qualified location as Hadoop prints one: a scheme, an optional authority and an
 * absolute, normalized path without a trailing separator ({@code file:/data/orders}, {@code
 * s3a://bucket/scores}, {@code hdfs://nn:8020/x}). Qualifying a spec path (relative paths, {@code
 * file:} URIs, {@code ./x/../x}) needs the file system, so it happens at the engine's edge; these
 * are the rules once every location is spelled one way.
 *
 * <p>Rules: the output is neither the input nor nested with it (a job must not write into what it
 * reads, nor read what it writes); the dead-letter table is neither the output nor nested with it
 * (Delta would take one table's files for the other's), nor the input nor nested with it. "Nested"
 * goes by path segments ({@code /a/out2} is not inside {@code /a/out}) and needs the same scheme
 * and authority ({@code s3a://b1/x} and {@code s3a://b2/x} are apart).
 *
 * <p>Construction refuses locations that break a rule with a USER {@code LakeBatchException} naming
 * {@code output.path} or {@code output.dead-letter}, both locations and what to do; a location that
 * is not qualified is a caller's bug ({@link IllegalArgumentException}).
 */
public record TablePaths(String input, String output, String deadLetter) {
  // scheme ":" ["//" authority] absolute-path: Hadoop's Path.toString() form, which may hold spaces
  // and other characters java.net.URI would refuse.
  private static final Pattern QUALIFIED =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*):(?://([^/]*))?(/.*)");

  public TablePaths {
    Location in = Location.parse("input", requireNonNull(input, "input is null"));
    Location out = Location.parse("output", requireNonNull(output, "output is null"));
    Location dead = Location.parse("deadLetter", requireNonNull(deadLetter, "deadLetter is null"));
    refuseOverlap(
        "output.path",
        out,
        "input.path",
        in,
        "a job must not write into the table it reads, nor read the table it writes: choose an output path"
            + " outside "
            + in
            + " that does not contain it");
    refuseOverlap(
        "output.dead-letter",
        dead,
        "output.path",
        out,
        "the dead-letter table and the output table need folders of their own: choose a dead-letter path"
            + " outside "
            + out
            + " that does not contain it (the default is the output path + '"
            + SpecDefaults.DEAD_LETTER_SUFFIX
            + "')");
    refuseOverlap(
        "output.dead-letter",
        dead,
        "input.path",
        in,
        "a job must not write into the table it reads: choose a dead-letter path outside "
            + in
            + " that does not contain it");
  }

  /** {@code spec} with these locations in place of its own spellings of them. */
  public JobSpec appliedTo(JobSpec spec) {
    InputSpec in = spec.input();
    OutputSpec out = spec.output();
    return new JobSpec(
        spec.name(),
        spec.model(),
        new InputSpec(in.format(), input, in.version(), in.filter(), in.carry()),
        new OutputSpec(output, out.mode(), deadLetter),
        spec.execution(),
        spec.resources(),
        spec.priority(),
        spec.dependsOn());
  }

  private static void refuseOverlap(
      String field, Location location, String otherName, Location other, String whatToDo) {
    String relation;
    if (location.equals(other)) {
      relation = "is the same location as " + otherName + " " + other;
    } else if (location.isInside(other)) {
      relation = "is inside " + otherName + " " + other;
    } else if (other.isInside(location)) {
      relation = "contains " + otherName + " " + other;
    } else {
      return;
    }
    throw LakeBatchErrors.invalidSpec(field, location + " " + relation + "; " + whatToDo);
  }

  /** A qualified location split into what decides sameness and nesting. */
  private record Location(String scheme, String authority, List<String> segments, String text) {
    static Location parse(String component, String text) {
      Matcher m = QUALIFIED.matcher(text);
      if (!m.matches()) {
        throw new IllegalArgumentException(
            component + " is not a qualified location (scheme:[//authority]/path): " + text);
      }
      String path = m.group(3);
      if (path.length() > 1 && path.endsWith("/")) {
        throw new IllegalArgumentException(component + " has a trailing separator: " + text);
      }
      List<String> segments =
          path.equals("/") ? List.of() : List.of(path.substring(1).split("/", -1));
      for (String segment : segments) {
        if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
          throw new IllegalArgumentException(component + " is not normalized: " + text);
        }
      }
      String authority = m.group(2) == null ? "" : m.group(2);
      // Schemes are case-insensitive (RFC 3986); authorities are compared as written, which is how
      // Hadoop keys its file systems.
      return new Location(m.group(1).toLowerCase(Locale.ROOT), authority, segments, text);
    }

    boolean isInside(Location other) {
      return scheme.equals(other.scheme)
          && authority.equals(other.authority)
          && segments.size() > other.segments.size()
          && segments.subList(0, other.segments.size()).equals(other.segments);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Location l
          && scheme.equals(l.scheme)
          && authority.equals(l.authority)
          && segments.equals(l.segments);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(scheme, authority, segments);
    }

    @Override
    public String toString() {
      return text;
    }
  }
}
