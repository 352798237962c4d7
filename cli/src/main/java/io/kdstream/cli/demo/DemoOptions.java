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
 * @param servedTeacher      the workers ask the teacher through {@code serve-teacher}'s vLLM API over HTTP instead of
 *                           running it in their JVM
 */
public record DemoOptions(int trainPrompts, int testPrompts, Path teacherCheckpoint, long teacherSteps, long studentSteps,
                          long checkpointEvery, int workers, Path workDir, boolean servedTeacher) {
}
