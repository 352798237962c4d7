package io.kdstream.cli.bench.distill;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Finished cohorts' results kept under KDSTREAM_HOME, so a restarted benchmark ({@code --resume}) runs only what is
 * missing. The embedded platform's topics do not outlive a benchmark, so {@code kd.evals} cannot be read back; each
 * evaluated run is written here instead, one properties file a run and one a cohort's teacher. The folder's name is a
 * digest of everything besides the plan's rows and seeds that decides a result, so results of other settings, sizes,
 * steps or test sets (their tasks and what judges them) are never mixed in.
 */
public final class DistillResults {

    private final Path dir;
    /** The teachers' first stable phase: the whole recipe of teachers kept before teachers were cooled or gated. */
    private final long teacherSteps;

    private DistillResults(Path dir, long teacherSteps) {
        this.dir = dir;
        this.teacherSteps = teacherSteps;
    }

    /** The results folder of these options: {@code KDSTREAM_HOME/bench/distill/<setting>-<digest>}. */
    public static DistillResults of(DistillBenchmark.Options options) {
        String recipe = String.join("|", options.setting().configName(), options.difficulty().configName(),
                Integer.toString(options.trainPerDataset()), Integer.toString(options.testPerDataset()), options.teacher().recipe(),
                Long.toString(options.baseStudentSteps()), Integer.toString(options.batchSize()), Double.toString(options.learningRate()),
                Integer.toString(options.threads()), Long.toString(options.plan().steps()), Integer.toString(options.plan().curvePoints()),
                options.studentRunSettings().toString())
                // a later setting: named only for text, so results made before it existed (all text+others) keep their folder
                + (options.baseCorpus() == BaseCorpus.TEXT_AND_OTHERS ? "" : "|base " + options.baseCorpus().tag())
                + "|judged by " + DistillData.judgingDigest(DistillData.testSet(options.testPerDataset(), options.difficulty()));
        return new DistillResults(options.kdstreamHome().resolve("bench").resolve("distill")
                .resolve(options.setting().configName() + "-" + digest(recipe)), options.teacher().steps());
    }

    public Path dir() {
        return dir;
    }

    /** A run's stored outcome, if it was evaluated before. */
    public Optional<RunOutcome> run(DistillPlan.Run run) throws IOException {
        Path file = runFile(run);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = load(file);
        List<EvalPoint> curve = new ArrayList<>();
        for (int i = 0; p.containsKey("curve." + i); i++) {
            String[] v = p.getProperty("curve." + i).split(",");
            curve.add(new EvalPoint(Long.parseLong(v[0]), Double.parseDouble(v[1]), Double.parseDouble(v[2]), Double.parseDouble(v[3]),
                    Double.parseDouble(v[4]), v.length > 5 ? Double.parseDouble(v[5]) : Double.NaN, v.length > 6 ? Double.parseDouble(v[6]) : Double.NaN,
                    families(p.getProperty("families." + i, ""))));
        }
        StudentRunProcess.Result training = new StudentRunProcess.Result(Long.parseLong(p.getProperty("steps")),
                Double.parseDouble(p.getProperty("step.millis")), Long.parseLong(p.getProperty("peak.rss.bytes")),
                Double.parseDouble(p.getProperty("train.seconds")));
        return Optional.of(new RunOutcome(run, p.getProperty("run.id"), training, Double.parseDouble(p.getProperty("wall.seconds")), curve));
    }

    public void save(RunOutcome outcome) throws IOException {
        Properties p = new Properties();
        p.setProperty("run.id", outcome.runId());
        p.setProperty("steps", Long.toString(outcome.training().steps()));
        p.setProperty("step.millis", Double.toString(outcome.training().stepMillis()));
        p.setProperty("peak.rss.bytes", Long.toString(outcome.training().peakRssBytes()));
        p.setProperty("train.seconds", Double.toString(outcome.training().trainSeconds()));
        p.setProperty("wall.seconds", Double.toString(outcome.wallSeconds()));
        for (int i = 0; i < outcome.curve().size(); i++) {
            EvalPoint e = outcome.curve().get(i);
            p.setProperty("curve." + i, String.format(Locale.ROOT, "%d,%s,%s,%s,%s,%s,%s", e.step(), e.mathExactMatch(), e.codePassAt1(), e.mathCe(), e.codeCe(),
                    e.mathEce(), e.codeEce()));
            if (!e.solvedByFamily().isEmpty()) {
                p.setProperty("families." + i, families(e.solvedByFamily()));
            }
        }
        store(p, runFile(outcome.run()));
    }

