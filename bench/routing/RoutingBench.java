// Routing benchmark: the α sweep (latency vs imbalance, written as an SVG chart) and every policy over several
// seeds, on one data set. Run with bench/routing/run.sh; uses the real brume-router and brume-coordinate jars.
import io.brume.coordinate.RttDatasets;
import io.brume.coordinate.RttMatrix;
import io.brume.router.Fog;
import io.brume.router.FogDatasets;
import io.brume.router.PolicyResult;
import io.brume.router.RouteSimulator;
import io.brume.router.RoutingPolicies;
import io.brume.router.SimulationConfig;
import io.brume.router.SimulationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

public class RoutingBench {
  public static void main(String[] args) throws Exception {
    RttMatrix dataset = RttDatasets.load(args[0]); // a shipped name (planetlab490) or a file
    Path svg = Path.of(args[1]);
    int seeds = Integer.parseInt(args[2]);
    SimulationConfig base = SimulationConfig.defaults();

    System.out.println("## Every policy, seeds 1.." + seeds + " (load 0.5, uniform demand)");
    for (long seed = 1; seed <= seeds; seed++) {
      SimulationConfig config = base.withSeed(seed);
      SimulationReport report = RouteSimulator.simulate(FogDatasets.load(dataset, config), config, RoutingPolicies.NAMES);
      System.out.println("### seed " + seed);
      System.out.print(report.toTable());
    }
    System.out.println("## Hot spot 0.6, seed 1");
    SimulationConfig hot = base.withDemand(0.5, 0.6);
    System.out.print(RouteSimulator.simulate(FogDatasets.load(dataset, hot), hot, RoutingPolicies.NAMES).toTable());

    System.out.println("## alpha sweep, seed 1");
    Fog fog = FogDatasets.load(dataset, base);
    List<double[]> sweep = new ArrayList<>();
    for (int i = 0; i <= 10; i++) {
      double alpha = i / 10.0;
      SimulationConfig config = base.withPolicyParameters(alpha, base.n());
      PolicyResult r = RouteSimulator.simulate(fog, config, List.of("proximity-alpha")).policies().get("proximity-alpha");
      sweep.add(new double[] {alpha, r.maxMeanLoad(), r.meanLatencyMillis(), r.p95LatencyMillis()});
      System.out.printf(Locale.ROOT, "alpha %.1f  max/mean %.3f  mean %.2f ms  p95 %.2f ms%n", alpha, r.maxMeanLoad(), r.meanLatencyMillis(), r.p95LatencyMillis());
    }
    SimulationReport all = RouteSimulator.simulate(fog, base, RoutingPolicies.NAMES);
    Files.writeString(svg, chart(sweep, all));
  }

  static String chart(List<double[]> sweep, SimulationReport all) {
    double x0 = 0.95, x1 = 1.6, y0 = 0, y1 = 140;
    int w = 720, h = 440, left = 70, right = 170, top = 30, bottom = 60;
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' font-family='sans-serif' font-size='12'>%n", w, h));
    s.append("<rect width='100%' height='100%' fill='white'/>\n");
    s.append(String.format(Locale.ROOT, "<text x='%d' y='18' font-size='14'>PlanetLab490, 50 nodes, 5 replicas, load 0.5, seed 1: mean latency vs imbalance</text>%n", left));
    java.util.function.DoubleUnaryOperator px = x -> left + (x - x0) / (x1 - x0) * (w - left - right);
    java.util.function.DoubleUnaryOperator py = y -> h - bottom - (y - y0) / (y1 - y0) * (h - top - bottom);
    for (double x = 1.0; x <= x1 + 1e-9; x += 0.1) {
      s.append(String.format(Locale.ROOT, "<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='#ddd'/><text x='%.1f' y='%d' text-anchor='middle'>%.1f</text>%n", px.applyAsDouble(x), top, px.applyAsDouble(x), h - bottom, px.applyAsDouble(x), h - bottom + 16, x));
    }
    for (double y = 0; y <= y1 + 1e-9; y += 20) {
      s.append(String.format(Locale.ROOT, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#ddd'/><text x='%d' y='%.1f' text-anchor='end'>%.0f</text>%n", left, py.applyAsDouble(y), w - right, py.applyAsDouble(y), left - 6, py.applyAsDouble(y) + 4, y));
    }
    s.append(String.format(Locale.ROOT, "<text x='%d' y='%d' text-anchor='middle'>max_mean_load (busiest replica / mean)</text>%n", (left + w - right) / 2, h - 20));
    s.append(String.format(Locale.ROOT, "<text x='18' y='%d' transform='rotate(-90 18 %d)' text-anchor='middle'>mean latency, ms</text>%n", (top + h - bottom) / 2, (top + h - bottom) / 2));
    StringBuilder path = new StringBuilder();
    for (double[] p : sweep) {
      path.append(path.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", px.applyAsDouble(p[1]), py.applyAsDouble(p[2])));
    }
    s.append("<path d='").append(path).append("' fill='none' stroke='#1f77b4' stroke-width='2'/>\n");
    for (double[] p : sweep) {
      s.append(String.format(Locale.ROOT, "<circle cx='%.1f' cy='%.1f' r='3' fill='#1f77b4'/><text x='%.1f' y='%.1f' fill='#1f77b4' font-size='10'>α=%.1f</text>%n", px.applyAsDouble(p[1]), py.applyAsDouble(p[2]), px.applyAsDouble(p[1]) + 5, py.applyAsDouble(p[2]) - 4, p[0]));
    }
    String[] colours = {"#7f7f7f", "#8c564b", "#bcbd22", "#ff7f0e", "#9467bd", "#1f77b4", "#d62728"};
    int i = 0, legendY = top + 10;
    for (var e : all.policies().entrySet()) {
      String c = colours[i++ % colours.length];
      double lx = Math.min(Math.max(e.getValue().maxMeanLoad(), x0), x1);
      s.append(String.format(Locale.ROOT, "<rect x='%.1f' y='%.1f' width='8' height='8' fill='%s'/>%n", px.applyAsDouble(lx) - 4, py.applyAsDouble(e.getValue().meanLatencyMillis()) - 4, c));
      s.append(String.format(Locale.ROOT, "<rect x='%d' y='%d' width='8' height='8' fill='%s'/><text x='%d' y='%d'>%s</text>%n", w - right + 12, legendY, c, w - right + 26, legendY + 8, e.getKey()));
      legendY += 18;
    }
    double oracleY = py.applyAsDouble(all.oracle().meanLatencyMillis());
    s.append(String.format(Locale.ROOT, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='black' stroke-dasharray='4 3'/><text x='%d' y='%d'>- - oracle mean</text>%n", left, oracleY, w - right, oracleY, w - right + 12, legendY + 8));
    s.append("</svg>\n");
    return s.toString();
  }
}
