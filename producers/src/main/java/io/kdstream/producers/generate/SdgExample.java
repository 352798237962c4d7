package io.kdstream.producers.generate;

import io.kdstream.schemas.avro.Prompt;
import io.kdstream.schemas.avro.Split;

/** One synthetic example: its canonical form (what makes two examples the same problem), its split, its Prompt. */
public interface SdgExample {

    String canonical();

    Split split();

    Prompt toPrompt(String source);
}
