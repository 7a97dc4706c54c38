package io.brume.cli;

import io.brume.coordinate.VivaldiConfig;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code brume vivaldi eval --set FIELD=VALUE}: sets fields of a {@link VivaldiConfig} through its
 * builder, by name, so an ablation can switch one knob of {@code robust()} off without a new
 * configuration in the code. The builder validates, and its message names the field.
 */
final class ConfigOverrides {
  private ConfigOverrides() {}

  /**
   * {@code config} with every override applied, in order.
   *
   * @throws IllegalArgumentException naming the field or the value that is wrong
   */
  static VivaldiConfig apply(VivaldiConfig config, Map<String, String> overrides) {
    if (overrides.isEmpty()) {
      return config;
    }
    VivaldiConfig.Builder builder = config.toBuilder();
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      Method setter = setter(e.getKey());
      Object value = parse(e.getKey(), setter.getParameterTypes()[0], e.getValue().strip());
      try {
        setter.invoke(builder, value);
      } catch (IllegalAccessException | InvocationTargetException ex) {
        throw new IllegalStateException("cannot set VivaldiConfig." + e.getKey(), ex);
      }
    }
    return builder.build();
  }

  private static Method setter(String field) {
    for (Method m : VivaldiConfig.Builder.class.getMethods()) {
      if (m.getName().equals(field)
          && m.getParameterCount() == 1
          && m.getReturnType() == VivaldiConfig.Builder.class) {
        return m;
      }
    }
    TreeSet<String> known = new TreeSet<>();
    Arrays.stream(VivaldiConfig.Builder.class.getMethods())
        .filter(m -> m.getParameterCount() == 1 && m.getReturnType() == VivaldiConfig.Builder.class)
        .forEach(m -> known.add(m.getName()));
    throw new IllegalArgumentException(
        "unknown VivaldiConfig field '" + field + "' (known: " + String.join(", ", known) + ")");
  }

  private static Object parse(String field, Class<?> type, String text) {
    try {
      if (type == int.class) {
        return Integer.parseInt(text);
      }
      if (type == double.class) {
        return Double.parseDouble(text);
      }
      if (type == Duration.class) {
        return duration(text);
      }
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new IllegalArgumentException(
          field + " must be " + describe(type) + ", got '" + text + "'", e);
    }
    throw new IllegalStateException("VivaldiConfig." + field + " has an unsupported type " + type);
  }

  private static Duration duration(String text) {
    if (text.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
    }
    if (text.endsWith("s")) {
      return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
    }
    if (text.endsWith("m")) {
      return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
    }
    return Duration.parse(text);
  }

  private static String describe(Class<?> type) {
    if (type == Duration.class) {
      return "a duration (300ms, 8s, 5m or ISO-8601 such as PT5M)";
    }
    return type == int.class ? "an integer" : "a number";
  }
}
