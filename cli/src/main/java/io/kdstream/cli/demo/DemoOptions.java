package io.kdstream.cli.demo;

import java.nio.file.Path;

/**
 * The demo's sizes.
 *
 * @param trainPrompts       generated training problems
 * @param testPrompts        generated held-out problems the evaluator scores
 * @param teacherCheckpoint  the teacher to use, trained first if the file does not exist
 * @param teacherSteps       SFT steps when the teacher must be trained
 * @param studentSteps       student training steps
 * @param checkpointEvery    steps between student checkpoints
 * @param workers            teacher workers in the consumer group
 * @param workDir            where student checkpoints go
 */
public record DemoOptions(int trainPrompts, int testPrompts, Path teacherCheckpoint, long teacherSteps, long studentSteps,
                          long checkpointEvery, int workers, Path workDir) {
}
