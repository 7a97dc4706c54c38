package io.brume.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One challenge of a {@code WWW-Authenticate} header (RFC 7235), e.g. {@code Bearer
 * realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:x:pull"}.
 *
 * @param scheme the scheme, lowercased ({@code bearer}, {@code basic})
 * @param parameters auth-params with lowercased names and unquoted values
 */
public record AuthChallenge(String scheme, Map<String, String> parameters) {

  /** Copies the parameters. */
  public AuthChallenge {
    parameters = Map.copyOf(parameters);
  }

  /** A parameter such as {@code realm}, {@code service} or {@code scope}. */
  public Optional<String> parameter(String name) {
    return Optional.ofNullable(parameters.get(name.toLowerCase(Locale.ROOT)));
  }

  /** Whether this is a Bearer token challenge. */
  public boolean isBearer() {
    return scheme.equals("bearer");
  }

  /** Whether this is a Basic challenge. */
  public boolean isBasic() {
    return scheme.equals("basic");
  }

  /**
   * Parses all challenges of one header value; commas inside quoted strings are respected and
   * malformed trailing parts are ignored rather than guessed at.
   */
  public static List<AuthChallenge> parse(String header) {
    List<AuthChallenge> challenges = new ArrayList<>();
    Tokenizer t = new Tokenizer(header);
    String scheme = null;
    Map<String, String> params = new LinkedHashMap<>();
    while (true) {
      t.skipSeparators();
      if (t.atEnd()) {
        break;
      }
      String token = t.token();
      if (token.isEmpty()) {
        break; // unexpected character: stop parsing
      }
      t.skipSpaces();
      if (t.peek() == '=' && scheme != null) {
        t.next();
        t.skipSpaces();
        String value = t.peek() == '"' ? t.quoted() : t.token();
        params.put(token.toLowerCase(Locale.ROOT), value);
      } else {
        if (scheme != null) {
          challenges.add(new AuthChallenge(scheme, params));
        }
        scheme = token.toLowerCase(Locale.ROOT);
        params = new LinkedHashMap<>();
      }
    }
    if (scheme != null) {
      challenges.add(new AuthChallenge(scheme, params));
    }
    return List.copyOf(challenges);
  }

  private static final class Tokenizer {
    private final String text;
    private int pos;

    Tokenizer(String text) {
      this.text = text == null ? "" : text;
    }

    boolean atEnd() {
      return pos >= text.length();
    }

    char peek() {
      return atEnd() ? '\0' : text.charAt(pos);
    }

    void next() {
      pos++;
    }

    void skipSpaces() {
      while (!atEnd() && (peek() == ' ' || peek() == '\t')) {
        pos++;
      }
    }

    void skipSeparators() {
      while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == ',')) {
        pos++;
      }
    }

    String token() {
      int start = pos;
      while (!atEnd() && "\"=, \t".indexOf(peek()) < 0) {
        pos++;
      }
      return text.substring(start, pos);
    }

    String quoted() {
      StringBuilder value = new StringBuilder();
      pos++; // opening quote
      while (!atEnd() && peek() != '"') {
        if (peek() == '\\' && pos + 1 < text.length()) {
          pos++;
        }
        value.append(peek());
        pos++;
      }
      pos++; // closing quote
      return value.toString();
    }
  }
}
