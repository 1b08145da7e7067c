using System.Text.Json;
using EdgeJobs.Catalog.Exec;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Catalog.Tests.Exec;

/// <summary>The schema subset keyword by keyword: what each accepts and refuses, and what falls outside the subset.</summary>
public class JsonSchemaSubsetTests
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    /// <summary>Validates <paramref name="value"/> as the params member <c>x</c> of an object schema whose x is <paramref name="property"/>.</summary>
    private static List<ViolationDto> Check(string property, string value)
    {
        var schema = Json($$$"""{"type":"object","properties":{"x":{{{property}}}}}""");
        var problem = JsonSchemaSubset.CheckSchema(schema);
        if (problem is { } p)
        {
            throw new InvalidOperationException("schema refused: " + p.Reason);
        }

        var violations = new List<ViolationDto>();
        JsonSchemaSubset.Canonicalize(schema, Json($$"""{"x":{{value}}}"""), "$.params", violations);
        return violations;
    }

    [Test]
    [Arguments("""{"type":"string"}""", "\"a\"", "5")]
    [Arguments("""{"type":"number"}""", "1.5", "\"1.5\"")]
    [Arguments("""{"type":"integer"}""", "3", "3.5")]
    [Arguments("""{"type":"integer"}""", "3.0", "true")]
    [Arguments("""{"type":"boolean"}""", "false", "0")]
    [Arguments("""{"type":"array"}""", "[1]", "{}")]
    [Arguments("""{"type":"object"}""", "{}", "[]")]
    [Arguments("""{"type":"string","enum":["a","b"]}""", "\"b\"", "\"c\"")]
    [Arguments("""{"type":"number","minimum":1}""", "1", "0.99")]
    [Arguments("""{"type":"number","maximum":1}""", "1", "1.01")]
    [Arguments("""{"type":"number","exclusiveMinimum":0}""", "0.001", "0")]
    [Arguments("""{"type":"number","exclusiveMaximum":10}""", "9.9", "10")]
    [Arguments("""{"type":"string","minLength":2}""", "\"ab\"", "\"a\"")]
    [Arguments("""{"type":"string","maxLength":2}""", "\"ab\"", "\"abc\"")]
    [Arguments("""{"type":"string","pattern":"^[a-z]+$"}""", "\"abc\"", "\"ab1\"")]
    [Arguments("""{"type":"array","items":{"type":"integer","minimum":0}}""", "[0,1]", "[0,-1]")]
    [Arguments("""{"type":"array","minItems":1}""", "[1]", "[]")]
    [Arguments("""{"type":"array","maxItems":1}""", "[1]", "[1,2]")]
    [Arguments("""{"type":"object","properties":{"y":{"type":"string"}},"required":["y"]}""", """{"y":"a"}""", "{}")]
    [Arguments("""{"type":"object","properties":{"y":{"type":"string"}},"additionalProperties":false}""", """{"y":"a"}""", """{"z":1}""")]
    public async Task each_keyword_accepts_and_refuses(string property, string good, string bad)
    {
        await Assert.That(Check(property, good)).IsEmpty();
        var violations = Check(property, bad);
        await Assert.That(violations).IsNotEmpty();
        await Assert.That(violations[0].Path).StartsWith("$.params.x");
    }

    [Test]
    [Arguments("""{"type":"string","format":"uri"}""", "format")]
    [Arguments("""{"type":"string","$ref":"#/x"}""", "$ref")]
    [Arguments("""{"type":"string","oneOf":[]}""", "oneOf")]
    [Arguments("""{"type":"array","items":{"type":"string","const":"a"}}""", "const")]
    [Arguments("""{"type":"object","patternProperties":{}}""", "patternProperties")]
    public async Task keywords_outside_the_subset_are_refused_with_their_path(string property, string keyword)
    {
        var problem = JsonSchemaSubset.CheckSchema(Json($$$"""{"type":"object","properties":{"x":{{{property}}}}}"""));

        await Assert.That(problem).IsNotNull();
        await Assert.That(problem!.Value.Path[^1]).IsEqualTo(keyword);
        await Assert.That(problem.Value.Reason).Contains("not in the JSON Schema subset");
    }

    [Test]
    [Arguments("""{"type":"object","properties":{"x":{"type":"text"}}}""", "type")]
    [Arguments("""{"type":"object","properties":{"x":{"description":"no type"}}}""", "type")]
    [Arguments("""{"type":"object","properties":{"x":{"type":"string","minimum":1}}}""", "minimum")]
    [Arguments("""{"type":"object","properties":{"x":{"type":"string","pattern":"("}}}""", "pattern")]
    [Arguments("""{"type":"object","properties":{"x":{"type":"integer","default":"1"}}}""", "default")]
    [Arguments("""{"type":"object","properties":{"x":{"type":"string","enum":["a",1]}}}""", "1")]
    [Arguments("""{"type":"object","required":["x"]}""", "required")]
    [Arguments("""{"type":"object","additionalProperties":{"type":"string"}}""", "additionalProperties")]
    [Arguments("""{"type":"string"}""", "type")]
    public async Task unsound_schemas_are_refused(string schema, string last)
    {
        var problem = JsonSchemaSubset.CheckSchema(Json(schema));

        await Assert.That(problem).IsNotNull();
        await Assert.That(problem!.Value.Path[^1]).IsEqualTo(last);
    }

    [Test]
    public async Task canonical_json_has_the_schemas_key_order_and_defaults_and_no_nulls()
    {
        var schema = Json("""
            {"type":"object","properties":{
              "b":{"type":"number"},
              "a":{"type":"string","default":"x"},
              "c":{"type":"integer"},
              "d":{"type":"array","items":{"type":"number"}}
            }}
            """);
        var violations = new List<ViolationDto>();

        var canonical = JsonSchemaSubset.Canonicalize(schema, Json("""{"d":[1.0,2.5],"c":null,"z":true,"b":2.0}"""), "$.params", violations);

        await Assert.That(violations).IsEmpty();
        await Assert.That(canonical).IsEqualTo("""{"b":2,"a":"x","d":[1,2.5],"z":true}""");
    }

    [Test]
    public async Task every_violation_is_reported_at_once()
    {
        var schema = Json("""{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer","maximum":3}},"required":["a"],"additionalProperties":false}""");
        var violations = new List<ViolationDto>();

        var canonical = JsonSchemaSubset.Canonicalize(schema, Json("""{"b":4,"c":1}"""), "$.params", violations);

        await Assert.That(canonical).IsNull();
        await Assert.That(violations.Select(v => v.Path)).IsEquivalentTo(["$.params.a", "$.params.b", "$.params.c"], TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }
}
