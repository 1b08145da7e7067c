using EdgeJobs.Catalog.Tools;
using EdgeJobs.Coordinator.Credits;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Credits;

/// <summary><c>--prices FILE</c>: fields left out are 0, a typo or a negative price stops the start naming the file and field.</summary>
public class PriceFileTests
{
    private static PriceTable Load(TempDir dir, string json)
    {
        var file = dir.File("prices.json");
        File.WriteAllText(file, json);
        return PriceFile.Load(file);
    }

    [Test]
    public async Task a_partial_file_prices_what_it_names_and_leaves_the_rest_at_zero()
    {
        using var dir = new TempDir();

        var prices = Load(dir, """{"default": {"per_job": 1}, "tools": {"sleep": {"per_second": 0.5}}}""");

        await Assert.That(prices.Of("info", new ToolEstimate(5_000_000_000, 100))).IsEqualTo(1000);
        await Assert.That(prices.Of("sleep", new ToolEstimate(0, 3))).IsEqualTo(1500);
    }

    [Test]
    public async Task no_default_keeps_the_built_in_default()
    {
        using var dir = new TempDir();

        var prices = Load(dir, """{"tools": {}}""");

        await Assert.That(prices.Fallback).IsEqualTo(PriceTable.Default.Fallback);
    }

    [Test]
    public async Task a_price_is_rounded_up_to_the_next_millicredit()
    {
        await Assert.That(PriceTable.Default.Of("sleep", new ToolEstimate(0, 0.00001))).IsEqualTo(1);
        await Assert.That(PriceTable.Default.Of("sleep", new ToolEstimate(1_000_000_000, 0))).IsEqualTo(10_000);
    }

    [Test]
    [Arguments("""{"default": {"per_jobs": 1}}""", "per_jobs")]
    [Arguments("""{"default": {"per_second": -1}}""", "default")]
    [Arguments("""{"tools": {"sleep": {"per_output_gb": 2000000}}}""", "tools.sleep")]
    [Arguments("""[1, 2]""", "prices.json")]
    [Arguments("""{"default": {"per_second": "0.1"}}""", "per_second")]
    public async Task a_bad_file_is_refused_naming_what_is_wrong(string json, string named)
    {
        using var dir = new TempDir();

        var refused = Assert.Throws<FormatException>(() => Load(dir, json));

        await Assert.That(refused!.Message).Contains("prices.json");
        await Assert.That(refused.Message).Contains(named);
    }
}
