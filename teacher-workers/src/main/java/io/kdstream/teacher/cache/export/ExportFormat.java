package io.kdstream.teacher.cache.export;

import com.fasterxml.jackson.core.JsonGenerator;
import io.kdstream.schemas.logits.SequenceLogits;

import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The JSONL dialects trainers outside Java read teacher top-K logits in: one JSON object a sequence. */
public enum ExportFormat {

    /** NeMo-Aligner's KD data (see {@link NemoAlignerLine}). */
    NEMO_ALIGNER("nemo-aligner") {
        @Override
        void write(SequenceLogits sequence, JsonGenerator json) throws IOException {
            NemoAlignerLine.write(sequence, json);
        }
    },
    /** axolotl's offline KD data (see {@link AxolotlLine}). */
    AXOLOTL("axolotl") {
        @Override
        void write(SequenceLogits sequence, JsonGenerator json) throws IOException {
            AxolotlLine.write(sequence, json);
        }
    };

    private final String label;

    ExportFormat(String label) {
        this.label = label;
    }

    /** Writes the sequence as one JSON object (the caller ends the line). */
    abstract void write(SequenceLogits sequence, JsonGenerator json) throws IOException;

    public String label() {
        return label;
    }

    /** The format a command line names: {@code nemo-aligner} or {@code axolotl}. */
    public static ExportFormat named(String label) {
        String wanted = label.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(format -> format.label.equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown export format '" + label + "'; one of "
                        + Arrays.stream(values()).map(ExportFormat::label).collect(Collectors.joining(", "))));
    }
}
