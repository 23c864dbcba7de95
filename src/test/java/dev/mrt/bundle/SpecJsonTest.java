package dev.mrt.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mrt.bundle.oci.Hooks;
import dev.mrt.bundle.oci.Resources;
import dev.mrt.bundle.oci.Rlimit;
import dev.mrt.bundle.oci.Spec;
import dev.mrt.bundle.oci.User;
import dev.mrt.image.ImageConfig;
import dev.mrt.network.Network;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SpecJson writes each field by hand; the oci records' annotations say what the JSON is. This holds
 * the one to the other: ObjectMapper, configured as mrt serialised specs before the hand writer,
 * must write the same bytes for every kind of spec mrt makes (DefaultSpecTest reads one back).
 */
class SpecJsonTest {
  /** The format config.json had from ObjectMapper: nulls left out, default indentation. */
  static final ObjectMapper DATABIND =
      new ObjectMapper()
          .setSerializationInclusion(JsonInclude.Include.NON_NULL)
          .enable(SerializationFeature.INDENT_OUTPUT);

  static Stream<Arguments> specs() {
    Spec rootful = SpecFixtures.rootful(ContainerRequest.of("true"));
    Spec rootless = SpecFixtures.rootless(ContainerRequest.of("python3", "-c", "print(\"é\\n\")"));
    Spec withMounts =
        SpecFixtures.rootful(
            new ContainerRequest(
                List.of("sh", "-c", "ls /in"),
                Map.of("A", "1", "QUOTE", "\"x\""),
                Optional.of("/in"),
                Optional.of("box"),
                Network.NONE,
                List.of(new BindMount(Path.of("/srv/in"), "/in", true))));
    Spec limited =
        rootless.withLinux(
            rootless
                .linux()
                .withResources(
                    new Resources(
                        new Resources.Memory(256L << 20, 256L << 20),
                        new Resources.Cpu(150_000, 100_000),
                        new Resources.Pids(100))));
    Spec memoryOnly =
        rootful.withLinux(
            rootful
                .linux()
                .withResources(new Resources(new Resources.Memory(1L << 30, null), null, null)));
    Spec rlimits = rootless.withProcess(rootless.process().withRlimits(List.of(Rlimit.nproc(64))));
    Spec hooks =
        rootless.withHooks(
            new Hooks(
                List.of(new Hooks.Hook("/usr/bin/pasta", List.of("pasta", "--config-net"), 10))));
    Spec noHooks = rootful.withHooks(new Hooks(List.of()));
    Spec seccomp =
        rootless.withLinux(
            rootless
                .linux()
                .withSeccomp(SeccompProfile.defaultFor("amd64", DefaultSpec.CAPABILITIES)));
    Spec image =
        DefaultSpec.build(
            SpecFixtures.ROOTFS,
            ImageConfig.NONE,
            new User(1000, 1000),
            ContainerRequest.of("id"),
            SpecFixtures.defaults("/bin", "h", true, Limits.NONE));
    return Stream.of(
        Arguments.of("rootful", rootful),
        Arguments.of("rootless", rootless),
        Arguments.of("bind mounts and env", withMounts),
        Arguments.of("all limits", limited),
        Arguments.of("memory limit without swap", memoryOnly),
        Arguments.of("rlimits", rlimits),
        Arguments.of("a createRuntime hook", hooks),
        Arguments.of("no hooks", noHooks),
        Arguments.of("seccomp", seccomp),
        Arguments.of("cgroup v2, another user", image));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("specs")
  void testToJson_sameBytesAsObjectMapper(String name, Spec spec) throws Exception {
    assertEquals(DATABIND.writeValueAsString(spec) + "\n", SpecJson.toJson(spec));
  }
}
