package io.brume.proxy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Renders brume's NAT chains as {@code iptables-restore --noflush} input, the way kube-proxy does.
 * Pure: no I/O, the same services always give the same text.
 *
 * <p>Layout: {@code BRUME-SERVICES} (jumped to from {@code OUTPUT} and {@code PREROUTING}) matches
 * each virtual IP and port and jumps to the service's {@code BRUME-SVC-<hash>} chain; that chain
 * picks one {@code BRUME-SEP-<hash>} endpoint chain, which DNATs to the replica.
 *
 * <p>Weights: rules are evaluated in order, so rule i must fire with the <em>conditional</em>
 * probability p_i = w_i / Σ_{j≥i} w_j (the chance of i given that no earlier rule fired); then P(i)
 * = p_i · Π_{j<i} (1 − p_j) = w_i / Σ_j w_j exactly. The last rule is unconditional. The
 * probabilities are printed with 10 decimals, as kube-proxy does (kubernetes#83599); the kernel
 * stores them with a resolution of 2^-31, so the split is exact to about 1e-9.
 */
public final class IptablesRules {
  /** Prefix of every chain brume owns; nothing else is ever touched. */
  public static final String CHAIN_PREFIX = "BRUME-";

  public static final String SERVICES_CHAIN = "BRUME-SERVICES";
  static final String SERVICE_CHAIN_PREFIX = "BRUME-SVC-";
  static final String ENDPOINT_CHAIN_PREFIX = "BRUME-SEP-";

  private IptablesRules() {}

  /** The chain names the rendering of {@code services} declares, {@code BRUME-SERVICES} first. */
  public static Set<String> chains(List<KernelService> services) {
    Set<String> chains = new LinkedHashSet<>();
    chains.add(SERVICES_CHAIN);
    for (KernelService service : services) {
      chains.add(serviceChain(service));
      for (KernelService.WeightedEndpoint endpoint : service.endpoints()) {
        chains.add(endpointChain(service, endpoint.endpoint()));
      }
    }
    return chains;
  }

  /**
   * The {@code iptables-restore --noflush} input that makes brume's chains exactly {@code services}
   * and deletes {@code staleChains} (brume chains from an earlier rendering). Declaring a chain
   * flushes it, so the whole update is one atomic transaction.
   */
  public static String render(List<KernelService> services, Set<String> staleChains) {
    Set<String> chains = chains(services);
    StringBuilder out = new StringBuilder("*nat\n");
    Set<String> declared = new LinkedHashSet<>(chains);
    for (String stale : staleChains) {
      if (!stale.startsWith(CHAIN_PREFIX)) {
        throw new IllegalArgumentException("refusing to delete chain " + stale + ": not brume's");
      }
      declared.add(stale);
    }
    for (String chain : declared) {
      out.append(':').append(chain).append(" - [0:0]\n");
    }
    for (KernelService service : services) {
      appendService(out, service);
    }
    for (String chain : declared) {
      if (!chains.contains(chain)) {
        out.append("-X ").append(chain).append('\n');
      }
    }
    return out.append("COMMIT\n").toString();
  }

  /** Input that flushes and deletes {@code chains} (after the hooks to them are removed). */
  public static String renderDeletion(Set<String> chains) {
    StringBuilder out = new StringBuilder("*nat\n");
    for (String chain : chains) {
      if (!chain.startsWith(CHAIN_PREFIX)) {
        throw new IllegalArgumentException("refusing to delete chain " + chain + ": not brume's");
      }
      out.append(':').append(chain).append(" - [0:0]\n");
    }
    for (String chain : chains) {
      out.append("-X ").append(chain).append('\n');
    }
    return out.append("COMMIT\n").toString();
  }

  private static void appendService(StringBuilder out, KernelService service) {
    List<KernelService.WeightedEndpoint> weighted = new ArrayList<>();
    for (KernelService.WeightedEndpoint endpoint : service.endpoints()) {
      if (endpoint.weight() > 0) {
        weighted.add(endpoint);
      }
    }
    if (weighted.isEmpty()) {
      return; // no jump: the virtual IP is not translated, as for a service without endpoints
    }
    String svcChain = serviceChain(service);
    out.append("-A ")
        .append(SERVICES_CHAIN)
        .append(" -d ")
        .append(service.virtualIp())
        .append("/32 -p tcp -m tcp --dport ")
        .append(service.port())
        .append(comment(service.name()))
        .append(" -j ")
        .append(svcChain)
        .append('\n');
    double remaining = 0;
    for (KernelService.WeightedEndpoint endpoint : weighted) {
      remaining += endpoint.weight();
    }
    for (int i = 0; i < weighted.size(); i++) {
      KernelService.WeightedEndpoint endpoint = weighted.get(i);
      out.append("-A ")
          .append(svcChain)
          .append(comment(service.name() + " -> " + endpoint.endpoint().name()));
      if (i < weighted.size() - 1) {
        out.append(" -m statistic --mode random --probability ")
            .append(probability(endpoint.weight() / remaining));
      }
      out.append(" -j ").append(endpointChain(service, endpoint.endpoint())).append('\n');
      remaining -= endpoint.weight();
    }
    for (KernelService.WeightedEndpoint endpoint : weighted) {
      Endpoint replica = endpoint.endpoint();
      out.append("-A ")
          .append(endpointChain(service, replica))
          .append(comment(service.name() + " -> " + replica.name()))
          .append(" -p tcp -m tcp -j DNAT --to-destination ")
          .append(replica.host())
          .append(':')
          .append(replica.port())
          .append('\n');
    }
  }

  /** p formatted with 10 decimals; clamped to [0, 1] against floating-point drift. */
  static String probability(double p) {
    return String.format(Locale.ROOT, "%.10f", Math.min(1.0, Math.max(0.0, p)));
  }

  static String serviceChain(KernelService service) {
    return SERVICE_CHAIN_PREFIX
        + hash("tcp/" + service.name() + "/" + service.virtualIp() + ":" + service.port());
  }

  static String endpointChain(KernelService service, Endpoint endpoint) {
    return ENDPOINT_CHAIN_PREFIX
        + hash(
            "tcp/"
                + service.name()
                + "/"
                + endpoint.name()
                + "/"
                + endpoint.host()
                + ":"
                + endpoint.port());
  }

  /**
   * 16 characters of base32 SHA-256 (80 bits), so chain names are 26 characters, within iptables'
   * 28-character limit, and collisions are negligible.
   */
  private static String hash(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return base32(digest).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  private static String base32(byte[] bytes) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    StringBuilder out = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (byte b : bytes) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    return out.toString();
  }

  /** A comment match; quotes and non-printable characters are dropped so the line parses. */
  private static String comment(String text) {
    String safe = text.replaceAll("[^A-Za-z0-9 ._:/>=-]", "_");
    if (safe.length() > 200) {
      safe = safe.substring(0, 200);
    }
    return " -m comment --comment \"" + safe + "\"";
  }
}
