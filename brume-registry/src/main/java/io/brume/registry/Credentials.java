package io.brume.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * A registry username and password (or token used as password). {@link #toString()} never shows the
 * password, so credentials cannot leak through logs or exception messages.
 *
 * @param username the user name
 * @param password the password or personal access token
 */
public record Credentials(String username, String password) {

  /** Requires both parts. */
  public Credentials {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
  }

  /** The value of an {@code Authorization: Basic …} header. */
  public String basicAuthorization() {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "Credentials[username=" + username + ", password=***]";
  }
}
