package io.kdstream.trainer.service;

import io.kdstream.model.tokenizer.Tokenizer;
import io.kdstream.model.tokenizer.Tokenizers;
import io.kdstream.model.transformer.DecoderLanguageModel;
import io.kdstream.model.transformer.TransformerConfig;
import io.kdstream.platform.config.Settings;
import io.kdstream.platform.kafka.TopicAdmin;
import io.kdstream.platform.observability.Observability;
import io.kdstream.platform.service.LoopService;
import io.kdstream.platform.service.Resources;
import io.kdstream.platform.service.ServiceRunner;
import io.kdstream.schemas.avro.TeacherLogits;
import io.kdstream.schemas.deadletter.DeadLetters;
import io.kdstream.schemas.logits.LogitsKey;
import io.kdstream.schemas.logits.SequenceLogits;
import io.kdstream.schemas.registry.RegistryUnavailableException;
import io.kdstream.schemas.registry.RegistryWait;
import io.kdstream.schemas.topics.KafkaClients;
import io.kdstream.schemas.topics.TopicCatalogue;
import io.kdstream.trainer.TrainerConfig;
import io.kdstream.trainer.cache.CacheCorruptException;
import io.kdstream.trainer.cache.CachedSequence;
import io.kdstream.trainer.cache.CacheFeed;
import io.kdstream.trainer.cache.CacheIngest;
import io.kdstream.trainer.cache.DiskLogitCache;
import io.kdstream.trainer.checkpoint.BaseCheckpoint;
import io.kdstream.trainer.checkpoint.CheckpointPublisher;
import io.kdstream.trainer.checkpoint.CheckpointStore;
import io.kdstream.trainer.checkpoint.TrainingState;
import io.kdstream.trainer.sampling.BatchSampler;
import io.kdstream.trainer.sampling.SamplerState;
import io.kdstream.trainer.training.StepMetrics;
import io.kdstream.trainer.training.StudentOptimizer;
import io.kdstream.trainer.training.TrainingExample;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The student trainer. It reads the logit cache topic into a local cache on disk ({@link DiskLogitCache}) and keeps
 * reading while it trains, so new teacher output is used as soon as it arrives; it takes KD + CE steps on batches
 * drawn from the local cache ({@link BatchSampler}), never waiting on a teacher.
 *
 * <p>Every N steps, at the end, and when it is stopped (SIGTERM), it writes a checkpoint (model, optimizer, sampler
 * and the cache's position; see {@link CheckpointStore}) and announces it on {@code kd.checkpoints}. Started again
 * with the same run id, it resumes from the newest valid checkpoint. Its local cache is rebuilt by replaying the
 * topic when asked ({@code kdstream.trainer.cache.rebuild}) or when it is missing or corrupt.
 *
 * <p>It trains only on TRAIN-split records of one teacher and the student's tokenizer (see {@link CacheIngest}).
 */
public final class TrainerService extends LoopService {

    /** How often an announcement that waits for the schema registry asks it again. */
    private static final Duration ANNOUNCEMENT_RETRY = Duration.ofSeconds(2);

    private static final Logger log = LoggerFactory.getLogger(TrainerService.class);
    public static final String SERVICE = "kdstream-trainer";
    private static final long WAITING_LOG_INTERVAL_NANOS = 30_000_000_000L;

    private final TrainerConfig config;
    private final Tokenizer tokenizer;
    private final AtomicReference<Progress> progress;
    private TopicCatalogue catalogue;
    private Deserializer<TeacherLogits> logitsDeserializer;
    private DiskLogitCache cache;
    private CacheIngest ingest;
    private CacheFeed feed;
    private KafkaConsumer<byte[], ByteBuffer> consumer;
    private TrainerMetrics metrics;
    private DeadLetters deadLetters;
    /** While the registry cannot be reached for a sequence drawn for training (its ingest waits on its own). */
    private RegistryWait registryWait;
    private CheckpointPublisher checkpointPublisher;
    private StudentOptimizer optimizer;
    private BatchSampler sampler;
    private final RunCounters counters = new RunCounters();
    private long waitingLoggedAt;
    private long nextAnnouncementTry;
    /** Told each sequence's prompt id as a batch draws it (how fresh training data is can be measured with it). */
    private volatile Consumer<String> drawObserver = promptId -> { };

    public TrainerService(TrainerConfig config) {
        super(SERVICE + "-" + config.runId());
        this.config = config;
        this.tokenizer = Tokenizers.load(config.tokenizer());
        this.progress = new AtomicReference<>(counters.progress(Phase.STARTING, config.maxSteps(), null, null, null, null));
    }

    @Override
    protected void open() throws Exception {
        Map<String, Object> client = config.settings().clientProperties();
        TopicAdmin.ensureTopics(client, List.of(TopicCatalogue.TEACHER_LOGITS, TopicCatalogue.CHECKPOINTS, TopicCatalogue.DEAD_LETTER));
        catalogue = new TopicCatalogue(client);
        logitsDeserializer = catalogue.teacherLogits().valueSerde().deserializer();
        // a rebuild replays the topic, and with it the records dead-lettered before: they are sent once
        registryWait = new RegistryWait(name(), catalogue.registry());
        deadLetters = DeadLetters.remembering(SERVICE, client, catalogue.deadLetter(), registryWait);
        CheckpointStore store = new CheckpointStore(config.checkpointDir());
        List<String> leftovers = store.removeLeftovers();
        if (!leftovers.isEmpty()) {
            log.info("{}: removed {} temporary file(s) of checkpoint writes a stop cut short: {}", name(), leftovers.size(), leftovers);
        }
        checkpointPublisher = new CheckpointPublisher(config.runId(), store, client, catalogue.checkpoints());
        cache = openCache();
        ingest = new CacheIngest(cache, catalogue.teacherLogitsSummaries(), tokenizer.fingerprint(),
                config.training().minimumStoredEntries(), deadLetters);
        // The trainer keeps its own position in the topic (the cache's, committed with it), so it reads without a group.
        consumer = polled(KafkaClients.viewConsumer(client, null, name()));
        feed = new CacheFeed(consumer, catalogue.teacherLogits().name(), cache, ingest, new RegistryWait(name(), catalogue.registry()));
        metrics = new TrainerMetrics(Observability.registry(), config.runId(), consumer, this::progress);
        catchUp();
        resumeOrStart(store);
        publishProgress(Phase.TRAINING);
    }

    /** The local cache, pinned to the configured teacher (when one is) however it was opened or rebuilt. */
    private DiskLogitCache openCache() throws IOException {
        DiskLogitCache cache = openOrRebuildCache();
        String configured = config.teacherFingerprint();
        if (configured != null && cache.teacherFingerprint() == null) {
            cache.pinTeacher(configured);
        }
        return cache;
    }

    private DiskLogitCache openOrRebuildCache() throws IOException {
        Path directory = config.cache().directory();
        if (config.cache().rebuild()) {
            log.info("{}: rebuilding the local cache in {} from the beginning of the topic (kdstream.trainer.cache.rebuild)", name(), directory);
            return rebuildCache();
        }
        DiskLogitCache opened;
        try {
            opened = DiskLogitCache.open(directory, config.cache().shardBytes(), tokenizer.fingerprint());
        } catch (CacheCorruptException e) {
            log.warn("{}: the local cache cannot be used ({}); rebuilding it from the beginning of the topic", name(), e.getMessage());
            return rebuildCache();
        }
        String configured = config.teacherFingerprint();
        if (configured != null && opened.teacherFingerprint() != null && !configured.equals(opened.teacherFingerprint())) {
            log.warn("{}: the local cache holds teacher {}, this run trains on {}; rebuilding it", name(), opened.teacherFingerprint(), configured);
            opened.close();
            return rebuildCache();
        }
        return opened;
    }

    private DiskLogitCache rebuildCache() throws IOException {
        counters.cacheRebuilt();
        return DiskLogitCache.rebuild(config.cache().directory(), config.cache().shardBytes(), tokenizer.fingerprint());
    }

    /** Reads what the topic held at startup before the first step, so a run starts from all the data there is. */
    private void catchUp() throws IOException, InterruptedException {
        publishProgress(Phase.CATCHING_UP);
        long started = System.nanoTime();
        long[] lastReport = {started};
        long read = feed.catchUp(records -> {
            if (System.nanoTime() - lastReport[0] > 5_000_000_000L) {
                lastReport[0] = System.nanoTime();
                log.info("{}: catching up with the logit topic: {} records read, {} sequences cached", name(), records, cache.liveCount());
            }
            publishProgress(Phase.CATCHING_UP);
        });
        cache.commit();
        counters.cacheCommitted();
        log.info("{}: local cache {} holds {} sequences ({} MB); read {} records in {} ms", name(), cache.directory(), cache.liveCount(),
                cache.bytes() >> 20, read, (System.nanoTime() - started) / 1_000_000);
        logContentHash("caught up");
    }

    /**
     * The cache's content hash with the offsets it is the topic's content at: the proof that a rebuilt cache equals
     * the one built online (docs/operations.md), here and from {@code kdstream cache hash DIR}.
     */
    private void logContentHash(String when) {
        log.info("{}: {}: {}", name(), when, cache.summary().describe());
    }

    /** Says every {@link #WAITING_LOG_INTERVAL_NANOS} what the trainer waits for: a quiet wait looks like a hang. */
    private void logWaitingForData() {
        long now = System.nanoTime();
        if (waitingLoggedAt == 0 || now - waitingLoggedAt >= WAITING_LOG_INTERVAL_NANOS) {
            waitingLoggedAt = now;
            log.info("{}: waiting for data: {} examples cached of the {} it starts with (kdstream.trainer.min.examples)",
                    name(), cache.liveCount(), config.minExamples());
        }
    }

    private void resumeOrStart(CheckpointStore store) throws IOException, InterruptedException, ExecutionException {
        TransformerConfig architecture = config.student().architecture(tokenizer.vocabularySize());
        Optional<CheckpointStore.Resumable> resumable = store.newestValid(tokenizer.fingerprint(), architecture, refusal -> {
            counters.checkpointRefused();
            log.warn("{}: not resuming from a checkpoint: {}; trying the one before", name(), refusal);
        });
        if (resumable.isEmpty()) {
            DecoderLanguageModel student = config.initCheckpoint() == null
                    ? DecoderLanguageModel.create(architecture, config.training().seed())
                    : BaseCheckpoint.load(config.initCheckpoint(), tokenizer.fingerprint(), architecture);
            optimizer = new StudentOptimizer(student, config.training());
            sampler = BatchSampler.start(cache, config.sampling(), config.training().seed());
            log.info("{}: training a {}-parameter student from {} for {} steps ({})", name(), student.parameterCount(),
                    config.initCheckpoint() == null ? "random weights" : config.initCheckpoint(), config.maxSteps(), config.training());
            return;
        }
        TrainingState state = resumable.get().state();
        DecoderLanguageModel student = resumable.get().model().model();
        optimizer = new StudentOptimizer(student, config.training());
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state.optimizer()))) {
            optimizer.readState(in);
        } catch (IOException | RuntimeException e) {
            optimizer.close();
            student.close();
            throw new IOException("checkpoint at step " + state.step() + " in " + config.checkpointDir()
                    + " has an optimizer state this trainer cannot load: " + e.getMessage(), e);
        }
        SamplerState samplerState = state.sampler();
        if (state.cacheId().equals(cache.id()) && cache.size() >= samplerState.entriesNeeded()) {
            sampler = BatchSampler.resume(cache, config.sampling(), samplerState);
        } else {
            log.warn("{}: the local cache was rebuilt since the checkpoint at step {}: its entry numbers changed, so batches "
                    + "start a new pass over it", name(), state.step());
            sampler = BatchSampler.resume(cache, config.sampling(),
                    new SamplerState(samplerState.random(), samplerState.epoch(), 0, cache.size(), new int[0], -1));
        }
        Map<String, String> now = settingsRecorded();
        if (!now.equals(state.settings())) {
            log.warn("{}: resuming with other settings than the checkpoint's: checkpoint {}, now {}", name(), state.settings(), now);
        }
        counters.resumed(state.step(), state.tokensSeen());
        log.info("{}: resumed from the checkpoint at step {} (epoch {}), {} steps to go", name(), state.step(), samplerState.epoch(),
                Math.max(0, config.maxSteps() - state.step()));
        if (checkpointPublisher.announceIfMissing(config.checkpointDir().resolve(state.modelFile()), state, config.training(),
                cache.teacherFingerprint(), tokenizer.fingerprint())) {
            log.warn("{}: the checkpoint at step {} had not been announced (its trainer stopped first); announced it now", name(), state.step());
        }
    }

    @Override
    protected boolean runOnce() throws Exception {
        boolean announcementWaits = checkpointPublisher.hasPending() && !announcePendingCheckpoint();
        if (optimizer.completedSteps() >= config.maxSteps()) {
            if (announcementWaits) {
                Thread.sleep(200); // the run's last checkpoint is announced before the trainer stops
                return true;
            }
            return false;
        }
        boolean ready = cache.liveCount() >= config.minExamples();
        try {
            feed.poll(Duration.ofMillis(ready ? 0 : 200));
            counters.refreshLag(feed::lag);
        } catch (WakeupException closing) {
            return false;
        }
        if (counters.cacheCommitDue(config.cache().commitInterval())) {
            cache.commit();
            counters.cacheCommitted();
        }
        if (cache.liveCount() < config.minExamples()) {
            publishProgress(Phase.WAITING_FOR_DATA);
            logWaitingForData();
            return true;
        }
        if (!registryWait.over()) {
            Thread.sleep(100); // until the registry answers: the batch it could not decode is drawn again then
            return true;
        }
        SamplerState drawnFrom = sampler.state();
        List<Integer> batch = sampler.nextBatch();
        if (batch.isEmpty()) {
            if (sampler.finished()) {
                log.info("{}: {} epochs done at step {}", name(), sampler.epoch(), optimizer.completedSteps());
                return false;
            }
            return true;
        }
        List<TrainingExample> examples;
        try {
            examples = batch.stream().map(this::example).flatMap(Optional::stream).toList();
        } catch (RuntimeException e) {
            Optional<RegistryUnavailableException> outage = RegistryUnavailableException.in(e);
            if (outage.isEmpty()) {
                throw e;
            }
            // a sequence whose schema is not known yet, and no registry to ask: the batch is drawn again when it answers
            sampler = BatchSampler.resume(cache, config.sampling(), drawnFrom);
            registryWait.outage(outage.get(), batch.size());
            return true;
        }
        if (examples.isEmpty()) {
            return true;
        }
        long started = System.nanoTime();
        StepMetrics step = optimizer.step(examples);
        long nanos = System.nanoTime() - started;
        counters.stepTaken(step, nanos);
        metrics.step(step, nanos);
        if (step.step() % config.checkpointEvery() == 0) {
            checkpoint();
        }
        publishProgress(Phase.TRAINING);
        return step.step() < config.maxSteps();
    }

    /** The last checkpoint: at the end of the run, and when the service is stopped (SIGTERM) with steps unsaved. */
    @Override
    protected void onStop() throws Exception {
        if (optimizer != null && counters.hasUnsavedSteps(optimizer.completedSteps())) {
            checkpoint();
        }
        publishProgress(Phase.STOPPED);
    }

    /**
     * The cached sequence decoded for training. Records are cached without decoding their logits (see
     * {@link CacheIngest}), so this is where a malformed one is found: it goes to the dead-letter topic and its prompt
     * is deleted from the local cache, and the batch goes on without it.
     */
    private Optional<TrainingExample> example(int entry) {
        CachedSequence cached = cache.read(entry);
        String topic = catalogue.teacherLogits().name();
        try {
            SequenceLogits logits = cached.decode(logitsDeserializer, topic);
            drawObserver.accept(cached.promptId());
            // passed on as it is: only the tail and sampled losses need the log-sum-exp, and they refuse an example without one
            return Optional.of(new TrainingExample(logits.tokens(), logits.lossMask(), logits.ids(), logits.values(),
                    logits.logSumExp(), logits.k()));
        } catch (RuntimeException e) {
            if (RegistryUnavailableException.in(e).isPresent()) {
                throw e; // not the record's fault
            }
            log.warn("{}: cached record of prompt {} cannot be trained on, dead-lettered: {}", name(), cached.promptId(), e.getMessage());
            byte[] key = LogitsKey.of(cache.teacherFingerprint(), cached.promptId()).getBytes(StandardCharsets.UTF_8);
            for (ByteBuffer value : cached.values()) {
                byte[] bytes = CachedSequence.bytes(value);
                deadLetters.publish(new ConsumerRecord<>(topic, cached.partition(), cached.offset(), key, bytes), e);
            }
            cache.append(CachedSequence.tombstone(cached.promptId(), cached.partition(), cached.offset()));
            counters.drawnRecordDeadLettered();
            return Optional.empty();
        }
    }

    private void checkpoint() throws Exception {
        cache.commit(); // the entries the sampler's state refers to are on disk before the checkpoint names them
        counters.cacheCommitted();
        ByteArrayOutputStream optimizerState = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(optimizerState)) {
            optimizer.writeState(out);
        }
        long step = optimizer.completedSteps();
        TrainingState state = new TrainingState(step, counters.tokensSeen(), null, null, cache.id(), cache.size(), cache.nextOffsets(),
                settingsRecorded(), optimizerState.toByteArray(), sampler.state(), counters.lastStep(), counters.tokensPerSecond());
        StepMetrics lastStep = counters.lastStep();
        if (!checkpointPublisher.publish(new CheckpointPublisher.State(optimizer.model(), state, lastStep, counters.tokensPerSecond(),
                config.training(), cache.teacherFingerprint(), tokenizer.fingerprint()))) {
            log.warn("{}: the checkpoint at step {} is written; its announcement on {} waits for the schema registry, which does not"
                    + " answer (training goes on)", name(), step, catalogue.checkpoints().name());
        }
        counters.checkpointed(step);
        log.info("{}: checkpoint at step {} (loss {} = kd {} + ce {})", name(), step,
                fmt(lastStep.totalLoss()), fmt(lastStep.kdLoss()), fmt(lastStep.ceLoss()));
    }

    /**
     * Announces the checkpoint whose announcement waits, once the registry answers (asked every two seconds at most:
     * the client's own retries would hold training for seconds each time). True when nothing waits any more.
     */
    private boolean announcePendingCheckpoint() throws Exception {
        if (System.nanoTime() < nextAnnouncementTry) {
            return false;
        }
        nextAnnouncementTry = System.nanoTime() + ANNOUNCEMENT_RETRY.toNanos();
        if (!catalogue.registry().available() || !checkpointPublisher.announcePending()) {
            return false;
        }
        log.info("{}: the schema registry answers again; the checkpoint that waited is announced", name());
        return true;
    }

    /** Whether checkpoints wait to be announced for the schema registry. */
    boolean checkpointAnnouncementsWait() {
        return checkpointPublisher != null && checkpointPublisher.hasPending();
    }

    private Map<String, String> settingsRecorded() {
        Map<String, String> settings = new LinkedHashMap<>(config.training().toMap());
        settings.putAll(config.runSettings());
        return settings;
    }

    private static String fmt(double value) {
        return String.format("%.4f", value);
    }

    /** Names this service's principal when the cluster refuses it a read. */
    @Override
    protected Map<String, ?> clientProperties() {
        return config.settings().clientProperties();
    }

    @Override
    protected void release() {
        if (cache != null) {
            try {
                logContentHash("stopping");
            } catch (RuntimeException e) {
                log.warn("{}: no content hash of the local cache at stop: {}", name(), e.toString());
            }
        }
        Resources.closeAll(name(), metrics, consumer, cache, checkpointPublisher, deadLetters, optimizer,
                optimizer == null ? null : optimizer.model());
    }

    /** Where a run is. */
    public enum Phase { STARTING, CATCHING_UP, WAITING_FOR_DATA, TRAINING, STOPPED }

    /**
     * What a run shows: for the CLI's progress bar, the meters and tests.
     *
     * @param cachedExamples live sequences in the local cache
     * @param cacheBytes the local cache's size on disk
     * @param lag records in the topic not yet in the local cache
     * @param deadLettered records it cannot train on (another tokenizer, fewer entries than its K, malformed), met by
     *     this process; each is in the dead-letter topic (sent now, or before by a trainer that met it first)
     * @param resumedFromStep the checkpoint step this process resumed from, -1 when it started afresh
     */
    public record Progress(Phase phase, long step, long maxSteps, int epoch, int cachedExamples, long cacheBytes, long lag,
                           double tokensPerSecond, long checkpoints, long otherTeacherRecords, long deadLettered, StepMetrics lastStep,
                           long cacheRebuilds, long refusedCheckpoints, long resumedFromStep) {
    }

    public Progress progress() {
        return progress.get();
    }

    /**
     * Tells {@code observer}, on the training thread, the prompt id of every sequence drawn into a batch from now on
     * (an id drawn again is told again); it must be quick. The soak benchmark times prompts to their first draw with it.
     */
    public void observeDraws(Consumer<String> observer) {
        this.drawObserver = observer;
    }

    private void publishProgress(Phase phase) {
        progress.set(counters.progress(phase, config.maxSteps(), optimizer, sampler, cache, ingest));
    }

    /** Runs the trainer; settings from {@code KDSTREAM_CONFIG} and the environment (see {@link TrainerConfig}). */
    public static void main(String[] args) throws InterruptedException {
        Settings settings = Settings.fromProcessEnvironment();
        ServiceRunner.runUntilStopped(new TrainerService(TrainerConfig.from(settings)), settings);
    }
}
