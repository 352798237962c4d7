package io.kdstream.teacher.backend;

/**
 * The teacher could not be reached (connection refused or lost, timeouts, 429 or 503 after every retry): a problem of
 * the teacher, not of the records, so a worker pauses instead of dead-lettering them.
 */
public final class TeacherUnavailableException extends RuntimeException {

    public TeacherUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