    /** A cohort's stored teacher, if the cohort ran before. */
    public Optional<DistillBenchmark.TeacherSummary> teacher(DistillCohort cohort) throws IOException {
        Path file = teacherFile(cohort);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = load(file);
        Path checkpoint = Path.of(p.getProperty("checkpoint"));
        // results kept before teachers were gated name no phases: theirs were one stable phase, the checkpoint's own
        TeacherGate.Verdict training = new TeacherGate.Verdict(checkpoint, p.getProperty("teacher.phases", "steps" + teacherSteps),
                Double.parseDouble(p.getProperty("validation.math", "NaN")), Double.parseDouble(p.getProperty("validation.code", "NaN")),
                Double.parseDouble(p.getProperty("gate", "0")));
        return Optional.of(new DistillBenchmark.TeacherSummary(cohort, training, p.getProperty("fingerprint"),
                Long.parseLong(p.getProperty("parameters")), Double.parseDouble(p.getProperty("train.seconds")),
                Double.parseDouble(p.getProperty("math.exact.match")), Double.parseDouble(p.getProperty("code.pass.at1")),
                Double.parseDouble(p.getProperty("answer.ce")), Double.parseDouble(p.getProperty("answer.entropy", "NaN")),
                Double.parseDouble(p.getProperty("answer.margin", "NaN")), Double.parseDouble(p.getProperty("wrong.repaired", "NaN")),
                Double.parseDouble(p.getProperty("cache.seconds")),
                Long.parseLong(p.getProperty("cache.records")), Double.parseDouble(p.getProperty("bytes.per.token")),
                Double.parseDouble(p.getProperty("bytes.per.entry")), new DistillSetting.TrainSizes(
                Integer.parseInt(p.getProperty("student.math")), Integer.parseInt(p.getProperty("student.code")),
                Integer.parseInt(p.getProperty("teacher.math")), Integer.parseInt(p.getProperty("teacher.code"))), sampledBytes(p),
                families(p.getProperty("families", ""))));
    }

    /** Keeps a cohort's teacher (under its cohort). */
    public void save(DistillBenchmark.TeacherSummary t) throws IOException {
        Properties p = new Properties();
        p.setProperty("checkpoint", t.checkpoint().toString());
        p.setProperty("teacher.phases", t.training().phases());
        p.setProperty("validation.math", Double.toString(t.training().validationMath()));
        p.setProperty("validation.code", Double.toString(t.training().validationCode()));
        p.setProperty("gate", Double.toString(t.training().gate()));
        p.setProperty("fingerprint", t.fingerprint());
        p.setProperty("parameters", Long.toString(t.parameters()));
        p.setProperty("train.seconds", Double.toString(t.trainSeconds()));
        p.setProperty("math.exact.match", Double.toString(t.mathExactMatch()));
        p.setProperty("code.pass.at1", Double.toString(t.codePassAt1()));
        p.setProperty("answer.ce", Double.toString(t.answerCe()));
        p.setProperty("answer.entropy", Double.toString(t.answerEntropy()));
        p.setProperty("answer.margin", Double.toString(t.answerMargin()));
        p.setProperty("wrong.repaired", Double.toString(t.wrongRepaired()));
        p.setProperty("cache.seconds", Double.toString(t.cacheSeconds()));
        p.setProperty("cache.records", Long.toString(t.cacheRecords()));
        p.setProperty("bytes.per.token", Double.toString(t.bytesPerToken()));
        p.setProperty("bytes.per.entry", Double.toString(t.bytesPerEntry()));
        p.setProperty("student.math", Integer.toString(t.sizes().studentMath()));
        p.setProperty("student.code", Integer.toString(t.sizes().studentCode()));
        p.setProperty("teacher.math", Integer.toString(t.sizes().teacherMath()));
        p.setProperty("teacher.code", Integer.toString(t.sizes().teacherCode()));
        t.sampledBytesPerToken().forEach((draws, bytes) -> p.setProperty(SAMPLED_BYTES + draws, Double.toString(bytes)));
        p.setProperty("families", families(t.solvedByFamily()));
        store(p, teacherFile(t.cohort()));
    }

    /** Scores by family as {@code name=share;name=share} (names are the generators' template names: no '=' or ';'). */
    private static String families(Map<String, Double> solvedByFamily) {
        StringBuilder text = new StringBuilder();
        solvedByFamily.forEach((family, share) -> text.append(text.isEmpty() ? "" : ";").append(family).append('=').append(share));
        return text.toString();
    }

    /** Scores by family kept by {@link #families(Map)}; none in results kept before they were measured. */
    private static Map<String, Double> families(String text) {
        Map<String, Double> families = new TreeMap<>();
        for (String entry : text.split(";")) {
            int equals = entry.lastIndexOf('=');
            if (equals > 0) {
                families.put(entry.substring(0, equals), Double.parseDouble(entry.substring(equals + 1)));
            }
        }
        return families;
    }

    private static final String SAMPLED_BYTES = "sampled.bytes.per.token.n";

    private static Map<Integer, Double> sampledBytes(Properties p) {
        Map<Integer, Double> bytes = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith(SAMPLED_BYTES)) {
                bytes.put(Integer.parseInt(key.substring(SAMPLED_BYTES.length())), Double.parseDouble(p.getProperty(key)));
            }
        }
        return bytes;
    }

    private Path runFile(DistillPlan.Run run) {
        return dir.resolve("run-" + run.config().slug() + "-s" + run.seed() + ".properties");
    }

    private Path teacherFile(DistillCohort cohort) {
        return dir.resolve(String.format(Locale.ROOT, "teacher-d%d-t%d-wrong%s.properties", cohort.dataSeed(), cohort.teacherSeed(),
                Double.toString(cohort.wrongShare()).replace('.', 'p')));
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            p.load(reader);
        }
        return p;
    }

    /** Written aside and moved into place, so an interrupted write never leaves a half file that looks finished. */
    private static void store(Properties p, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try (Writer writer = Files.newBufferedWriter(partial)) {
            p.store(writer, "kdstream bench distill result");
        }
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String digest(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8))).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
