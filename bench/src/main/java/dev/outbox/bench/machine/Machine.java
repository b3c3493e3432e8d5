package dev.outbox.bench.machine;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.LocalDate;
import java.util.Locale;

import com.sun.management.OperatingSystemMXBean;

/** The date, machine and JVM of a run, the first lines of every benchmark's report. */
public final class Machine {

    private Machine() {
    }

    /** {@code jvmNote} says which processes share the JVM and its flags. */
    public static void printHeader(PrintStream out, String jvmNote) {
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        out.println("Date:     " + LocalDate.now());
        out.printf(Locale.ROOT, "Machine:  %d cores, %.1f GiB RAM, %s %s (%s)%n",
                Runtime.getRuntime().availableProcessors(), os.getTotalMemorySize() / (1024.0 * 1024 * 1024),
                System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch"));
        out.printf(Locale.ROOT, "JVM:      %s %s (%s), %s%n", System.getProperty("java.vm.name"),
                System.getProperty("java.vm.version"), System.getProperty("java.vendor"), jvmNote);
    }
}
