using EdgeJobs.Agent.Kernels;
using EdgeJobs.Catalog.Expressions;
using EdgeJobs.Catalog.Rasters;

namespace EdgeJobs.Agent.Tests.Kernels;

/// <summary>The compiled vector program against a scalar tree walk of the same expression, bit for bit.</summary>
public class ExpressionProgramTests
{
    private static bool Same(float x, float y) => (float.IsNaN(x) && float.IsNaN(y)) || BitConverter.SingleToInt32Bits(x) == BitConverter.SingleToInt32Bits(y);

    /// <summary>The reference: one pixel at a time, through the operators' scalar forms.</summary>
    private static float Reference(Expr e, Func<int, float> band) => e switch
    {
        NumberExpr n => n.Value,
        BandRef b => band(b.Band),
        UnaryExpr u => ExpressionProgram.Scalar(u.Op, Reference(u.Operand, band)),
        BinaryExpr b => ExpressionProgram.Scalar(b.Op, Reference(b.Left, band), Reference(b.Right, band)),
        ConditionalExpr c => Reference(c.Condition, band) != 0 ? Reference(c.WhenTrue, band) : Reference(c.WhenFalse, band),
        _ => throw new ArgumentException("unknown node"),
    };

    public static IEnumerable<Func<(string Formula, int Length)>> Cases()
    {
        string[] formulas =
        [
            "(b2 - b1) / (b2 + b1)",
            "2.5 * (b4 - b3) / (b4 + 6 * b3 - 7.5 * b1 + 1)",
            "b1 > 100 && b2 <= 5000 ? sqrt(b2) : max(b3, b4) - abs(b1 - b2) / 2",
            "min(b1, b2, b3, b4) == b1 || !(b2 != b3)",
            "where(b1 < b2, -b1, b2 * 0) + (1 + 2) * 3",
            "sqrt(b1 - 5000)",
            "b3",
            "4 / 2",
            "b1 / 0 + b2 / b2",
        ];
        int[] lengths = [0, 1, 15, 16, 17, 63, 1023, 1024, 1025, 5000];
        foreach (var formula in formulas)
        {
            foreach (var length in lengths)
            {
                yield return () => (formula, length);
            }
        }
    }

    [Test]
    [MethodDataSource(nameof(Cases))]
    public async Task equals_the_scalar_reference_at_every_length(string formula, int length)
    {
        var expression = ExpressionParser.Parse(formula);
        var program = ExpressionProgram.Compile(expression);
        var random = new Random(length * 31 + formula.Length);
        var bands = new Dictionary<int, float[]>();
        for (var b = 1; b <= 4; b++)
        {
            bands[b] = [.. Enumerable.Range(0, length).Select(i => random.Next(10) switch
            {
                0 => 0f,
                1 => float.NaN,
                2 => -random.Next(10000),
                _ => random.Next(10000) + (float)random.NextDouble(),
            })];
        }

        var rows = program.Bands.Select(b => bands[b]).ToArray();
        var result = new float[length];
        program.Evaluate(rows, length, result, program.CreateScratch());

        var wrong = Enumerable.Range(0, length).Where(i => !Same(result[i], Reference(expression, b => bands[b][i]))).ToList();
        await Assert.That(wrong).IsEmpty();
    }

    [Test]
    public async Task constants_are_folded_and_temporaries_reused()
    {
        var folded = ExpressionProgram.Compile(ExpressionParser.Parse("(1 + 2) * 3 > 8 ? b1 : b2"));
        await Assert.That(folded.Bands).IsEquivalentTo(new[] { 1 }, TUnit.Assertions.Enums.CollectionOrdering.Matching);

        // A long chain needs only a couple of temporaries, not one per term.
        var chain = ExpressionProgram.Compile(ExpressionParser.Parse(string.Join(" + ", Enumerable.Repeat("b1 * b2", 100))));
        await Assert.That(chain.CreateScratch().Length).IsLessThanOrEqualTo(3 * ExpressionProgram.ChunkSize);
    }

