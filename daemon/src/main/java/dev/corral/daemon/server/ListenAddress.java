package dev.corral.daemon.server;

import dev.corral.api.ApiException;

/** A listen address as Incus accepts it: "host:port", "[v6]:port", ":port" (all addresses), or a host alone. */
public record ListenAddress(String host, int port) {

    public static ListenAddress parse(String text, int defaultPort) {
        String host = text;
        String port = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw invalid(text);
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw invalid(text);
                }
                port = rest.substring(1);
            }
        } else if (text.chars().filter(c -> c == ':').count() == 1) {
            host = text.substring(0, text.indexOf(':'));
            port = text.substring(text.indexOf(':') + 1);
        }
        if (host.isEmpty()) {
            host = "::";
        }
        boolean valid = host.contains(":") ? host.matches("[0-9a-fA-F:.]+") : host.matches("[A-Za-z0-9.-]+");
        if (!valid) {
            throw invalid(text);
        }
        int number = defaultPort;
        if (port != null) {
            try {
                number = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw invalid(text);
            }
            if (number < 1 || number > 65535) {
                throw invalid(text);
            }
        }
        return new ListenAddress(host, number);
    }

    public boolean isWildcard() {
        return host.equals("::") || host.equals("0.0.0.0");
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    private static ApiException invalid(String text) {
        return ApiException.badRequest("Invalid listen address \"" + text + "\"");
    }
}
