package io.brume.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The proxy's request parser faces every client: whatever the bytes, a request head is returned
 * only if it is valid HTTP/1.x (token method, target without spaces or controls, token header
 * names, values without controls, one Host on 1.1), and otherwise it fails with an {@link
 * IOException} ({@link MalformedHttpException} with a 4xx/5xx status for bad input), quickly; a
 * valid request parses to what was sent.
 */
class HttpParserPropertyTest {
  private static final Duration BOUND = Duration.ofSeconds(2);

  @Property(tries = 300)
  void arbitraryBytesAreAValidRequestOrRejected(@ForAll @Size(max = 4096) byte[] bytes) {
    parsesOrRejects(bytes);
  }

  @Property(tries = 300)
  void damagedRequestsAreValidOrRejected(
      @ForAll("requests") Tuple.Tuple3<String, String, List<Tuple.Tuple2<String, String>>> request,
      @ForAll @IntRange(min = 0, max = 4000) int at,
      @ForAll("damage") String inserted) {
    byte[] bytes = render(request).getBytes(StandardCharsets.ISO_8859_1);
    int position = at % bytes.length;
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    parsesOrRejects(
        (text.substring(0, position) + inserted + text.substring(position))
            .getBytes(StandardCharsets.ISO_8859_1));
  }

  @Property(tries = 300)
  void validRequestsParseToWhatWasSent(
      @ForAll("requests") Tuple.Tuple3<String, String, List<Tuple.Tuple2<String, String>>> request)
      throws IOException {
    RequestHead head = parse(render(request).getBytes(StandardCharsets.ISO_8859_1));
    assertThat(head.method()).isEqualTo(request.get1());
    assertThat(head.target()).isEqualTo(request.get2());
    assertThat(head.version()).isEqualTo("HTTP/1.1");
    List<Tuple.Tuple2<String, String>> headers = request.get3();
    assertThat(head.headers().size()).isEqualTo(headers.size() + 1);
    for (int i = 0; i < headers.size(); i++) {
      assertThat(head.headers().name(i + 1)).isEqualTo(headers.get(i).get1());
      assertThat(head.headers().value(i + 1)).isEqualTo(headers.get(i).get2().strip());
    }
  }

  @Property(tries = 200)
  void aBareCrOrNulInTheHeadIsRejected(
      @ForAll("requests") Tuple.Tuple3<String, String, List<Tuple.Tuple2<String, String>>> request,
      @ForAll @IntRange(min = 0, max = 4000) int at,
      @ForAll("forbidden") String control) {
    String text = render(request);
    int head = text.indexOf("\r\n\r\n");
    int position = 1 + at % (head - 1);
    String damaged = text.substring(0, position) + control + text.substring(position);
    assertThatThrownBy(() -> parse(damaged.getBytes(StandardCharsets.ISO_8859_1)))
        .isInstanceOf(MalformedHttpException.class);
  }

  private static RequestHead parse(byte[] bytes) throws IOException {
    return HttpParser.readRequest(new HttpInput(new ByteArrayInputStream(bytes), true, null));
  }

  private static void parsesOrRejects(byte[] bytes) {
    assertTimeoutPreemptively(
        BOUND,
        () -> {
          RequestHead head;
          try {
            head = parse(bytes);
          } catch (MalformedHttpException rejected) {
            assertThat(rejected.getMessage()).isNotBlank();
            return;
          } catch (IOException endedEarly) {
            return; // the stream ended inside the head: the client is gone, nothing was accepted
          }
          if (head == null) {
            return; // nothing but the end of the stream
          }
          assertThat(head.method()).matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
          // RFC 9112 allows no whitespace or control character in the target (this property found
          // a TAB being accepted there: "GET \t/ HTTP/1.1").
          assertThat(head.target()).isNotEmpty().matches("[^\\x00-\\x20\\x7f]+");
          assertThat(head.version()).isIn("HTTP/1.1", "HTTP/1.0");
          for (int i = 0; i < head.headers().size(); i++) {
            assertThat(head.headers().name(i)).matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
            assertThat(head.headers().value(i)).doesNotContain("\r", "\n", "\0");
          }
          if (head.version().equals("HTTP/1.1")) {
            assertThat(head.headers().count("Host")).isEqualTo(1);
          }
        });
  }

  private static String render(
      Tuple.Tuple3<String, String, List<Tuple.Tuple2<String, String>>> request) {
    StringBuilder text =
        new StringBuilder(request.get1() + " " + request.get2() + " HTTP/1.1\r\nHost: x\r\n");
    for (Tuple.Tuple2<String, String> header : request.get3()) {
      text.append(header.get1()).append(": ").append(header.get2()).append("\r\n");
    }
    return text.append("\r\n").toString();
  }

  @Provide
  Arbitrary<Tuple.Tuple3<String, String, List<Tuple.Tuple2<String, String>>>> requests() {
    Arbitrary<String> tokens =
        Arbitraries.strings()
            .withChars("!#$%&'*+.^_`|~-")
            .alpha()
            .numeric()
            .ofMinLength(1)
            .ofMaxLength(12);
    Arbitrary<String> targets =
        Arbitraries.strings()
            .withCharRange('!', '~')
            .ofMinLength(0)
            .ofMaxLength(40)
            .map(s -> "/" + s);
    Arbitrary<String> values =
        Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(30).map(String::strip);
    Arbitrary<Tuple.Tuple2<String, String>> headers =
        Combinators.combine(tokens.filter(t -> !t.equalsIgnoreCase("host")), values).as(Tuple::of);
    return Combinators.combine(tokens, targets, headers.list().ofMaxSize(8)).as(Tuple::of);
  }

  @Provide
  Arbitrary<String> damage() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            "\r",
            "\n",
            "\0",
            " ",
            "\t",
            ":",
            "\r\n",
            "\r\n\r\n",
            "\r\nHost: y",
            "\r\n x",
            "\u00ff",
            "\u007f",
            "HTTP/2.0",
            "Transfer-Encoding: chunked\r\n"),
        Arbitraries.strings()
            .ofMaxLength(8)
            .map(s -> new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)));
  }

  @Provide
  Arbitrary<String> forbidden() {
    return Arbitraries.of("\0", "\r", "\u0001", "\u007f");
  }
}
