package io.brume.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AuthChallengeTest {

  @Test
  void parsesDockerHubBearerChallenge() {
    List<AuthChallenge> challenges =
        AuthChallenge.parse(
            "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                + "scope=\"repository:library/alpine:pull\"");
    assertThat(challenges).hasSize(1);
    AuthChallenge bearer = challenges.get(0);
    assertThat(bearer.isBearer()).isTrue();
    assertThat(bearer.parameter("realm")).contains("https://auth.docker.io/token");
    assertThat(bearer.parameter("service")).contains("registry.docker.io");
    assertThat(bearer.parameter("scope")).contains("repository:library/alpine:pull");
  }

  @Test
  void respectsCommasAndEscapesInQuotedValues() {
    AuthChallenge challenge =
        AuthChallenge.parse(
                "bearer realm=\"https://ghcr.io/token\", scope=\"repository:a/b:pull,push\","
                    + " error=\"say \\\"hi\\\"\"")
            .get(0);
    assertThat(challenge.parameter("scope")).contains("repository:a/b:pull,push");
    assertThat(challenge.parameter("error")).contains("say \"hi\"");
    assertThat(challenge.parameter("REALM")).contains("https://ghcr.io/token");
  }

  @Test
  void parsesSeveralChallengesAndBareTokens() {
    List<AuthChallenge> challenges =
        AuthChallenge.parse("Basic realm=\"Registry Realm\", Bearer realm=x,service=y");
    assertThat(challenges).extracting(AuthChallenge::scheme).containsExactly("basic", "bearer");
    assertThat(challenges.get(0).parameter("realm")).contains("Registry Realm");
    assertThat(challenges.get(1).parameter("realm")).contains("x");
    assertThat(challenges.get(1).parameter("service")).contains("y");
  }

  @Test
  void toleratesEmptyAndGarbage() {
    assertThat(AuthChallenge.parse("")).isEmpty();
    assertThat(AuthChallenge.parse(null)).isEmpty();
    assertThat(AuthChallenge.parse("Basic"))
        .extracting(AuthChallenge::scheme)
        .containsExactly("basic");
    assertThat(AuthChallenge.parse("Bearer realm=\"unterminated").get(0).parameter("realm"))
        .contains("unterminated");
  }
}
