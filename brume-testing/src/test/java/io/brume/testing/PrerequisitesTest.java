package io.brume.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class PrerequisitesTest {
  @Test
  void aMissingToolFailsInCiAndAbortsVisiblyElsewhereNamingTheTool() {
    Class<? extends Throwable> expected =
        Prerequisites.inCi() ? AssertionFailedError.class : TestAbortedException.class;
    assertThatThrownBy(() -> Prerequisites.requireTools("sh", "brume-no-such-tool-0f3a"))
        .isInstanceOf(expected)
        .hasMessageContaining("brume-no-such-tool-0f3a")
        .hasMessageNotContaining("sh,");
  }

  @Test
  void presentToolsAndAMetConditionLetTheTestRun() {
    assertThatCode(() -> Prerequisites.requireTools("sh")).doesNotThrowAnyException();
    assertThatCode(() -> Prerequisites.require(true, "anything")).doesNotThrowAnyException();
    assertThat(Prerequisites.find("sh")).isNotNull();
    assertThat(Prerequisites.find("brume-no-such-tool-0f3a")).isNull();
  }

  @Test
  void rootIsReadFromThisProcess() {
    assertThat(Prerequisites.isRoot()).isEqualTo("root".equals(System.getProperty("user.name")));
  }
}
