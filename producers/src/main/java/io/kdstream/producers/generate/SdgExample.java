package io.kdstream.producers.generate;

import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;

/**
 * One synthetic example: its canonical form (what makes two examples the same problem), its split, whether its
 * response is deliberately wrong, its Prompt.
 */
public interface SdgExample {

    String canonical();

    Split split();

    boolean wrong();

    Prompt toPrompt(String source);
}
