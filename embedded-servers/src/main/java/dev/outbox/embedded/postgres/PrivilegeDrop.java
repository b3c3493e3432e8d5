package dev.outbox.embedded.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import com.sun.security.auth.module.UnixSystem;

/**
 * How the embedded PostgreSQL gets to run as someone other than root, since {@code initdb} and {@code postgres} refuse
 * root: no change for an ordinary user; as root, inside a new user namespace ({@code unshare --user}, where this
 * process's root shows as an unprivileged id while its files stay root's), or where namespaces are denied, as
 * {@code nobody} through {@code setpriv}, which needs the data handed over and the paths traversable by that user.
 */
public enum PrivilegeDrop {

    NONE("none"),
    USER_NAMESPACE("userns", "unshare", "--user"),
    SETPRIV_NOBODY("setpriv", "setpriv", "--reuid=" + PrivilegeDrop.NOBODY, "--regid=" + PrivilegeDrop.NOBODY,
            "--clear-groups", "--") {

        @Override
        void handOver(Path path) {
            try {
                Files.setAttribute(path, "unix:uid", NOBODY);
                Files.setAttribute(path, "unix:gid", NOBODY);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot give " + path + " to uid " + NOBODY, e);
            }
        }

        @Override
        void checkTraversable(Path path) {
            for (Path dir = path.toAbsolutePath(); dir != null; dir = dir.getParent()) {
                try {
                    if (!Files.getPosixFilePermissions(dir).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                        throw new IllegalStateException(dir + " is not traversable by other users, so PostgreSQL "
                                + "cannot run as nobody below it: set -D" + PROPERTY + "=userns where user namespaces "
                                + "are allowed, run the build as an ordinary user, or chmod o+x " + dir);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    };

    /** Forces a route ({@code none}, {@code userns} or {@code setpriv}); by default it is detected. */
    public static final String PROPERTY = "outbox.test.postgres.privilege-drop";

    /** Debian's {@code nobody} and {@code nogroup}; {@code initdb} needs the uid to have a passwd entry. */
    private static final int NOBODY = 65534;

    private final String key;
    private final List<String> commandPrefix;

    PrivilegeDrop(String key, String... commandPrefix) {
        this.key = key;
        this.commandPrefix = List.of(commandPrefix);
    }

    /** The route forced by {@value #PROPERTY}, else the first one that works for this process. */
    public static PrivilegeDrop forThisProcess() {
        String forced = System.getProperty(PROPERTY, "").trim().toLowerCase(Locale.ROOT);
        if (!forced.isEmpty() && !forced.equals("auto")) {
            return Arrays.stream(values()).filter(drop -> drop.key.equals(forced)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(PROPERTY + " must be none, userns or setpriv: " + forced));
        }
        if (!runningAsRoot()) {
            return NONE;
        }
        return userNamespacesAllowed() ? USER_NAMESPACE : SETPRIV_NOBODY;
    }

    public static boolean runningAsRoot() {
        return new UnixSystem().getUid() == 0;
    }

    public static boolean userNamespacesAllowed() {
        try {
            Process probe = new ProcessBuilder("unshare", "--user", "true").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!probe.waitFor(10, TimeUnit.SECONDS)) {
                probe.destroyForcibly();
                return false;
            }
            return probe.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** What to put before a PostgreSQL command line to run it under this route. */
    List<String> commandPrefix() {
        return commandPrefix;
    }

    /** Gives {@code path} to the user PostgreSQL runs as. */
    void handOver(Path path) {
    }

    /** Fails clearly if that user cannot reach {@code path}, where PostgreSQL's own error would mislead. */
    void checkTraversable(Path path) {
    }
}
