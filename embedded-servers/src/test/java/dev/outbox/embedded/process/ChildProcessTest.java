package dev.outbox.embedded.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildProcessTest {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @Test
    void aPausedTreeRunsNothingUntilResumedAndStillStopsAtEndOfInput(@TempDir Path directory) {
        // A shell that stops at end-of-file, with a child of its own: both must stop and continue together.
        ChildProcess child = ChildProcess.start("pausable",
                List.of("sh", "-c", "sleep 600 & while read line; do :; done; kill $!"), directory.resolve("log"));
        try {
            Poll.until("the shell's sleep started").atMost(DEADLINE).holds(() -> child.processTree().size() == 2);
            List<ProcessHandle> tree = child.processTree();

            child.pause();
            tree.forEach(process -> awaitState(process, "stopped", state -> state == 'T'));

            child.resume();
            tree.forEach(process -> awaitState(process, "continued", state -> state != 'T'));
        } finally {
            child.stop(DEADLINE);
        }
        // 0, not 137: the resumed shell read end-of-file and exited by itself, without stop's SIGKILL.
        assertEquals(OptionalInt.of(0), child.exitCode());
    }

    private static void awaitState(ProcessHandle process, String what, Predicate<Character> state) {
        Poll.until("process " + process.pid() + " " + what).atMost(DEADLINE).every(Duration.ofMillis(20))
                .holds(() -> state.test(state(process)));
    }

    /** The process' state letter in /proc: R running, S sleeping, T stopped by a signal, ... */
    private static char state(ProcessHandle process) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }
}
