package io.brume.pull;

import static org.assertj.core.api.Assertions.assertThat;

import io.brume.oci.ImageReference;
import io.brume.oci.MediaType.Compression;
import io.brume.oci.Platform;
import io.brume.registry.RegistryClient;
import io.brume.store.ContentStore;
import io.brume.testing.ImagePusher;
import io.brume.testing.LocalRegistry;
import io.brume.testing.TestImage;
import io.brume.testing.TestLayer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several pulls of one image into one store at once, each with its own {@link ContentStore} as
 * separate {@code brume pull} processes would have: every one must succeed and leave one record and
 * no temporary file behind (issue 15: a fixed temporary name for the image record made some fail).
 */
class ConcurrentPullIT {
  @RegisterExtension static final LocalRegistry REGISTRY = LocalRegistry.create();

  private static final Platform AMD64 = Platform.of("linux", "amd64");
  private static final int AT_ONCE = 4;
  private static final int ROUNDS = 8;

  @TempDir Path storeRoot;

  @BeforeAll
  static void pushImage() {
    byte[] noise = new byte[200_000];
    new SplittableRandom(15).nextBytes(noise);
    TestImage image =
        TestImage.builder()
            .layer(TestLayer.builder().file("etc/os-release", "ID=brume\n"), Compression.GZIP)
            .layer(TestLayer.builder().file("data/noise.bin", noise, 0644), Compression.GZIP)
            .build();
    try (ImagePusher pusher = ImagePusher.anonymous(REGISTRY)) {
      pusher.push("brume/concurrent", "v1", image);
    }
  }

  @Test
  void concurrentPullsOfOneImageIntoOneStoreAllSucceed() throws Exception {
    ImageReference reference = ImageReference.parse(REGISTRY.hostPort() + "/brume/concurrent:v1");
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int round = 0; round < ROUNDS; round++) {
        CyclicBarrier start = new CyclicBarrier(AT_ONCE);
        List<Future<ImagePuller.Result>> pulls = new ArrayList<>();
        for (int i = 0; i < AT_ONCE; i++) {
          pulls.add(pool.submit(pull(reference, start)));
        }
        for (Future<ImagePuller.Result> pull : pulls) {
          assertThat(pull.get().image().reference()).isEqualTo(reference.toString());
        }
      }
    }
    try (ContentStore store = ContentStore.open(storeRoot);
        Stream<Path> records = Files.list(storeRoot.resolve("images"))) {
      assertThat(store.images().list()).hasSize(1);
      assertThat(records.map(p -> p.getFileName().toString()))
          .singleElement()
          .satisfies(name -> assertThat(name).endsWith(".json").doesNotStartWith("."));
    }
  }

  private Callable<ImagePuller.Result> pull(ImageReference reference, CyclicBarrier start) {
    return () -> {
      start.await();
      try (ContentStore store = ContentStore.open(storeRoot);
          RegistryClient client =
              RegistryClient.builder(REGISTRY.hostPort())
                  .plainHttp(true)
                  .sleeper(d -> {})
                  .connectTimeout(Duration.ofSeconds(5))
                  .build()) {
        return ImagePuller.builder(store, client).build().pull(reference, AMD64);
      }
    };
  }
}
