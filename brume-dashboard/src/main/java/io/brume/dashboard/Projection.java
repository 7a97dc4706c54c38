package io.brume.dashboard;

import java.util.List;

/**
 * Projects coordinates onto the plane of their two principal components (PCA), so the map shows the
 * directions in which the nodes actually spread, whatever the coordinate's dimensionality.
 *
 * <p>Power iteration with deflation on the d×d covariance matrix: d is small (8 by default), so
 * this is a few thousand multiplications. Principal axes have no intrinsic sign; each axis is
 * oriented so that the node farthest along it lies on the positive side, which keeps the picture
 * from flipping between two polls when the coordinates barely move.
 */
public final class Projection {
  private static final int ITERATIONS = 200;

  private Projection() {}

  /**
   * The 2-D position of each vector, in the vectors' units, centred on their mean.
   *
   * @param vectors one vector per node, all of the same length
   * @return one {@code {x, y}} pair per input vector, in order
   * @throws IllegalArgumentException if the vectors have different lengths
   */
  public static double[][] principalPlane(List<double[]> vectors) {
    int n = vectors.size();
    double[][] result = new double[n][2];
    if (n == 0) {
      return result;
    }
    int d = vectors.getFirst().length;
    double[][] centred = centre(vectors, d);
    double[][] covariance = covariance(centred, d);
    List<double[]> components = new java.util.ArrayList<>();
    for (int axis = 0; axis < Math.min(2, d); axis++) {
      double[] component = dominantEigenvector(covariance, axis, components);
      components.add(component);
      double eigenvalue = rayleigh(covariance, component);
      orient(component, centred);
      for (int i = 0; i < n; i++) {
        result[i][axis] = dot(centred[i], component);
      }
      deflate(covariance, component, eigenvalue);
    }
    return result;
  }

  private static double[][] centre(List<double[]> vectors, int d) {
    double[] mean = new double[d];
    for (double[] v : vectors) {
      if (v.length != d) {
        throw new IllegalArgumentException(
            "cannot project vectors of different dimensions: " + d + " and " + v.length);
      }
      for (int k = 0; k < d; k++) {
        mean[k] += v[k] / vectors.size();
      }
    }
    double[][] centred = new double[vectors.size()][d];
    for (int i = 0; i < vectors.size(); i++) {
      for (int k = 0; k < d; k++) {
        centred[i][k] = vectors.get(i)[k] - mean[k];
      }
    }
    return centred;
  }

  private static double[][] covariance(double[][] centred, int d) {
    double[][] c = new double[d][d];
    for (double[] row : centred) {
      for (int a = 0; a < d; a++) {
        for (int b = 0; b < d; b++) {
          c[a][b] += row[a] * row[b];
        }
      }
    }
    return c;
  }

  /**
   * Power iteration kept orthogonal to the {@code previous} components, so that when the deflated
   * matrix is (numerically) zero, as for collinear points, the result is still a unit vector
   * orthogonal to them and the points project to 0 on it.
   */
  private static double[] dominantEigenvector(
      double[][] matrix, int seedAxis, List<double[]> previous) {
    int d = matrix.length;
    double[] v = new double[d];
    for (int k = 0; k < d; k++) {
      // A fixed, non-degenerate start: deterministic, and not orthogonal to typical eigenvectors.
      v[k] = 1.0 + 0.1 * ((k + seedAxis) % d);
    }
    orthogonalise(v, previous);
    normalise(v);
    for (int iteration = 0; iteration < ITERATIONS; iteration++) {
      double[] next = multiply(matrix, v);
      orthogonalise(next, previous);
      if (norm(next) < 1e-9 * (1 + norm(matrix[0]))) {
        return v; // nothing left to explain along any axis: any unit vector will do
      }
      normalise(next);
      v = next;
    }
    return v;
  }

  private static void orthogonalise(double[] v, List<double[]> previous) {
    for (double[] p : previous) {
      double along = dot(v, p);
      for (int k = 0; k < v.length; k++) {
        v[k] -= along * p[k];
      }
    }
  }

  private static void orient(double[] component, double[][] centred) {
    double extreme = 0;
    for (double[] row : centred) {
      double p = dot(row, component);
      if (Math.abs(p) > Math.abs(extreme)) {
        extreme = p;
      }
    }
    if (extreme < 0) {
      for (int k = 0; k < component.length; k++) {
        component[k] = -component[k];
      }
    }
  }

  private static void deflate(double[][] matrix, double[] v, double eigenvalue) {
    for (int a = 0; a < v.length; a++) {
      for (int b = 0; b < v.length; b++) {
        matrix[a][b] -= eigenvalue * v[a] * v[b];
      }
    }
  }

  private static double rayleigh(double[][] matrix, double[] v) {
    return dot(v, multiply(matrix, v));
  }

  private static double[] multiply(double[][] matrix, double[] v) {
    double[] out = new double[v.length];
    for (int a = 0; a < v.length; a++) {
      out[a] = dot(matrix[a], v);
    }
    return out;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int k = 0; k < a.length; k++) {
      s += a[k] * b[k];
    }
    return s;
  }

  private static double norm(double[] v) {
    return Math.sqrt(dot(v, v));
  }

  private static void normalise(double[] v) {
    double n = norm(v);
    for (int k = 0; k < v.length; k++) {
      v[k] /= n;
    }
  }
}
