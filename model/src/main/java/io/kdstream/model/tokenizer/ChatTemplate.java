package io.kdstream.model.tokenizer;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A Hugging Face chat template ({@code chat_template} of {@code tokenizer_config.json}) rendered by jinjava, with the
 * generation prompt: what the model sees before the assistant's answer.
 *
 * <p>Hugging Face renders templates with Python's Jinja2 ({@code trim_blocks}, {@code lstrip_blocks}, whitespace
 * control with {@code -}); jinjava takes the first two as settings but ignores {@code {{-} and {@code -}}}, so the
 * whitespace they remove is removed here before parsing, as transformers.js does. Python-only constructs jinjava lacks
 * (slices such as {@code [::-1]}, string methods such as {@code lstrip}) are refused with jinjava's message, which
 * names the construct and its line: a template is never rendered half-right.
 */
final class ChatTemplate {

    private static final Pattern BEFORE_TRIMMING_OPEN = Pattern.compile("\\s*(\\{[{%#])-");
    private static final Pattern AFTER_TRIMMING_CLOSE = Pattern.compile("-([}%#]\\})\\s*");
    private static final ELFunctionDefinition RAISE_EXCEPTION;

    static {
        try {
            RAISE_EXCEPTION = new ELFunctionDefinition("", "raise_exception",
                    ChatTemplate.class.getDeclaredMethod("raiseException", String.class));
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String source;
    private final String origin;
    private final Map<String, Object> specialTokens;
    private final Jinjava jinjava;

    /**
     * @param template      the Jinja source
     * @param origin        where it came from, for error messages
     * @param specialTokens {@code bos_token}, {@code eos_token} and the like, which templates refer to by name
     */
    ChatTemplate(String template, String origin, Map<String, String> specialTokens) {
        this.source = withWhitespaceControlApplied(template);
        this.origin = origin;
        this.specialTokens = Map.copyOf(specialTokens);
        this.jinjava = new Jinjava(JinjavaConfig.newBuilder().withTrimBlocks(true).withLstripBlocks(true).build());
        jinjava.getGlobalContext().registerFunction(RAISE_EXCEPTION);
    }

    /** The conversation followed by the generation prompt (what opens the assistant's turn). */
    String render(List<ChatTurn> conversation) {
        Map<String, Object> context = new HashMap<>(specialTokens);
        context.put("messages", conversation.stream().map(ChatTemplate::message).toList());
        context.put("add_generation_prompt", true);
        RenderResult result = jinjava.renderForResult(source, context);
        if (!result.getErrors().isEmpty()) {
            throw new ChatTemplateException("the chat template of " + origin + " cannot be rendered: "
                    + result.getErrors().stream().map(ChatTemplate::describe).distinct().collect(Collectors.joining("; ")));
        }
        return result.getOutput();
    }

    private static Map<String, Object> message(ChatTurn turn) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", turn.role());
        message.put("content", turn.content());
        return message;
    }

    private static String describe(TemplateError error) {
        String field = error.getFieldName() == null ? "" : error.getFieldName().trim();
        // jinjava's field is the construct, or a fragment of it that its message already quotes
        String construct = field.isEmpty() || error.getMessage().contains(field) ? "" : " in '" + field + "'";
        return "line " + error.getLineno() + construct + ": " + error.getMessage();
    }

    /**
     * Jinja2's {@code {{-}, {@code {%-}, {@code -}}} and {@code -%}} strip the whitespace on their side. The line
     * breaks stripped move inside the tag, where they render nothing, so jinjava's line numbers stay the template's.
     */
    static String withWhitespaceControlApplied(String template) {
        String opened = BEFORE_TRIMMING_OPEN.matcher(template)
                .replaceAll(match -> Matcher.quoteReplacement(match.group(1) + lineBreaksOf(match.group())));
        String closed = AFTER_TRIMMING_CLOSE.matcher(opened)
                .replaceAll(match -> Matcher.quoteReplacement(lineBreaksOf(match.group()) + match.group(1)));
        // Jinja2 drops the template's last newline (keep_trailing_newline is off in transformers)
        return closed.endsWith("\n") ? closed.substring(0, closed.length() - 1) : closed;
    }

    private static String lineBreaksOf(String text) {
        return "\n".repeat((int) text.chars().filter(c -> c == '\n').count());
    }

    /** Templates call {@code raise_exception(message)} to refuse a conversation (roles out of order, say). */
    public static String raiseException(String message) {
        throw new ChatTemplateException("the chat template refuses the conversation: " + message);
    }
}
