package io.kdstream.cli.bench;

import io.kdstream.platform.config.Settings;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.producers.generate.MathProblemGenerator;
import io.kdstream.producers.generate.MathPrompts;
import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;
import io.kdstream.schemas.topics.KafkaClients;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.teacher.worker.TeacherWorkerProcess;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Teacher-worker scale-out: the same requests on the same 4-partition topic, served first by one worker process and
 * then by two, each its own JVM with one torch thread (as separate pods would be). Each phase warms up on a first
 * set of requests, then times a second set from the moment it is produced until the group has committed past it.
 */
final class WorkerScalingBenchmark {

    record Phase(int workers, int requests, double seconds) {
        double sequencesPerSecond() {
            return requests / seconds;
        }
    }

    private final Settings settings;
    private final Path workDir;
    private final int requests;

    WorkerScalingBenchmark(Settings settings, Path workDir, int requests) {
        this.settings = settings;
        this.workDir = workDir;
        this.requests = requests;
    }

    List<Phase> run(int... workerCounts) throws Exception {
        TopicAdmin.ensureTopics(settings.clientProperties(), TopicCatalogue.ALL);
        Path teacher = BenchTeacher.untrainedDefault(workDir);
        List<Phase> phases = new ArrayList<>();
        for (int workers : workerCounts) {
            phases.add(phase(workers, teacher));
        }
        return phases;
    }

    private Phase phase(int workers, Path teacher) throws Exception {
        String group = "bench-workers-" + workers + "-" + System.nanoTime();
        Settings phaseSettings = settings.with(Map.of("kdstream.teacher.checkpoint", teacher.toString(), "kdstream.teacher.group.id", group));
        List<Process> processes = new ArrayList<>();
        try {
            for (int i = 0; i < workers; i++) {
                processes.add(TeacherWorkerProcess.start(phaseSettings, workDir, group + "-" + i));
            }
            produce(requests / 4, "warmup-" + group);
            awaitCaughtUp(group, processes);
            long started = System.nanoTime();
            produce(requests, "measured-" + group);
            awaitCaughtUp(group, processes);
            return new Phase(workers, requests, (System.nanoTime() - started) / 1e9);
        } finally {
            for (Process process : processes) {
                process.destroy();
            }
            for (Process process : processes) {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }
    }


    /** Distinct prompts (ids carry the phase), so each phase does the same work from scratch. */
    private void produce(int count, String idPrefix) throws Exception {
        Map<String, Object> client = settings.clientProperties();
        TopicCatalogue catalogue = new TopicCatalogue(client);
        List<MathProblemGenerator.MathProblem> problems = new MathProblemGenerator(count).generate(count, Split.TRAIN);
        try (KafkaProducer<String, Prompt> producer = KafkaClients.producer(client, catalogue.teacherRequests(), "bench-workers")) {
            for (int i = 0; i < problems.size(); i++) {
                Prompt prompt = MathPrompts.toPrompt(problems.get(i), "bench");
                prompt.setId(idPrefix + "-" + i);
                producer.send(new ProducerRecord<>(TopicCatalogue.TEACHER_REQUESTS.name(), prompt.getId(), prompt));
            }
            producer.flush();
        }
    }

    /** Until the group's committed offsets reach the end of every partition (exactly-once: committed means done). */
    private void awaitCaughtUp(String group, List<Process> processes) throws Exception {
        try (Admin admin = Admin.create(settings.clientProperties())) {
            Map<TopicPartition, OffsetSpec> latest = IntStream.range(0, TopicCatalogue.TEACHER_REQUESTS.partitions())
                    .mapToObj(p -> new TopicPartition(TopicCatalogue.TEACHER_REQUESTS.name(), p))
                    .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
            var ends = admin.listOffsets(latest).all().get();
            while (true) {
                for (Process process : processes) {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("a worker exited with code " + process.exitValue() + "; its log is in " + workDir);
                    }
                }
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                boolean done = ends.entrySet().stream().allMatch(end -> end.getValue().offset() == 0
                        || (committed.get(end.getKey()) != null && committed.get(end.getKey()).offset() >= end.getValue().offset()));
                if (done) {
                    return;
                }
                Thread.sleep(100);
            }
        }
    }
}
