package org.gdtls;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The parity suite without JUnit, for a jar built elsewhere: {@code scripts/distro-check.sh} runs the classes
 * built on the host inside another Debian root, against that root's libgio (one jar for a range of GLib
 * versions). Same scenarios and comparison as {@link ParityTest}; prints its report rows, then
 * {@code parity: N/M match}, and exits non-zero unless every scenario matched and released its objects.
 * Usage: {@code ParityMain C_RUNNER [SCENARIO...]} (all scenarios by default).
 */
public final class ParityMain {
    private ParityMain() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("gdtls.parity.runner", Path.of(args[0]).toAbsolutePath().toString());
        List<String> scenarios = args.length > 1 ? List.of(args).subList(1, args.length)
                : ParityTest.scenarios().toList();
        int matched = 0;
        for (String scenario : scenarios) {
            String verdict;
            try {
                Map<String, Object> c = FlatJson.parse(ParityTest.runC(scenario));
                List<Long> created = new ArrayList<>();
                List<String> propertyMismatches = new ArrayList<>();
                Map<String, Object> java = scenario.startsWith("connection/")
                        ? GlibNetworkingCase.run(scenario, created)
                        : ParityScenario.run(scenario, created, propertyMismatches);
                ParityTest.assertAllReleased(scenario, created);
                boolean match = c.equals(java) && propertyMismatches.isEmpty();
                verdict = match ? "yes" : "NO " + propertyMismatches;
                System.out.println("| " + scenario + " | `" + FlatJson.write(c) + "` | `" + FlatJson.write(java)
                        + "` | " + verdict + " |");
                matched += match ? 1 : 0;
            } catch (Throwable t) {
                System.out.println("| " + scenario + " | | | NO " + t + " |");
            }
        }
        System.out.println("parity: " + matched + "/" + scenarios.size() + " match");
        System.exit(matched == scenarios.size() ? 0 : 1);
    }
}
