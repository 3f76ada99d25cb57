package io.lakebatch.catalog.store;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps catalog passwords out of what LakeBatch prints: JDBC URLs, and the messages of exceptions a
 * driver throws (which may echo the URL, e.g. {@code No suitable driver found for jdbc:...}).
 *
 * <p>Recognized: a parameter whose key names a password, case-insensitively, after {@code ?},
 * {@code &} or {@code ;} (PostgreSQL {@code ?user=u&password=s}, {@code sslpassword=}, H2 {@code
 * ;PASSWORD=s}), and the password of a {@code //user:password@host} authority. Each value is
 * replaced by {@value #MASK}.
 */
public final class JdbcUrls {
  public static final String MASK = "***";

  private static final String PASSWORD_KEY = "([?&;][A-Za-z0-9_.-]*(?:password|pwd)=)";
  private static final Pattern URL_PARAMETER = Pattern.compile("(?i)" + PASSWORD_KEY + "([^&;]*)");
  private static final Pattern URL_USER_INFO = Pattern.compile("(//[^/?#@:;]*:)([^/?#@]*)(?=@)");
  // In free text a value also ends at white space, a closing bracket or a quote, so the rest of a
  // message survives (known secrets are masked whole before this).
  private static final Pattern TEXT_PARAMETER =
      Pattern.compile("(?i)((?:^|[?&;\\s,(])[A-Za-z0-9_.-]*(?:password|pwd)=)([^&;\\s)'\"]*)");
  private static final Pattern TEXT_USER_INFO =
      Pattern.compile("(//[^/?#@:;\\s]*:)([^/?#@\\s]*)(?=@)");

  private JdbcUrls() {}

  /** {@code url} with every password value masked; safe to print. */
  public static String redact(String url) {
    return mask(mask(url, URL_PARAMETER), URL_USER_INFO);
  }

  /**
   * The password values written in {@code url}, as written and URL-decoded (drivers decode them).
   */
  public static Set<String> passwords(String url) {
    Set<String> found = new LinkedHashSet<>();
    for (Pattern pattern : List.of(URL_PARAMETER, URL_USER_INFO)) {
      Matcher m = pattern.matcher(url);
      while (m.find()) {
        String value = m.group(2);
        if (!value.isEmpty()) {
          found.add(value);
          try {
            found.add(URLDecoder.decode(value, StandardCharsets.UTF_8));
          } catch (IllegalArgumentException notEncoded) {
            // kept as written
          }
        }
      }
    }
    return found;
  }

  /** {@code text} with the {@code secrets} and any password-looking URL parts masked. */
  public static String redactText(String text, Collection<String> secrets) {
    if (text == null) {
      return null;
    }
    String masked = text;
    // Longest first, so a secret that contains a shorter one is masked whole.
    List<String> ordered = new ArrayList<>(secrets);
    ordered.sort((a, b) -> Integer.compare(b.length(), a.length()));
    for (String secret : ordered) {
      if (!secret.isEmpty()) {
        masked = masked.replace(secret, MASK);
      }
    }
    return mask(mask(masked, TEXT_PARAMETER), TEXT_USER_INFO);
  }

  /**
   * {@code cause} itself when no message in its chain holds a secret; else a copy of the chain with
   * the messages masked (stack traces kept; an {@link SQLException} stays one, with its SQL state
   * and vendor code; suppressed exceptions are dropped, since they may hold the secret too).
   */
  public static Throwable redact(Throwable cause, Collection<String> secrets) {
    if (cause == null) {
      return null;
    }
    List<Throwable> chain = new ArrayList<>();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    boolean leaks = false;
    for (Throwable t = cause; t != null && seen.add(t); t = t.getCause()) {
      chain.add(t);
      String message = t.getMessage();
      leaks |= message != null && !message.equals(redactText(message, secrets));
      leaks |= t.getSuppressed().length > 0 && leaksInSuppressed(t, secrets);
    }
    if (!leaks) {
      return cause;
    }
    Throwable copy = null;
    for (int i = chain.size() - 1; i >= 0; i--) {
      copy = copyOf(chain.get(i), redactText(chain.get(i).getMessage(), secrets), copy);
    }
    return copy;
  }

  private static boolean leaksInSuppressed(Throwable t, Collection<String> secrets) {
    for (Throwable suppressed : t.getSuppressed()) {
      if (redact(suppressed, secrets) != suppressed) {
        return true;
      }
    }
    return false;
  }

  private static Throwable copyOf(Throwable original, String message, Throwable cause) {
    Throwable copy;
    if (original instanceof SQLException sql) {
      copy = new SQLException(message, sql.getSQLState(), sql.getErrorCode(), cause);
    } else {
      copy = sameClass(original, message, cause);
    }
    copy.setStackTrace(original.getStackTrace());
    return copy;
  }

  /**
   * The original's class when it has a public (String) constructor, so messages name it as before.
   */
  private static Throwable sameClass(Throwable original, String message, Throwable cause) {
    try {
      Throwable copy = original.getClass().getConstructor(String.class).newInstance(message);
      if (cause != null) {
        copy.initCause(cause);
      }
      return copy;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return new RedactedException(original.getClass().getName(), message, cause);
    }
  }

  private static String mask(String text, Pattern pattern) {
    Matcher m = pattern.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement = m.group(2).isEmpty() ? m.group() : m.group(1) + MASK;
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Stands in for an exception whose message held a secret; prints as the original class would. */
  public static final class RedactedException extends Exception {
    private final String originalClass;

    RedactedException(String originalClass, String message, Throwable cause) {
      super(message, cause);
      this.originalClass = originalClass;
    }

    /** The class of the exception this one replaces. */
    public String originalClass() {
      return originalClass;
    }

    @Override
    public String toString() {
      String message = getLocalizedMessage();
      return message == null ? originalClass : originalClass + ": " + message;
    }
  }
}
