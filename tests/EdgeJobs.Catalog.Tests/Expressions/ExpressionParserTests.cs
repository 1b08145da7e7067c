using EdgeJobs.Catalog.Expressions;
using EdgeJobs.Catalog.Rasters;

namespace EdgeJobs.Catalog.Tests.Expressions;

/// <summary>The band-math grammar: precedence, functions, bounds, and errors that say where.</summary>
public class ExpressionParserTests
{
    /// <summary>Fully parenthesised, so a test states the tree it expects.</summary>
    private static string Show(Expr e) => e switch
    {
        NumberExpr n => n.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        BandRef b => $"b{b.Band}",
        UnaryExpr u => $"{u.Op.ToString().ToLowerInvariant()}({Show(u.Operand)})",
        BinaryExpr b => $"({Show(b.Left)} {b.Op} {Show(b.Right)})",
        ConditionalExpr c => $"({Show(c.Condition)} ? {Show(c.WhenTrue)} : {Show(c.WhenFalse)})",
        _ => "?",
    };

    [Test]
    [Arguments("b1 + b2 * b3", "(b1 Add (b2 Multiply b3))")]
    [Arguments("(b1 + b2) * b3", "((b1 Add b2) Multiply b3)")]
    [Arguments("b1 - b2 - b3", "((b1 Subtract b2) Subtract b3)")]
    [Arguments("b1 / b2 / 2", "((b1 Divide b2) Divide 2)")]
    [Arguments("-b1 * 2", "(negate(b1) Multiply 2)")]
    [Arguments("-2.5e1 + .5", "(-25 Add 0.5)")]
    [Arguments("b1 > 0 && b2 <= 3 || !b3", "(((b1 Greater 0) And (b2 LessOrEqual 3)) Or not(b3))")]
    [Arguments("b1 != b2 == 0", "ERR")]
    [Arguments("b1 > 0 ? b2 : b3 < 1 ? 4 : 5", "((b1 Greater 0) ? b2 : ((b3 Less 1) ? 4 : 5))")]
    [Arguments("where(b1 == 0, 1, sqrt(abs(b2)))", "((b1 Equal 0) ? 1 : sqrt(abs(b2)))")]
    [Arguments("MIN(b1, B2, b3)", "((b1 Min b2) Min b3)")]
    [Arguments("max(b12,0)", "(b12 Max 0)")]
    [Arguments("  b1\t+\nb2 ", "(b1 Add b2)")]
    public async Task parses_with_the_documented_precedence(string text, string expected)
    {
        if (expected == "ERR")
        {
            await Assert.That(() => ExpressionParser.Parse(text)).Throws<ExpressionException>();
            return;
        }

        await Assert.That(Show(ExpressionParser.Parse(text))).IsEqualTo(expected);
    }

    [Test]
    [Arguments("", "the formula is empty at column 1")]
    [Arguments("b1 +", "the formula ends where a value was expected at column 5")]
    [Arguments("(b1 + b2", "missing ')' at the end at column 9")]
    [Arguments("b1 + b2)", "unexpected ')' at column 8")]
    [Arguments("b1 ** 2", "unexpected '*' at column 5")]
    [Arguments("b1 + log(b2)", "unknown name 'log'; use b1..bN for bands and the functions min, max, abs, sqrt, where at column 6")]
    [Arguments("sqrt b1", "'sqrt' is a function: write sqrt(...) at column 6")]
    [Arguments("sqrt(b1, b2)", "sqrt() takes 1 arguments, not 2 at column 1")]
    [Arguments("min(b1)", "min() takes 2 to 64 arguments, not 1 at column 1")]
    [Arguments("where(b1, 2)", "where() takes 3 arguments, not 2 at column 1")]
    [Arguments("b0", "'b0' is not a band; bands are b1..b65535 at column 1")]
    [Arguments("b70000", "'b70000' is not a band; bands are b1..b65535 at column 1")]
    [Arguments("2b1", "a number cannot run into a name ('2b'); write an operator between them at column 2")]
    [Arguments("1e39", "'1e39' is outside the float32 range at column 1")]
    [Arguments("1..2", "'1..2' is not a number at column 1")]
    [Arguments("b1 < b2 < b3", "comparisons do not chain; combine them with && (e.g. b1 > 0 && b1 < 10) at column 9")]
    [Arguments("b1 ? 2", "missing ':' at the end at column 7")]
    [Arguments("b1 # 2", "unexpected '#' at column 4")]
    public async Task errors_say_what_and_where(string text, string message)
    {
        var error = await Assert.That(() => ExpressionParser.Parse(text)).Throws<ExpressionException>();
        await Assert.That(error!.Message).IsEqualTo(message);
    }

