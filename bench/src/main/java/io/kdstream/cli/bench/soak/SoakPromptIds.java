package io.kdstream.cli.bench.soak;

/**
 * The ids of a soak's streamed prompts, {@code prefix-<sequence>}: the sequence numbers count from 0 (and stay below
 * 10^9, 1.5 years at 20 a second), so what the soak keeps per prompt can be indexed by them (a bit a prompt) instead
 * of by the id.
 */
record SoakPromptIds(String prefix) {

    String id(long sequence) {
        return prefix + "-" + sequence;
    }

    /** The sequence number of one of these ids; -1 for any other id (a held-out prompt's, another run's). */
    int sequenceOf(String promptId) {
        int start = prefix.length() + 1;
        if (promptId.length() <= start || promptId.length() > start + 9 || !promptId.startsWith(prefix) || promptId.charAt(prefix.length()) != '-') {
            return -1;
        }
        int sequence = 0;
        for (int i = start; i < promptId.length(); i++) {
            char digit = promptId.charAt(i);
            if (digit < '0' || digit > '9') {
                return -1;
            }
            sequence = sequence * 10 + (digit - '0');
        }
        return sequence;
    }
}
