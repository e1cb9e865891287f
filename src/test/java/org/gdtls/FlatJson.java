package org.gdtls;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parity runners' one-line JSON: a flat object of strings, integers and nulls; reading also takes booleans and
 * arrays of such values (the {@code gdtls} command's JSON events). No more is needed.
 */
final class FlatJson {
    private FlatJson() {}

    static Map<String, Object> parse(String json) {
        Map<String, Object> out = new LinkedHashMap<>();
        int[] at = {skip(json, 0)};
        expect(json, at, '{');
        while (json.charAt(skip(json, at[0])) != '}') {
            at[0] = skip(json, at[0]);
            String key = string(json, at);
            at[0] = skip(json, at[0]);
            expect(json, at, ':');
            at[0] = skip(json, at[0]);
            out.put(key, value(json, at));
            at[0] = skip(json, at[0]);
            if (json.charAt(at[0]) == ',') {
                at[0]++;
            }
        }
        return out;
    }

    static String write(Map<String, Object> map) {
        StringBuilder b = new StringBuilder("{");
        for (Map.Entry<String, Object> e : map.entrySet()) {
            if (b.length() > 1) {
                b.append(',');
            }
            quote(b, e.getKey()).append(':');
            Object v = e.getValue();
            if (v instanceof String s) {
                quote(b, s);
            } else {
                b.append(v);
            }
        }
        return b.append('}').toString();
    }

    private static Object value(String json, int[] at) {
        char c = json.charAt(at[0]);
        if (c == '"') {
            return string(json, at);
        }
        if (json.startsWith("null", at[0])) {
            at[0] += 4;
            return null;
        }
        for (Boolean b : new Boolean[] {true, false}) {
            if (json.startsWith(b.toString(), at[0])) {
                at[0] += b.toString().length();
                return b;
            }
        }
        if (c == '[') {
            at[0]++;
            List<Object> values = new ArrayList<>();
            while (json.charAt(at[0] = skip(json, at[0])) != ']') {
                values.add(value(json, at));
                at[0] = skip(json, at[0]);
                if (json.charAt(at[0]) == ',') {
                    at[0]++;
                }
            }
            at[0]++;
            return values;
        }
        int start = at[0];
        while (at[0] < json.length() && (json.charAt(at[0]) == '-' || Character.isDigit(json.charAt(at[0])))) {
            at[0]++;
        }
        return Integer.parseInt(json.substring(start, at[0]));
    }

    private static String string(String json, int[] at) {
        expect(json, at, '"');
        StringBuilder b = new StringBuilder();
        for (char c = json.charAt(at[0]++); c != '"'; c = json.charAt(at[0]++)) {
            if (c == '\\') {
                char e = json.charAt(at[0]++);
                b.append(switch (e) {
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 't' -> '\t';
                    case 'u' -> {
                        char u = (char) Integer.parseInt(json.substring(at[0], at[0] + 4), 16);
                        at[0] += 4;
                        yield u;
                    }
                    default -> e;
                });
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static StringBuilder quote(StringBuilder b, String s) {
        b.append('"');
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.append('"');
    }

    private static void expect(String json, int[] at, char c) {
        if (json.charAt(at[0]) != c) {
            throw new IllegalArgumentException("expected '" + c + "' at " + at[0] + " in " + json);
        }
        at[0]++;
    }

    private static int skip(String json, int at) {
        while (at < json.length() && Character.isWhitespace(json.charAt(at))) {
            at++;
        }
        return at;
    }
}
