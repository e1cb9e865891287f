package org.gdtls;

import java.nio.file.Path;
import java.util.List;

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
            try {
                ParityTest.Observation o = ParityTest.observe(scenario);
                boolean match = o.c().equals(o.java()) && o.propertyMismatches().isEmpty();
                System.out.println(ParityTest.reportRow(scenario, o, match ? "yes" : "NO " + o.propertyMismatches()));
                matched += match ? 1 : 0;
            } catch (Throwable t) {
                System.out.println("| " + scenario + " | | | NO " + t + " |");
            }
        }
        System.out.println("parity: " + matched + "/" + scenarios.size() + " match");
        System.exit(matched == scenarios.size() ? 0 : 1);
    }
}
