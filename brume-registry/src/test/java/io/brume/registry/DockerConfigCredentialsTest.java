package io.brume.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerConfigCredentialsTest {

  @TempDir Path home;

  private static String auth(String userColonPassword) {
    return Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
  }

  private Path write(Path dir, String json) throws IOException {
    Files.createDirectories(dir);
    return Files.writeString(dir.resolve("config.json"), json);
  }

  @Test
  void readsAuthsFromHomeDockerConfig() throws IOException {
    write(
        home.resolve(".docker"),
        """
        {"auths": {
           "https://index.docker.io/v1/": {"auth": "%s"},
           "localhost:5000": {"auth": "%s"},
           "https://ghcr.io": {"username": "u", "password": "p"},
           "quay.io": {}
         },
         "credsStore": "desktop"}
        """
            .formatted(auth("hubuser:hub:pass"), auth("local:secret")));
    DockerConfigCredentials credentials = DockerConfigCredentials.load(Map.of(), home);
    assertThat(credentials.forRegistry("docker.io"))
        .contains(new Credentials("hubuser", "hub:pass"));
    assertThat(credentials.forRegistry("localhost:5000"))
        .contains(new Credentials("local", "secret"));
    assertThat(credentials.forRegistry("ghcr.io")).contains(new Credentials("u", "p"));
    assertThat(credentials.forRegistry("quay.io")).isEmpty();
    assertThat(credentials.forRegistry("example.com")).isEmpty();
  }

  @Test
  void dockerConfigVariableWins() throws IOException {
    Path custom = home.resolve("custom");
    write(custom, "{\"auths\":{\"r.io\":{\"auth\":\"" + auth("a:b") + "\"}}}");
    write(home.resolve(".docker"), "{\"auths\":{}}");
    DockerConfigCredentials credentials =
        DockerConfigCredentials.load(Map.of("DOCKER_CONFIG", custom.toString()), home);
    assertThat(credentials.forRegistry("r.io")).contains(new Credentials("a", "b"));
  }

  @Test
  void missingFileMeansNoCredentials() throws IOException {
    assertThat(DockerConfigCredentials.load(Map.of(), home).forRegistry("docker.io")).isEmpty();
  }

  @Test
  void malformedAuthIsReportedWithoutTheSecret() throws IOException {
    Path file =
        write(
            home.resolve(".docker"),
            "{\"auths\":{\"r.io\":{\"auth\":\"" + auth("nocolon") + "\"}}}");
    assertThatThrownBy(() -> DockerConfigCredentials.parse(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("r.io")
        .hasMessageContaining(file.toString())
        .hasMessageNotContaining("nocolon");
  }

  @Test
  void credentialsNeverPrintThePassword() {
    assertThat(new Credentials("user", "s3cret").toString())
        .contains("user")
        .doesNotContain("s3cret");
  }
}
