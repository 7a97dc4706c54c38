package io.brume.oci;

import static io.brume.oci.ManifestParsingTest.D1;
import static io.brume.oci.ManifestParsingTest.D2;
import static io.brume.oci.ManifestParsingTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageConfigTest {

  static final String CONFIG =
      """
      {'architecture': 'arm', 'os': 'linux', 'variant': 'v7', 'created': '2024-01-01T00:00:00Z',
       'config': {'User': 'app:app', 'ExposedPorts': {'80/tcp': {}, '53/udp': {}},
                  'Env': ['PATH=/usr/bin', 'A=b=c'], 'Entrypoint': ['/bin/sh', '-c'],
                  'Cmd': ['echo hi'], 'WorkingDir': '/srv', 'Labels': {'k': 'v'},
                  'StopSignal': 'SIGTERM', 'Volumes': {'/data': {}}},
       'rootfs': {'type': 'layers', 'diff_ids': ['D1', 'D2']},
       'history': [{'created_by': 'x'}]}
      """
          .replace("D1", D1)
          .replace("D2", D2);

  @Test
  void parsesTheFieldsNeededToRun() {
    ImageConfig config = ImageConfig.parse(json(CONFIG));
    assertThat(config.platform()).isEqualTo(Platform.parse("linux/arm/v7"));
    ImageConfig.RuntimeConfig runtime = config.runtime();
    assertThat(runtime.env()).containsExactly("PATH=/usr/bin", "A=b=c");
    assertThat(runtime.entrypoint()).containsExactly("/bin/sh", "-c");
    assertThat(runtime.cmd()).containsExactly("echo hi");
    assertThat(runtime.workingDir()).isEqualTo("/srv");
    assertThat(runtime.user()).isEqualTo("app:app");
    assertThat(runtime.exposedPorts()).containsExactly("80/tcp", "53/udp");
    assertThat(runtime.labels()).containsEntry("k", "v");
    assertThat(config.diffIds()).extracting(Digest::toString).containsExactly(D1, D2);
  }

  @Test
  void missingProcessConfigIsEmpty() {
    ImageConfig config =
        ImageConfig.parse(
            json("{'architecture':'amd64','os':'linux','rootfs':{'type':'layers','diff_ids':[]}}"));
    assertThat(config.runtime()).isEqualTo(ImageConfig.RuntimeConfig.empty());
    assertThat(config.variant()).isEmpty();
  }

  @Test
  void roundTripsThroughJson() {
    ImageConfig config = ImageConfig.parse(json(CONFIG));
    assertThat(ImageConfig.parse(config.toJson())).isEqualTo(config);
  }

  // Modelled on image-spec schema/config_test.go.
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "{'os':'linux','rootfs':{'type':'layers','diff_ids':[]}}|missing field 'architecture'",
        "{'architecture':'amd64','rootfs':{'type':'layers','diff_ids':[]}}|missing field 'os'",
        "{'architecture':'amd64','os':'linux'}|missing field 'rootfs'",
        "{'architecture':'amd64','os':'linux','rootfs':{'diff_ids':[]}}|missing field 'rootfs.type'",
        "{'architecture':'amd64','os':'linux','rootfs':{'type':'layers'}}|missing field 'rootfs.diff_ids'",
        "{'architecture':'amd64','os':'linux','rootfs':{'type':'tar','diff_ids':[]}}|'rootfs.type' must be 'layers'",
        "{'architecture':'amd64','os':'linux','rootfs':{'type':'layers','diff_ids':['sha256:1']}}|'rootfs.diff_ids[0]' is not a valid digest",
        "{'architecture':'amd64','os':'linux','rootfs':{'type':'layers','diff_ids':[1]}}|'rootfs.diff_ids' must be an array of strings",
        "{'architecture':'amd64','os':'linux','config':{'Env':'A=b'},'rootfs':{'type':'layers','diff_ids':[]}}|'config.Env' must be an array of strings",
        "{'architecture':'amd64','os':'linux','config':{'User':1},'rootfs':{'type':'layers','diff_ids':[]}}|'config.User' must be a string",
        "{'architecture':'amd64','os':'linux','config':{'ExposedPorts':['80']},'rootfs':{'type':'layers','diff_ids':[]}}|'config.ExposedPorts' must be an object",
        "{'architecture':7,'os':'linux','rootfs':{'type':'layers','diff_ids':[]}}|'architecture' must be a string",
      })
  void rejectsInvalidConfigsNamingTheField(String document, String message) {
    assertThatThrownBy(() -> ImageConfig.parse(json(document)))
        .isInstanceOf(InvalidContentException.class)
        .hasMessageStartingWith("config: ")
        .hasMessageContaining(message);
  }
}
