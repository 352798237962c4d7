package io.kdstream.evaluator.leaderboard;

import io.kdstream.schemas.avro.EvalResult;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Standings outside Kafka Streams (the report): the same fold as the topology's aggregate, over a list of results. */
public final class Standings {

    private Standings() {
    }

    public static List<RunStanding> fold(List<EvalResult> results) {
        Map<String, RunStanding> byKey = new LinkedHashMap<>();
        for (EvalResult result : results) {
            RunEval eval = RunEval.of(result);
            byKey.put(eval.standingKey(), eval.addTo(byKey.getOrDefault(eval.standingKey(), RunStanding.empty(null, null, null))));
        }
        return sorted(byKey.values());
    }

    /** By dataset and split, then best accuracy first (runs that never succeeded last), then run id. */
    public static List<RunStanding> sorted(Iterable<RunStanding> standings) {
        List<RunStanding> out = new ArrayList<>();
        standings.forEach(out::add);
        out.sort(Comparator.comparing(RunStanding::dataset).thenComparing(RunStanding::split)
                .thenComparing(s -> s.best() == null ? 1.0 : -s.best().accuracy())
                .thenComparing(RunStanding::runId));
        return out;
    }
}
