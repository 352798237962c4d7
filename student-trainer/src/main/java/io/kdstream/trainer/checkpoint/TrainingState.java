package io.kdstream.trainer.checkpoint;

import io.kdstream.trainer.sampling.SamplerState;
import io.kdstream.trainer.training.StepMetrics;

import java.util.Map;

/**
 * The trainer's side of a checkpoint, kept beside the model file: what it takes to go on exactly where the run
 * stopped.
 *
 * @param step optimizer steps completed
 * @param tokensSeen trained tokens so far
 * @param modelFile the model checkpoint's file name, in the same directory
 * @param modelSha256 the model file's SHA-256, checked before it is loaded
 * @param cacheId the local cache the sampler's entry numbers refer to
 * @param cacheEntries entries the local cache held at the checkpoint
 * @param cacheOffsets the cache's position in the logit topic (next offset per partition)
 * @param settings the run's settings (training and sampling), as recorded in the checkpoint event
 * @param optimizer the optimizer's state (Adam's moments, step counts), in its own format
 * @param sampler the batch sampler's state
 * @param lastStep the checkpoint's last step, what its announcement reports (null in a state written before it was kept)
 * @param tokensPerSecond the run's training rate at the checkpoint, also announced
 */
public record TrainingState(long step, long tokensSeen, String modelFile, String modelSha256, String cacheId, int cacheEntries,
                            Map<Integer, Long> cacheOffsets, Map<String, String> settings, byte[] optimizer,
                            SamplerState sampler, StepMetrics lastStep, double tokensPerSecond) {

    /** This state, pointing at the model file it was written with. */
    public TrainingState withModel(String file, String sha256) {
        return new TrainingState(step, tokensSeen, file, sha256, cacheId, cacheEntries, cacheOffsets, settings, optimizer, sampler,
                lastStep, tokensPerSecond);
    }
}
