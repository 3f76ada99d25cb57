package io.lakebatch.catalog.spec;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a run's output means, as a canonical, versioned encoding: the run's identity.
 *
 * <p>Identity fields: job name; output path, mode and dead-letter path; input format, path, the
 * requested {@code input.version} (or none), filter and carried columns; the model's sha256; the
 * input and output mapping; rows per chunk. Everything else — batch size, rows per task, retries,
 * bad-row fraction, resources, speculation — changes speed or limits, not rows: changing it resumes
 * the run instead of starting a new one.
 *
 * <p>The encoding is JSON with sorted keys and explicit fields, starting with {@code
 * "encoding":"lakebatch.run-identity/1"}; paths must already be qualified (scheme, absolute path,
 * no trailing separator) so that the spellings of one path agree. Golden tests pin the hashes: a
 * refactoring that changes them breaks every unfinished run's resume and must bump the version.
 *
 * <p>Two hashes come out of it. The {@link #jobKey() job key} names the job independently of the
 * input's state: a rerun looks up the job's unfinished run by it. The {@link #runKey run key} adds
 * the input as pinned by the run's first attempt (its fingerprint); it names the run and its
 * chunks' Delta transaction ids.
 */
public record RunIdentity(
    String name,
    String outputPath,
    WriteMode mode,
    String deadLetterPath,
    TableFormat inputFormat,
    String inputPath,
    java.util.OptionalLong requestedVersion,
    java.util.Optional<String> filter,
    List<String> carry,
    String modelSha256,
    Map<String, InputBinding> inputs,
    Map<String, String> outputs,
    long rowsPerChunk) {
  /** The encoding's name and version; part of every hash. */
  public static final String ENCODING = "lakebatch.run-identity/1";

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  public RunIdentity {
    requireNonNull(name, "name is null");
    requireNonNull(outputPath, "outputPath is null");
    requireNonNull(mode, "mode is null");
    requireNonNull(deadLetterPath, "deadLetterPath is null");
    requireNonNull(inputFormat, "inputFormat is null");
    requireNonNull(inputPath, "inputPath is null");
    requireNonNull(requestedVersion, "requestedVersion is null");
    requireNonNull(filter, "filter is null");
    carry = List.copyOf(requireNonNull(carry, "carry is null"));
    requireNonNull(modelSha256, "modelSha256 is null");
    inputs = Map.copyOf(requireNonNull(inputs, "inputs is null"));
    outputs = Map.copyOf(requireNonNull(outputs, "outputs is null"));
  }

  /**
   * The identity of {@code spec} with its model's sha256 and its paths as qualified by the caller.
   */
  public static RunIdentity of(JobSpec spec, TablePaths paths, String modelSha256) {
    return new RunIdentity(
        spec.name(),
        paths.output(),
        spec.output().mode(),
        paths.deadLetter(),
        spec.input().format(),
        paths.input(),
        spec.input().version(),
        spec.input().filter(),
        spec.input().carry(),
        modelSha256,
        spec.model().inputs(),
        spec.model().outputs(),
        spec.execution().rowsPerChunk());
  }

  /** The canonical encoding of the job (no pinned input). */
  public String canonicalJob() {
    return write(jobFields());
  }

  /** The canonical encoding of the run: the job plus the pinned input. */
  public String canonicalRun(long pinnedVersion, String inputFingerprintSha256) {
    Map<String, Object> fields = jobFields();
    Map<String, Object> pinned = new TreeMap<>();
    pinned.put("version", pinnedVersion);
    pinned.put(
        "files-sha256", requireNonNull(inputFingerprintSha256, "inputFingerprintSha256 is null"));
    fields.put("pinned-input", pinned);
    return write(fields);
  }

  /**
   * sha256 of {@link #canonicalJob()}: finds a job's unfinished run whatever the input did since.
   */
  public String jobKey() {
    return sha256(canonicalJob());
  }

  /**
   * The first 16 hex digits of the sha256 of {@link #canonicalRun}: names the run and its chunks.
   */
  public String runKey(long pinnedVersion, String inputFingerprintSha256) {
    return sha256(canonicalRun(pinnedVersion, inputFingerprintSha256)).substring(0, 16);
  }

  private Map<String, Object> jobFields() {
    Map<String, Object> input = new TreeMap<>();
    input.put("format", inputFormat.specName());
    input.put("path", inputPath);
    input.put("version", requestedVersion.isPresent() ? requestedVersion.getAsLong() : null);
    input.put("filter", filter.orElse(null));
    input.put("carry", carry);
    Map<String, Object> output = new TreeMap<>();
    output.put("path", outputPath);
    output.put("mode", mode.specName());
    output.put("dead-letter", deadLetterPath);
    Map<String, Object> model = new TreeMap<>();
    model.put("sha256", modelSha256);
    Map<String, Object> bindings = new TreeMap<>();
    inputs.forEach((name, binding) -> bindings.put(name, encode(binding)));
    model.put("inputs", bindings);
    model.put("outputs", new TreeMap<>(outputs));
    Map<String, Object> fields = new TreeMap<>();
    fields.put("encoding", ENCODING);
    fields.put("name", name);
    fields.put("input", input);
    fields.put("output", output);
    fields.put("model", model);
    fields.put("rows-per-chunk", rowsPerChunk);
    return fields;
  }

  /** A binding as the spec writes it; list order is kept where it is tensor order. */
  private static Map<String, Object> encode(InputBinding binding) {
    Map<String, Object> fields = new LinkedHashMap<>();
    if (binding instanceof InputBinding.ColumnList list) {
      fields.put("columns", list.columns());
    } else if (binding instanceof InputBinding.ArrayColumn array) {
      fields.put("column", array.column());
      fields.put("shape", new ArrayList<>(array.shape()));
    } else if (binding instanceof InputBinding.TextColumn text) {
      fields.put("text", text.column());
      fields.put("max-tokens", text.maxTokens().isPresent() ? text.maxTokens().getAsInt() : null);
    } else if (binding instanceof InputBinding.TokenMask mask) {
      fields.put("mask-of", mask.idsInput());
    } else {
      throw new IllegalArgumentException(
          "no identity encoding for binding " + binding.getClass().getName());
    }
    return new TreeMap<>(fields);
  }

  private static String write(Map<String, Object> fields) {
    try {
      return JSON.writeValueAsString(fields);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("run identity cannot be encoded", e);
    }
  }

  /** Lower-case hex sha256 of the UTF-8 bytes of {@code text}. */
  public static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
