package io.kdstream.teacher.backend;

/** The teacher refused a request and said why (a prompt longer than the model's context, say): the server's words. */
public final class TeacherRejectedException extends RuntimeException {

    private final int status;

    public TeacherRejectedException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status the server answered with. */
    public int status() {
        return status;
    }
}