    [Test]
    public async Task size_and_nesting_are_bounded_so_a_hostile_formula_cannot_exhaust_the_stack()
    {
        var deep = new string('(', 10_000) + "b1" + new string(')', 10_000);
        var longOne = string.Join("+", Enumerable.Repeat("b1", 1000));
        var wide = string.Join("+", Enumerable.Repeat("b1", 300));

        await Assert.That(() => ExpressionParser.Parse(deep)).Throws<ExpressionException>().WithMessageContaining("longer than 2000 characters");
        await Assert.That(() => ExpressionParser.Parse(new string('(', 100) + "b1" + new string(')', 100))).Throws<ExpressionException>().WithMessageContaining("nests deeper than 64");
        await Assert.That(() => ExpressionParser.Parse(new string('-', 100) + "b1")).Throws<ExpressionException>().WithMessageContaining("nests deeper than 64");
        await Assert.That(() => ExpressionParser.Parse(longOne)).Throws<ExpressionException>().WithMessageContaining("longer than 2000");
        await Assert.That(() => ExpressionParser.Parse(wide)).Throws<ExpressionException>().WithMessageContaining("more than 500 terms");
    }

    [Test]
    public async Task the_bands_read_are_listed_once_in_order()
    {
        await Assert.That(ExpressionParser.Parse("b4 - b3 + b4 * max(b1, 2)").Bands()).IsEquivalentTo(new[] { 1, 3, 4 }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    [Arguments("ndvi", "(b4 - b3) / (b4 + b3)")]
    [Arguments("NDWI", "(b2 - b4) / (b2 + b4)")]
    [Arguments(" evi ", "2.5 * (b4 - b3) / (b4 + 6 * b3 - 7.5 * b1 + 1)")]
    [Arguments("savi", "1.5 * (b4 - b3) / (b4 + b3 + 0.5)")]
    public async Task named_indices_expand_with_landsat_band_roles_by_default(string name, string expected)
    {
        await Assert.That(SpectralIndices.Expand(name, new())).IsEqualTo(expected);
        await Assert.That(SpectralIndices.Expand("ndvi", new() { Red = 1, Nir = 2 })).IsEqualTo("(b2 - b1) / (b2 + b1)");
        await Assert.That(SpectralIndices.Expand("b1 + 1", new())).IsNull();
    }

    [Test]
    public async Task colour_tables_hit_every_stop_and_interpolate_as_gdaldem_does()
    {
        foreach (var name in Colormaps.Names)
        {
            var table = Colormaps.Table(name);
            var stops = Colormaps.Stops(name);
            await Assert.That(table.Length).IsEqualTo(768);
            await Assert.That(table[..3]).IsEquivalentTo(new[] { stops[0].R, stops[0].G, stops[0].B }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
            await Assert.That(table[^3..]).IsEquivalentTo(new[] { stops[^1].R, stops[^1].G, stops[^1].B }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        }

        // greys: black to white; value v is (int)(0.45 + v) = v.
        var greys = Colormaps.Table("greys");
        await Assert.That(Enumerable.Range(0, 256).All(v => greys[v * 3] == v && greys[(v * 3) + 1] == v && greys[(v * 3) + 2] == v)).IsTrue();
    }
}
