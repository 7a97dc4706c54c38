package io.brume.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** containerd's hosts.toml layout, as Spegel and operators write it. */
class HostsDirectoryTest {
  @TempDir Path dir;

  @Test
  void mirrorsThatMayPullComeFirstThenTheServer() throws Exception {
    Path registry = Files.createDirectories(dir.resolve("registry.example:5000"));
    Files.writeString(
        registry.resolve("hosts.toml"),
        """
        server = "https://registry.example:5000"

        [host."http://10.0.0.7:30020"]
          capabilities = ["pull", "resolve"]

        [host."https://push-only.example"]
          capabilities = ["push"]

        [host."https://mirror.example"]
          capabilities = ["pull"]
          skip_verify = true
          ca = ["mirror-ca.pem"]
        """);

    var hosts = HostsDirectory.at(dir).hostsFor("registry.example:5000").orElseThrow();

    assertThat(hosts)
        .extracting(HostsDirectory.Host::uri)
        .containsExactly(
            URI.create("http://10.0.0.7:30020"),
            URI.create("https://mirror.example"),
            URI.create("https://registry.example:5000"));
    assertThat(hosts.get(1).skipVerify()).isTrue();
    assertThat(hosts.get(1).ca()).containsExactly(registry.resolve("mirror-ca.pem"));
    assertThat(hosts.get(2).canPull()).isTrue();
  }

  @Test
  void defaultDirectoryAndUnconfiguredRegistries() throws Exception {
    assertThat(HostsDirectory.at(dir).hostsFor("docker.io")).isEmpty();
    Files.createDirectories(dir.resolve("_default"));
    Files.writeString(dir.resolve("_default/hosts.toml"), "ca = \"ca.pem\"\n");

    var hosts = HostsDirectory.at(dir).hostsFor("docker.io").orElseThrow();

    assertThat(hosts)
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.uri()).isEqualTo(URI.create("https://registry-1.docker.io"));
              assertThat(h.ca()).containsExactly(dir.resolve("_default/ca.pem"));
            });
  }

  @Test
  void aBrokenFileIsNamed() throws Exception {
    Files.createDirectories(dir.resolve("bad.example"));
    Files.writeString(dir.resolve("bad.example/hosts.toml"), "server = [unclosed\n");

    assertThatThrownBy(() -> HostsDirectory.at(dir).hostsFor("bad.example"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad.example/hosts.toml");
  }
}
