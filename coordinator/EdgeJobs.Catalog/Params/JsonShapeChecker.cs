using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Catalog.Params;

/// <summary>
/// Walks a JSON object against a type's JSON contract and lists every violation with its
/// JSON path: unknown fields, missing required fields, values of the wrong JSON kind, and numbers outside
/// their <see cref="ParamRangeAttribute"/>. The
/// deserializer stops at the first problem; users deserve the whole list in one 400.
/// Each contract's rules (kinds, ranges, allowed values: attributes read by reflection) are worked out
/// once and kept; reading the attributes on every submit was measurable in the throughput profile.
/// </summary>
public static class JsonShapeChecker
{
    private static readonly ConditionalWeakTable<JsonTypeInfo, Dictionary<string, PropertyRule>> s_rules = [];

    public static void Check(JsonElement element, JsonTypeInfo typeInfo, string path, List<ViolationDto> violations)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            violations.Add(new ViolationDto(path, "must be an object"));
            return;
        }

        var byName = s_rules.GetValue(typeInfo, RulesOf);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in element.EnumerateObject())
        {
            var memberPath = path + "." + member.Name;
            if (!seen.Add(member.Name))
            {
                violations.Add(new ViolationDto(memberPath, "appears more than once"));
                continue;
            }

            if (!byName.TryGetValue(member.Name, out var property))
            {
                violations.Add(new ViolationDto(memberPath, "is not a known field"));
                continue;
            }

            CheckValue(member.Value, property, memberPath, violations);
        }

        foreach (var property in typeInfo.Properties)
        {
            if (property.IsRequired && !seen.Contains(property.Name))
            {
                violations.Add(new ViolationDto(path + "." + property.Name, "is required"));
            }
        }
    }

    /// <summary>What one property accepts, read once from its contract and attributes.</summary>
    private sealed record PropertyRule(JsonPropertyInfo Property, Type Target, ExpectedKind Expected, bool Nullable,
        ParamAllowedValuesAttribute? Allowed, ParamRangeAttribute? Range, IParamShape? Shape);

    private static Dictionary<string, PropertyRule> RulesOf(JsonTypeInfo typeInfo)
    {
        var rules = new Dictionary<string, PropertyRule>(StringComparer.Ordinal);
        foreach (var property in typeInfo.Properties)
        {
            var type = property.PropertyType;
            var underlying = Nullable.GetUnderlyingType(type);
            var target = underlying ?? type;
            var shape = ShapeOf(property, target);
            rules[property.Name] = new PropertyRule(property, target, shape is null ? KindOf(target, property.Options) : ExpectedKind.Any,
                underlying is not null || (!type.IsValueType && property.IsSetNullable), AllowedOf(property), RangeOf(property), shape);
        }

        return rules;
    }

    private static void CheckValue(JsonElement value, PropertyRule rule, string path, List<ViolationDto> violations)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            if (!rule.Nullable)
            {
                violations.Add(new ViolationDto(path, "must not be null"));
            }

            return;
        }

        if (rule.Shape is { } shape)
        {
            shape.Check(value, rule.Property.Options, path, violations);
            return;
        }

        var (target, expected) = (rule.Target, rule.Expected);
        var ok = expected switch
        {
            ExpectedKind.Number => value.ValueKind == JsonValueKind.Number && FitsNumber(value, target),
            ExpectedKind.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            ExpectedKind.String => value.ValueKind == JsonValueKind.String,
            ExpectedKind.Array => value.ValueKind == JsonValueKind.Array,
            ExpectedKind.Object => value.ValueKind == JsonValueKind.Object,
            _ => true,
        };

        if (!ok)
        {
            violations.Add(new ViolationDto(path, "must be " + Describe(expected, target)));
            return;
        }

        if (expected == ExpectedKind.Object && rule.Property.Options.GetTypeInfo(target) is { Kind: JsonTypeInfoKind.Dictionary } map)
        {
            CheckMap(value, map, path, violations);
        }
        else if (expected == ExpectedKind.Object)
        {
            Check(value, rule.Property.Options.GetTypeInfo(target), path, violations);
        }
        else if (expected == ExpectedKind.String && rule.Allowed is { } allowed && !allowed.Allows(value.GetString()))
        {
            violations.Add(new ViolationDto(path, "must be one of: " + string.Join(", ", allowed.Values)));
        }
        else if (expected == ExpectedKind.Number && rule.Range is { } range)
        {
            var number = value.GetDouble();
            if (number < range.Minimum || number > range.Maximum)
            {
                violations.Add(new ViolationDto(path, string.Create(CultureInfo.InvariantCulture, $"must be between {range.Minimum} and {range.Maximum}")));
            }
        }
    }

    /// <summary>A map (any keys): each value must be of the map's value kind.</summary>
    private static void CheckMap(JsonElement value, JsonTypeInfo map, string path, List<ViolationDto> violations)
    {
        var valueType = map.ElementType!;
        var expected = KindOf(valueType, map.Options);
        foreach (var member in value.EnumerateObject())
        {
            var ok = expected switch
            {
                ExpectedKind.Number => member.Value.ValueKind == JsonValueKind.Number && FitsNumber(member.Value, valueType),
                ExpectedKind.Boolean => member.Value.ValueKind is JsonValueKind.True or JsonValueKind.False,
                ExpectedKind.String => member.Value.ValueKind == JsonValueKind.String,
                ExpectedKind.Array => member.Value.ValueKind == JsonValueKind.Array,
                ExpectedKind.Object => member.Value.ValueKind == JsonValueKind.Object,
                _ => true,
            };
            if (!ok)
            {
                violations.Add(new ViolationDto(path + "." + member.Name, "must be " + Describe(expected, valueType)));
            }
        }
    }

    /// <summary>The converter of a param with several JSON shapes, on the property or on its type.</summary>
    private static IParamShape? ShapeOf(JsonPropertyInfo property, Type target) =>
        property.CustomConverter as IParamShape
        ?? (target.IsPrimitive || target == typeof(string) ? null : property.Options.GetTypeInfo(target).Converter as IParamShape);

    private static ParamAllowedValuesAttribute? AllowedOf(JsonPropertyInfo property) =>
        property.AttributeProvider?.GetCustomAttributes(typeof(ParamAllowedValuesAttribute), inherit: false) is [ParamAllowedValuesAttribute allowed, ..]
            ? allowed
            : null;

    private static ParamRangeAttribute? RangeOf(JsonPropertyInfo property) =>
        property.AttributeProvider?.GetCustomAttributes(typeof(ParamRangeAttribute), inherit: false) is [ParamRangeAttribute range, ..]
            ? range
            : null;

    private enum ExpectedKind { Any, Number, Boolean, String, Array, Object }

    private static ExpectedKind KindOf(Type type, JsonSerializerOptions options)
    {
        if (type == typeof(bool))
        {
            return ExpectedKind.Boolean;
        }

        if (type == typeof(string))
        {
            return ExpectedKind.String;
        }

        if (type == typeof(JsonElement))
        {
            return ExpectedKind.Any;
        }

        if (type.IsPrimitive || type == typeof(decimal))
        {
            return ExpectedKind.Number;
        }

        return options.GetTypeInfo(type).Kind switch
        {
            JsonTypeInfoKind.Enumerable => ExpectedKind.Array,
            JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => ExpectedKind.Object,
            _ => ExpectedKind.Any,
        };
    }

    private static bool FitsNumber(JsonElement value, Type type) =>
        type == typeof(int) ? value.TryGetInt32(out _)
        : type == typeof(long) ? value.TryGetInt64(out _)
        : type == typeof(double) ? value.TryGetDouble(out var d) && double.IsFinite(d)
        : type == typeof(float) ? value.TryGetSingle(out var f) && float.IsFinite(f)
        : type == typeof(decimal) ? value.TryGetDecimal(out _)
        : true;

    private static string Describe(ExpectedKind kind, Type type) => kind switch
    {
        ExpectedKind.Number when type == typeof(int) || type == typeof(long) => "an integer",
        ExpectedKind.Number => "a number",
        ExpectedKind.Boolean => "true or false",
        ExpectedKind.String => "a string",
        ExpectedKind.Array => "an array",
        ExpectedKind.Object => "an object",
        _ => "a valid value",
    };
}
