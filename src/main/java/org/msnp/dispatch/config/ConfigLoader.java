package org.msnp.dispatch.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Reads a configuration file. Every problem becomes one {@link ConfigException} whose message
 * names the file, line and key; nothing else escapes.
 */
public final class ConfigLoader {
    private static final ObjectMapper MAPPER = mapper();

    private ConfigLoader() {
    }

    public static DispatchConfig load(Path file) throws ConfigException {
        return parse(read(file), file.toString());
    }

    /** The text of a configuration file, or the one-line error {@link #load} gives when it cannot be read. */
    public static String read(Path file) throws ConfigException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), 0, "", "no such file");
        } catch (IOException e) {
            throw new ConfigException(file.toString(), 0, "", "cannot read: " + e.getMessage());
        }
    }

    /** Reads configuration text; {@code source} names it in error messages. */
    public static DispatchConfig parse(String text, String source) throws ConfigException {
        if (text.isBlank()) {
            return DispatchConfig.defaults();
        }
        try {
            DispatchConfig config = MAPPER.readValue(text, DispatchConfig.class);
            return config != null ? config : DispatchConfig.defaults();
        } catch (JacksonException e) {
            if (e instanceof MismatchedInputException && String.valueOf(e.getOriginalMessage()).startsWith("No content to map")) {
                return DispatchConfig.defaults(); // only comments
            }
            throw describe(e, source, text);
        } catch (RuntimeException e) {
            throw new ConfigException(source, 0, "", String.valueOf(e.getMessage()));
        }
    }

    private static ConfigException describe(JacksonException e, String source, String text) {
        JsonLocation loc = e.getLocation();
        int line = loc != null ? loc.getLineNr() : 0;
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof org.yaml.snakeyaml.error.MarkedYAMLException y) {
                String problem = y.getContext() == null ? y.getProblem() : y.getContext() + ": " + y.getProblem();
                int at = y.getProblemMark() != null ? y.getProblemMark().getLine() + 1 : line;
                return new ConfigException(source, at, "", "YAML syntax: " + problem);
            }
        }
        if (e instanceof JsonMappingException m) {
            String path = path(m);
            List<Object> segments = segments(m);
            if (m instanceof UnrecognizedPropertyException u) {
                String known = u.getKnownPropertyIds() == null ? "" : u.getKnownPropertyIds().stream()
                        .map(Object::toString).sorted().collect(Collectors.joining(", "));
                return new ConfigException(source, lineOf(text, segments, line), path,
                        "unknown key" + (known.isEmpty() ? "" : " (known here: " + known + ")"));
            }
            if (m instanceof ValueInstantiationException && m.getCause() != null) {
                Throwable cause = root(m.getCause());
                if (cause instanceof BadValue bad) {
                    List<Object> keyed = new ArrayList<>(segments);
                    keyed.add(bad.key());
                    int keyLine = KeyLines.find(text, keyed);
                    if (keyLine > 0) {
                        return new ConfigException(source, keyLine, path.isEmpty() ? bad.key() : path + "." + bad.key(),
                                bad.getMessage());
                    }
                }
                return new ConfigException(source, lineOf(text, segments, line), path, String.valueOf(cause.getMessage()));
            }
            if (m instanceof InvalidFormatException f && f.getTargetType() != null && f.getTargetType().isEnum()) {
                return new ConfigException(source, line, path, "'" + f.getValue() + "' is not one of "
                        + Arrays.stream(f.getTargetType().getEnumConstants()).map(c -> kebab(((Enum<?>) c).name()))
                        .collect(Collectors.joining(", ")));
            }
            if (m instanceof InvalidFormatException f && f.getTargetType() != null && VALUE_TYPES.contains(f.getTargetType())) {
                return new ConfigException(source, line, path, f.getOriginalMessage());
            }
            if (m instanceof MismatchedInputException mi && mi.getTargetType() != null) {
                return new ConfigException(source, line, path, "expected " + describeType(mi.getTargetType()));
            }
            return new ConfigException(source, line, path, firstSentence(m).replaceFirst("^: ", ""));
        }
        if (e instanceof com.fasterxml.jackson.core.JsonParseException
                && String.valueOf(e.getOriginalMessage()).startsWith("Duplicate field")) {
            java.util.regex.Matcher d = java.util.regex.Pattern.compile("Duplicate field '([^']*)'").matcher(e.getOriginalMessage());
            return new ConfigException(source, line, d.find() ? d.group(1) : "", "duplicate key");
        }
        return new ConfigException(source, line, "", "YAML syntax: " + firstSentence(e).replaceFirst("^: ", ""));
    }

    /** The key's own line where the text lets us find it; else what the parser said. */
    private static int lineOf(String text, List<Object> segments, int fallback) {
        int found = KeyLines.find(text, segments);
        return found > 0 ? found : fallback;
    }

    private static List<Object> segments(JsonMappingException m) {
        List<Object> out = new ArrayList<>();
        for (JsonMappingException.Reference r : m.getPath()) {
            if (r.getFieldName() != null) {
                out.add(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                out.add(r.getIndex());
            }
        }
        return out;
    }

    private static final java.util.Set<Class<?>> VALUE_TYPES = java.util.Set.of(java.time.Duration.class,
            BindAddress.class, org.msnp.dispatch.protocol.HostPort.class, org.msnp.dispatch.protocol.ClientVersion.class,
            DialectSet.class, LocaleId.class, Url.class, AddressRange.class, TokenFile.class, TransportName.class);

    private static Throwable root(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }

    private static String firstSentence(JacksonException e) {
        String msg = e.getOriginalMessage();
        if (msg == null) {
            return "";
        }
        int nl = msg.indexOf('\n');
        msg = nl >= 0 ? msg.substring(0, nl) : msg;
        return ": " + msg.replaceAll("\\(class [^)]*\\)", "").replaceAll("`[a-z]+(\\.[a-zA-Z0-9$]+)+`", "value").trim();
    }

    private static String describeType(Class<?> t) {
        if (t == String.class) {
            return "a text value";
        }
        if (VALUE_TYPES.contains(t)) {
            return "one value, not a list or mapping";
        }
        if (t == Integer.class || t == int.class) {
            return "a whole number";
        }
        if (t == Boolean.class || t == boolean.class) {
            return "true or false";
        }
        if (java.util.List.class.isAssignableFrom(t)) {
            return "a list";
        }
        if (java.util.Map.class.isAssignableFrom(t) || t.isRecord()) {
            return "a mapping of keys";
        }
        return t.getSimpleName();
    }

    private static String path(JsonMappingException m) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : m.getPath()) {
            if (r.getFieldName() != null) {
                if (b.length() > 0) {
                    b.append('.');
                }
                b.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    static String kebab(String enumName) {
        return enumName.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static ObjectMapper mapper() {
        SimpleModule enums = new SimpleModule("kebab-enums");
        enums.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public JsonDeserializer<?> modifyEnumDeserializer(DeserializationConfig config, JavaType type,
                                                              BeanDescription beanDesc, JsonDeserializer<?> deserializer) {
                @SuppressWarnings({"unchecked", "rawtypes"})
                Class<Enum> raw = (Class<Enum>) type.getRawClass();
                return new KebabEnumDeserializer(raw);
            }
        });
        SimpleModule values = new SimpleModule("config-values");
        text(values, java.time.Duration.class, Durations::parse);
        text(values, BindAddress.class, BindAddress::parse);
        text(values, org.msnp.dispatch.protocol.HostPort.class, org.msnp.dispatch.protocol.HostPort::parse);
        text(values, org.msnp.dispatch.protocol.ClientVersion.class, org.msnp.dispatch.protocol.ClientVersion::of);
        text(values, DialectSet.class, DialectSet::parse);
        text(values, LocaleId.class, LocaleId::parse);
        text(values, Url.class, Url::new);
        text(values, AddressRange.class, AddressRange::parse);
        text(values, TokenFile.class, TokenFile::read);
        text(values, TransportName.class, TransportName::parse);
        values.addKeyDeserializer(LocaleId.class, new com.fasterxml.jackson.databind.KeyDeserializer() {
            @Override
            public Object deserializeKey(String key, DeserializationContext ctxt) throws IOException {
                try {
                    return LocaleId.parse(key);
                } catch (IllegalArgumentException e) {
                    throw InvalidFormatException.from(ctxt.getParser(), e.getMessage(), key, LocaleId.class);
                }
            }
        });
        return JsonMapper.builder(new YAMLFactory())
                .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .addModule(enums)
                .addModule(values)
                .build();
    }

    /** A value written as one scalar and read by {@code parse}, which explains what is wrong. */
    private static <T> void text(SimpleModule module, Class<T> type, java.util.function.Function<String, T> parse) {
        module.addDeserializer(type, new com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer<T>(type) {
            @Override
            public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                if (!p.currentToken().isScalarValue()) {
                    throw MismatchedInputException.from(p, type, "expected one value");
                }
                String text = p.getText();
                try {
                    return parse.apply(text);
                } catch (IllegalArgumentException e) {
                    throw InvalidFormatException.from(p, e.getMessage(), text, type);
                }
            }
        });
    }

    /** Enum values written in kebab-case ({@code echo-cvr0}, {@code reject-420}). */
    private static final class KebabEnumDeserializer extends JsonDeserializer<Enum<?>> {
        @SuppressWarnings("rawtypes")
        private final Class<Enum> type;

        @SuppressWarnings("rawtypes")
        KebabEnumDeserializer(Class<Enum> type) {
            this.type = type;
        }

        @Override
        public Enum<?> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException, JsonProcessingException {
            String text = p.getValueAsString();
            if (text != null) {
                for (Enum<?> c : type.getEnumConstants()) {
                    if (kebab(c.name()).equals(text.trim())) {
                        return c;
                    }
                }
            }
            throw InvalidFormatException.from(p, "not a valid choice", text == null ? p.getText() : text, type);
        }
    }
}
