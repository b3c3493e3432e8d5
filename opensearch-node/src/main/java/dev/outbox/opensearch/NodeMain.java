package dev.outbox.opensearch;

import org.codelibs.opensearch.runner.OpenSearchRunner;

import java.io.IOException;
import java.io.InputStream;

/**
 * Entry point of the OpenSearch node's JVM: starts one node with HTTP and transport on the given loopback ports and
 * data under the given directory, and exits when its standard input reaches end-of-file, which happens when the
 * fixture stops it or the JVM that started it dies.
 * <p>
 * Arguments: {@code <home directory> <http port> <transport port> <cluster name>}; the fixture names each cluster, so it
 * can tell its own node from another build's that took the port.
 */
public final class NodeMain {

    /** The node's own modules this project needs: HTTP over Netty, and the {@code english} analyzer. */
    private static final String MODULES = "org.opensearch.transport.Netty4Plugin,"
            + "org.opensearch.analysis.common.CommonAnalysisPlugin";

    private NodeMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: NodeMain <home directory> <http port> <transport port> <cluster name>");
        }
        String home = args[0];
        String httpPort = args[1];
        String transportPort = args[2];
        String clusterName = args[3];
        OpenSearchRunner runner = new OpenSearchRunner();
        // Otherwise the runner probes 9201-9299 for a free HTTP port and ignores the one given.
        runner.setMaxHttpPort(-1);
        runner.onBuild((index, settings) -> settings
                .put("network.host", "127.0.0.1")
                .put("http.port", httpPort)
                .put("transport.port", transportPort)
                .put("discovery.type", "single-node")
                // A test machine's disk is often fuller than the 85 % after which OpenSearch stops allocating shards.
                .put("cluster.routing.allocation.disk.threshold_enabled", false)
                // An index is created by the application with its mapping; a typo must not create one with another.
                .put("action.auto_create_index", false));
        runner.build(OpenSearchRunner.newConfigs()
                .basePath(home)
                .numOfNode(1)
                .clusterName(clusterName)
                .moduleTypes(MODULES)
                .printOnFailure());
        // The node's threads are daemons: this thread keeps the JVM alive until the parent closes the pipe.
        drain(System.in);
        runner.close();
        System.exit(0);
    }

    private static void drain(InputStream in) {
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // Nothing is ever written: reading only waits for the parent to close the pipe.
            }
        } catch (IOException e) {
            // A broken pipe means the same as end-of-file: the parent is gone.
        }
    }
}
