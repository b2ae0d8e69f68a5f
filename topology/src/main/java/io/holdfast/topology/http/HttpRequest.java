package io.holdfast.topology.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A GET request as handlers see it: path, decoded query parameters, headers (lower-case names). */
public record HttpRequest(String path, String rawQuery, Map<String, String> query, Map<String, List<String>> headers) {

    public static HttpRequest of(String path, String rawQuery, Map<String, List<String>> headers) {
        Map<String, String> query = new LinkedHashMap<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                query.put(name, value);
            }
        }
        Map<String, List<String>> lower = new LinkedHashMap<>();
        headers.forEach((k, v) -> lower.put(k.toLowerCase(java.util.Locale.ROOT), v));
        return new HttpRequest(path, rawQuery, query, lower);
    }

    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** The path after {@code prefix}, decoded; e.g. the key in {@code /entities/<key>}. */
    public String pathAfter(String prefix) {
        String rest = path.length() > prefix.length() ? path.substring(prefix.length()) : "";
        return URLDecoder.decode(rest.startsWith("/") ? rest.substring(1) : rest, StandardCharsets.UTF_8);
    }

    public String pathAndQuery() {
        return rawQuery == null || rawQuery.isEmpty() ? path : path + "?" + rawQuery;
    }
}
