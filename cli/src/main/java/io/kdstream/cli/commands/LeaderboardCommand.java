package io.kdstream.cli.commands;

import io.kdstream.evaluator.leaderboard.LeaderboardConfig;
import io.kdstream.evaluator.web.Leaderboard;
import io.kdstream.platform.service.ServiceRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code kdstream leaderboard --port P}. */
@Command(name = "leaderboard", mixinStandardHelpOptions = true,
        description = {"Run the leaderboard: a Kafka Streams app that aggregates kd.evals per run (learning curve, latest, best),",
                "served as an HTML page with learning curves and a table at / and as JSON at /api/leaderboard."})
public final class LeaderboardCommand implements Callable<Integer> {

    @Mixin
    ClientOptions client;

    @Option(names = "--port", description = "HTTP port (default: 8088; 0 picks a free one)")
    Integer port;

    @Option(names = "--host", description = "address to bind (default: 127.0.0.1; 0.0.0.0 serves other machines)")
    String host;

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> flags = new LinkedHashMap<>();
        if (port != null) {
            flags.put("kdstream.leaderboard.port", port.toString());
        }
        if (host != null) {
            flags.put("kdstream.leaderboard.host", host);
        }
        LeaderboardConfig config = LeaderboardConfig.from(client.settings().with(flags));
        Leaderboard leaderboard = new Leaderboard(config);
        ServiceRunner.runUntilStopped(leaderboard);
        return leaderboard.isAlive() ? 0 : 1;
    }
}
