package io.brume.cli;

import io.brume.coordinate.RttDatasets;
import io.brume.coordinate.RttMatrix;
import java.io.IOException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --dataset NAME|FILE}: a data set shipped with brume by name ({@code planetlab490}, {@code
 * aws32}) or a file; a value that is neither, or a file that is not a data set, is a one-line usage
 * error saying why.
 */
final class DatasetConverter implements ITypeConverter<RttMatrix> {
  /** For option descriptions. */
  static final String HELP =
      "RTT data set: planetlab490 or aws32 (shipped with brume), or a file: a whitespace matrix"
          + " in ms or AWS JSON, optionally gzip-compressed.";

  @Override
  public RttMatrix convert(String value) {
    try {
      return RttDatasets.load(value);
    } catch (IllegalArgumentException | IOException e) {
      throw new TypeConversionException(Errors.describe(e));
    }
  }
}
