using EdgeJobs.Catalog.Tools;
using EdgeJobs.Coordinator.Ledger;

namespace EdgeJobs.Coordinator.Credits;

/// <summary>What one tool's work costs: credits per job, per second of run time and per GB (10⁹ bytes) of output.</summary>
public sealed record ToolPrice(decimal PerJob, decimal PerSecond, decimal PerOutputGb);

/// <summary>
/// Prices per tool (design §8.5, README "Credits"): a default for every tool and overrides by tool id, from
/// <c>--prices FILE</c> or <see cref="Default"/>. The same rate prices a job's estimate (reserved at submit) and its
/// measured work (charged at register), so a job that ran as estimated costs what was reserved.
/// </summary>
public sealed class PriceTable(ToolPrice fallback, IReadOnlyDictionary<string, ToolPrice> tools)
{
    /// <summary>A tenth of a credit per second and ten per output GB, for every tool; nothing per job.</summary>
    public static PriceTable Default { get; } = new(new ToolPrice(0m, 0.1m, 10m), new Dictionary<string, ToolPrice>());

    public ToolPrice Fallback { get; } = fallback;

    public IReadOnlyDictionary<string, ToolPrice> Tools { get; } = tools;

    public ToolPrice For(string tool) => Tools.TryGetValue(tool, out var price) ? price : Fallback;

    /// <summary>Millicredits of an estimate, rounded up.</summary>
    public long Of(string tool, ToolEstimate estimate) => Of(For(tool), estimate.Seconds, estimate.OutputBytes);

    /// <summary>Millicredits of measured work, rounded up.</summary>
    public long Of(string tool, MeasuredWork work) => Of(For(tool), work.Seconds, work.OutputBytes);

    private static long Of(ToolPrice price, double seconds, long outputBytes) =>
        CreditAmounts.CeilingMilli(price.PerJob + price.PerSecond * (decimal)Math.Max(0, seconds) + price.PerOutputGb * (outputBytes / 1_000_000_000m));
}
