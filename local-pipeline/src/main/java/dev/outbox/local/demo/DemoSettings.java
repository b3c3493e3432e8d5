package dev.outbox.local.demo;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code ./run-local demo} options: how much to publish, how, and where the running pipeline is. */
record DemoSettings(int blogs, int authors, int clients, String blogUrl, String searchUrl) {

    static final String USAGE = "Usage: ./run-local demo [--blogs=1000] [--authors=20] [--clients=4]"
            + " [--blog-port=8080] [--search-port=8083]";

    static DemoSettings parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            if (!arg.startsWith("--") || equals < 0) {
                throw new IllegalArgumentException(USAGE);
            }
            options.put(arg.substring(2, equals), arg.substring(equals + 1));
        }
        DemoSettings settings = new DemoSettings(number(options, "blogs", 1000), number(options, "authors", 20),
                number(options, "clients", 4), "http://127.0.0.1:" + number(options, "blog-port", 8080),
                "http://127.0.0.1:" + number(options, "search-port", 8083));
        if (!options.isEmpty()) {
            throw new IllegalArgumentException("Unknown options " + options.keySet() + "\n" + USAGE);
        }
        return settings;
    }

    private static int number(Map<String, String> options, String name, int fallback) {
        String value = options.remove(name);
        try {
            int number = value == null ? fallback : Integer.parseInt(value);
            if (number < 1) {
                throw new NumberFormatException();
            }
            return number;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number ≥ 1, not '" + value + "'\n"
                    + USAGE);
        }
    }
}