    [Test]
    public async Task evaluating_allocates_nothing()
    {
        var program = ExpressionProgram.Compile(ExpressionParser.Parse("b1 > 0 ? (b2 - b1) / (b2 + b1) : min(b1, b2)"));
        var rows = new[] { new float[10_000], new float[10_000] };
        var result = new float[10_000];
        var scratch = program.CreateScratch();
        program.Evaluate(rows, 10_000, result, scratch);

        var before = GC.GetAllocatedBytesForCurrentThread();
        program.Evaluate(rows, 10_000, result, scratch);
        await Assert.That(GC.GetAllocatedBytesForCurrentThread() - before).IsEqualTo(0);
    }

    [Test]
    [Arguments(1)]
    [Arguments(31)]
    [Arguments(32)]
    [Arguments(33)]
    [Arguments(1000)]
    public async Task rescale_to_byte_equals_its_scalar_form_clamps_rounds_half_up_and_keeps_nodata(int length)
    {
        var random = new Random(length);
        var values = Enumerable.Range(0, length).Select(i => i % 13 == 0 ? -9999f : i % 17 == 0 ? float.NaN : (float)((random.NextDouble() * 3) - 1.5)).ToArray();
        var bytes = new byte[length];

        PixelKernel.Rescale(values, -1, 1, 1, 255, bytes, resultNoData: -9999, noDataByte: 0);

        const float ratio = 254f / 2;
        const float offset = 1 + ratio;
        for (var i = 0; i < length; i++)
        {
            var expected = values[i] == -9999 ? (byte)0 : PixelKernel.RescaleOne(values[i], ratio, offset);
            await Assert.That(bytes[i]).IsEqualTo(expected);
        }

        await Assert.That(PixelKernel.RescaleOne(-1, ratio, offset)).IsEqualTo((byte)1);
        await Assert.That(PixelKernel.RescaleOne(1, ratio, offset)).IsEqualTo((byte)255);
        await Assert.That(PixelKernel.RescaleOne(5, ratio, offset)).IsEqualTo((byte)255);
        await Assert.That(PixelKernel.RescaleOne(-5, ratio, offset)).IsEqualTo((byte)0);
        await Assert.That(PixelKernel.RescaleOne(0.5f / ratio, 1, 0)).IsEqualTo((byte)0);
        await Assert.That(PixelKernel.RescaleOne(2.5f, 1, 0)).IsEqualTo((byte)3);
    }

    [Test]
    public async Task colorize_looks_up_the_table_and_makes_nodata_transparent_black()
    {
        var table = Colormaps.Table("viridis");
        byte[] values = [0, 128, 255, 7];
        float[] result = [0.1f, 0.5f, float.NaN, -9999];
        var (r, g, b, a) = (new byte[4], new byte[4], new byte[4], new byte[4]);

        PixelKernel.Colorize(values, table, r, g, b, result, -9999, a);

        await Assert.That(new[] { r[0], g[0], b[0] }).IsEquivalentTo(new[] { table[0], table[1], table[2] }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(new[] { r[1], g[1], b[1] }).IsEquivalentTo(new[] { table[384], table[385], table[386] }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(a).IsEquivalentTo(new byte[] { 255, 255, 0, 0 }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
        await Assert.That(new[] { r[2], g[2], b[2], r[3], g[3], b[3] }).IsEquivalentTo(new byte[6], TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }

    [Test]
    public async Task mask_nodata_replaces_only_matching_pixels_and_nan_nodata_matches_nan()
    {
        float[] band = [1, -9999, 3, -9999, 5, 6, 7, 8, 9, -9999];
        var destination = Enumerable.Range(0, 10).Select(i => (float)i * 10).ToArray();
        PixelKernel.MaskNoData(band, -9999, destination, -1);
        await Assert.That(destination).IsEquivalentTo(new float[] { 0, -1, 20, -1, 40, 50, 60, 70, 80, -1 }, TUnit.Assertions.Enums.CollectionOrdering.Matching);

        float[] nanBand = [float.NaN, 1, float.NaN, 1, 1, 1, 1, 1, 1];
        var d2 = new float[9];
        PixelKernel.MaskNoData(nanBand, float.NaN, d2, 42);
        await Assert.That(d2).IsEquivalentTo(new float[] { 42, 0, 42, 0, 0, 0, 0, 0, 0 }, TUnit.Assertions.Enums.CollectionOrdering.Matching);
    }
}
