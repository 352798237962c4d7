package io.kdstream.teacher.testing;

import io.kdstream.model.topk.TopKLogits;
import io.kdstream.schemas.avro.TeacherIdentity;
import io.kdstream.schemas.avro.ValueKind;
import io.kdstream.teacher.backend.TeacherBackend;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real teacher that fails on purpose: on the sequences of some prompts (as input the teacher cannot score would),
 * or on every call after the first few (as a device that breaks would). Everything else goes to the teacher it wraps.
 */
public final class FailingTeacher implements TeacherBackend {

    private final TeacherBackend teacher;
    private final Map<List<Integer>, String> failingPrompts;
    private final int workingCalls;
    private final AtomicInteger calls = new AtomicInteger();

    private FailingTeacher(TeacherBackend teacher, Map<List<Integer>, String> failingPrompts, int workingCalls) {
        this.teacher = teacher;
        this.failingPrompts = failingPrompts;
        this.workingCalls = workingCalls;
    }

    /** Fails every call that includes the tokens of one of {@code prompts} (prompt id to its tokens). */
    public static FailingTeacher failingOn(TeacherBackend teacher, Map<String, int[]> prompts) {
        Map<List<Integer>, String> failing = new HashMap<>();
        prompts.forEach((id, tokens) -> failing.put(key(tokens), id));
        return new FailingTeacher(teacher, failing, Integer.MAX_VALUE);
    }

    /** Answers the first {@code workingCalls} calls (a worker's start-up check), then fails every call. */
    public static FailingTeacher brokenAfter(TeacherBackend teacher, int workingCalls) {
        return new FailingTeacher(teacher, Map.of(), workingCalls);
    }

    @Override
    public List<TopKLogits> topK(List<int[]> sequences, int k) {
        if (calls.incrementAndGet() > workingCalls) {
            throw new IllegalStateException("fault injection: every forward pass fails");
        }
        for (int[] sequence : sequences) {
            String prompt = failingPrompts.get(key(sequence));
            if (prompt != null) {
                throw new IllegalStateException("fault injection: the forward pass fails on prompt " + prompt);
            }
        }
        return teacher.topK(sequences, k);
    }

    private static List<Integer> key(int[] sequence) {
        return Arrays.stream(sequence).boxed().toList();
    }

    @Override
    public TeacherIdentity identity() {
        return teacher.identity();
    }

    @Override
    public String device() {
        return teacher.device();
    }

    @Override
    public int vocabularySize() {
        return teacher.vocabularySize();
    }

    @Override
    public OptionalInt contextLength() {
        return teacher.contextLength();
    }

    @Override
    public ValueKind valueKind() {
        return teacher.valueKind();
    }

    @Override
    public void close() {
        teacher.close();
    }
}
