package io.kdstream.cli.bench.soak;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A soak's settings.
 *
 * @param duration how long prompts stream in
 * @param interval how often the figures are taken (a minute from the command line)
 * @param promptsPerSecond the generator's steady rate
 * @param heldOutPrompts TEST problems sent first, what the evaluator scores each checkpoint on
 * @param checkpointEvery training steps between checkpoints (each one evaluated)
 * @param workDir where the teacher, checkpoints, the local cache and the router's state go
 */
record SoakOptions(Duration duration, Duration interval, double promptsPerSecond, int heldOutPrompts, long checkpointEvery, Path workDir) {
}
