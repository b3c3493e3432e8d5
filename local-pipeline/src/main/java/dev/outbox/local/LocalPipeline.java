package dev.outbox.local;

import dev.outbox.embedded.process.QuarkusAppProcess;
import dev.outbox.embedded.process.WorkDirectory;

import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code ./run-local}: the {@link Infrastructure} first, then the four services ({@link ServicePlan}) in dependency
 * order, each logging to its own file and kept running by a {@link Supervisor}. Prints where everything is
 * ({@link Banner}) once all are ready; Ctrl-C or SIGTERM stops everything, newest first. Data stays in one folder
 * across runs ({@code --reset} empties it). A part that fails or dies is named with its last log lines and the rest
 * is stopped.
 */
public final class LocalPipeline {

    static final String READY_LINE = "Outbox is running";
    static final String INFRA_READY_LINE = "Outbox's infrastructure is running";

    private final LocalSettings settings;
    private final PrintStream out;
    private final Infrastructure infrastructure;
    private final ServicePlan plan;
    private final Supervisor supervisor;
    private final Banner banner;
    private final Faults faults;
    private boolean stopped;

    public LocalPipeline(LocalSettings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
        // New for each run, printed with the addresses: POST /index/rebuild on the search indexer and the relay's
        // /dead-letters need it.
        String operatorToken = newOperatorToken();
        this.infrastructure = new Infrastructure(settings, out);
        this.plan = new ServicePlan(settings, infrastructure, operatorToken);
        this.supervisor = new Supervisor(settings, plan, infrastructure, out);
        this.banner = new Banner(settings, infrastructure, operatorToken, out);
        this.faults = new Faults(supervisor, infrastructure);
    }

    public static void main(String[] args) {
        LocalSettings settings;
        try {
            settings = LocalSettings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        LocalPipeline pipeline = new LocalPipeline(settings, System.out);
        Runtime.getRuntime().addShutdownHook(new Thread(pipeline::stop, "local-pipeline-stop"));
        try {
            pipeline.start();
            pipeline.banner.print();
            pipeline.watch();
        } catch (RuntimeException e) {
            System.err.println();
            System.err.println(e.getMessage());
        }
        pipeline.stop();
        System.exit(1);
    }

    public void start() {
        if (settings.reset()) {
            out.println("Deleting " + settings.data() + " (--reset)");
            WorkDirectory.deleteRecursively(settings.data());
        }
        WorkDirectory.publicDirectory(settings.logs());
        out.println("Data in " + settings.data() + ", logs in " + settings.logs());
        infrastructure.start();
        if (settings.infraOnly()) {
            return;
        }
        // Side by side, but the relay after blog-app: its Flyway migration creates the outbox table the relay's
        // publication names.
        List<Service> services = plan.services();
        supervisor.startTogether(services.stream().filter(s -> !s.module().equals("cdc-relay")).toList());
        supervisor.startTogether(services.stream().filter(s -> s.module().equals("cdc-relay")).toList());
    }

    /** Blocks while the pipeline runs; see {@link Supervisor#watch()}. */
    public void watch() {
        supervisor.watch();
    }

    /** Newest first, so no service loses its database or broker while it still runs; the data stays. */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        out.println("Stopping ...");
        supervisor.stop();
        infrastructure.stop();
        out.println("Stopped; data kept in " + settings.data());
    }

    /** For the fault runs and benchmarks. */
    public Faults faults() {
        return faults;
    }

    /** The services running or held, in the order they started: search-indexer-2 too on OpenSearch. */
    public List<String> serviceNames() {
        return supervisor.services();
    }

    /** The current process of a service, e.g. to read its resident memory. */
    public QuarkusAppProcess process(String service) {
        return supervisor.process(service);
    }

    /** The processes of Postgres, Kafka or OpenSearch, e.g. to read their memory. */
    public List<ProcessHandle> partProcesses(String part) {
        return infrastructure.processes(part);
    }

    /** The search members' consumer group; see {@link ServicePlan#searchGroup()}. */
    public String searchGroup() {
        return plan.searchGroup();
    }

    private static String newOperatorToken() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return HexFormat.of().formatHex(secret);
    }
}
