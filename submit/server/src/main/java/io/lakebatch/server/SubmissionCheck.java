package io.lakebatch.server;

import io.lakebatch.catalog.error.FieldError;
import io.lakebatch.catalog.error.LakeBatchException;
import io.lakebatch.catalog.spec.JobSpec;
import io.lakebatch.catalog.spec.JobSpecParser;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a submitted spec before it is queued: it parses and validates (the parser's field path and
 * rule), and every path it names (model, input, output, dead letter) lies under one of the tenant's
 * allowed prefixes after {@code ..} and {@code .} are resolved, so {@code /data/a/../b} is judged
 * as {@code /data/b}.
 */
final class SubmissionCheck {
  private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:.*");

  private SubmissionCheck() {}

  /** The spec in {@code body}, JSON when {@code json}, else YAML. */
  static JobSpec parse(String body, boolean json) {
    try {
      return JobSpecParser.parse(body, "the request body", json);
    } catch (LakeBatchException e) {
      throw ApiProblem.of(e);
    }
  }

  /** Refuses (400, every offending field) paths outside {@code allowedPrefixes}. */
  static void checkPaths(JobSpec spec, List<String> allowedPrefixes, String tenant) {
    if (allowedPrefixes.isEmpty()) {
      return;
    }
    Map<String, String> paths = new LinkedHashMap<>();
    spec.model().path().ifPresent(p -> paths.put("model.path", p));
    paths.put("input.path", spec.input().path());
    paths.put("output.path", spec.output().path());
    paths.put("output.dead-letter", spec.output().deadLetterPath());
    List<String> prefixes = allowedPrefixes.stream().map(SubmissionCheck::asDirectory).toList();
    List<FieldError> errors = new ArrayList<>();
    paths.forEach(
        (field, path) -> {
          String normalized = normalize(path);
          if (prefixes.stream().noneMatch(normalized::startsWith)) {
            errors.add(
                new FieldError(
                    field,
                    "'"
                        + path
                        + "' is outside the paths tenant "
                        + tenant
                        + " may use: "
                        + allowedPrefixes));
          }
        });
    if (!errors.isEmpty()) {
      throw ApiProblem.badRequest(
          errors.size() + " path(s) outside the tenant's allowed prefixes", errors);
    }
  }

  /** The cores a job asks for: its executors times executor cores. */
  static int cores(JobSpec spec) {
    long cores = (long) spec.resources().executors() * spec.resources().executorCores();
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, cores));
  }

  /** A path with {@code .} and {@code ..} resolved; local paths made absolute. */
  static String normalize(String path) {
    try {
      if (SCHEME.matcher(path).matches() && !path.startsWith("file:")) {
        return URI.create(path.replace(" ", "%20")).normalize().toString();
      }
      String local =
          path.startsWith("file:") ? URI.create(path.replace(" ", "%20")).getPath() : path;
      return Path.of(local).toAbsolutePath().normalize().toString();
    } catch (IllegalArgumentException e) { // InvalidPathException too
      return path; // not a path this server can judge: it matches no prefix
    }
  }

  private static String asDirectory(String prefix) {
    String normalized = normalize(prefix);
    return normalized.endsWith("/") ? normalized : normalized + "/";
  }
}
