package io.kdstream.producers.ingest;

import io.kdstream.platform.config.ConfigException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which JSON field of an input line holds each part of a Prompt. By default a field is read under its own name,
 * and {@code prompt} and {@code response} also under OpenMathInstruct-2's names ({@code problem},
 * {@code generated_solution}). A mapping such as {@code prompt=question,response=answer} reads other datasets
 * as they are: a mapped field is read under the given name only.
 */
public final class FieldMapping {

    public static final String PROMPT = "prompt";
    public static final String RESPONSE = "response";
    public static final String MESSAGES = "messages";
    public static final String EXPECTED_ANSWER = "expected_answer";
    public static final String DATASET = "dataset";
    public static final String SPLIT = "split";
    public static final String SOURCE = "source";
    public static final String METADATA = "metadata";

    private static final List<String> FIELDS = List.of(PROMPT, RESPONSE, MESSAGES, EXPECTED_ANSWER, DATASET, SPLIT, SOURCE, METADATA);

    private final Map<String, List<String>> names;

    private FieldMapping(Map<String, List<String>> names) {
        this.names = Map.copyOf(names);
    }

    public static FieldMapping defaults() {
        Map<String, List<String>> names = new LinkedHashMap<>();
        FIELDS.forEach(field -> names.put(field, List.of(field)));
        names.put(PROMPT, List.of(PROMPT, "problem"));
        names.put(RESPONSE, List.of(RESPONSE, "generated_solution"));
        return new FieldMapping(names);
    }

    /**
     * Parses {@code field=name} pairs separated by commas, as {@code kdstream.producer.fields} holds them.
     *
     * @throws ConfigException naming the pair that is malformed or the field that does not exist
     */
    public static FieldMapping parse(String spec) {
        FieldMapping mapping = defaults();
        if (spec == null || spec.isBlank()) {
            return mapping;
        }
        Map<String, List<String>> names = new LinkedHashMap<>(mapping.names);
        for (String pair : spec.split(",")) {
            String[] parts = pair.split("=", -1);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new ConfigException("field mapping '" + pair.trim() + "' is not of the form FIELD=NAME (e.g. prompt=question)");
            }
            String field = parts[0].trim();
            if (!FIELDS.contains(field)) {
                throw new ConfigException("field mapping '" + pair.trim() + "' names the unknown field '" + field + "'; fields are " + FIELDS);
            }
            names.put(field, List.of(parts[1].trim()));
        }
        return new FieldMapping(names);
    }

    /** The JSON names a field is read under, in order of preference. */
    public List<String> namesOf(String field) {
        return names.get(field);
    }

    /** How error messages name a field: {@code 'prompt (or problem)'}, or the mapped name. */
    public String describe(String field) {
        List<String> candidates = names.get(field);
        return candidates.size() == 1 ? candidates.get(0) : candidates.get(0) + " (or " + String.join(", ", candidates.subList(1, candidates.size())) + ")";
    }
}
