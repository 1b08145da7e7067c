using System.ComponentModel;
using EdgeJobs.Catalog.Params;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Catalog.Tools;

/// <summary>Params of the diagnostic <c>sleep</c> tool.</summary>
public sealed record SleepParams
{
    [Description("How long to sleep, in seconds; fractions allowed.")]
    [ParamRange(0, 604_800)]
    public required double Seconds { get; init; }

    [Description("End with a retryable error instead of success (exercises retries).")]
    public bool Fail { get; set; }

    [Description("End with a fatal error that is never retried.")]
    public bool Fatal { get; set; }
}

/// <summary>
/// <c>sleep</c>: reports progress and a log line every second, honours stop, and can fail on purpose.
/// It exists to exercise the job machinery end to end without any data.
/// </summary>
public sealed class SleepTool : TypedToolDescriptor<SleepParams>
{
    public static readonly SleepTool Instance = new();

    private SleepTool()
        : base(ToolParamsJsonContext.Default.SleepParams)
    {
    }

    public override string Id => "sleep";
    public override string Version => "1";
    public override string Title => "Sleep";
    public override string Description => "Diagnostic: sleeps, reporting progress and a log line every second; honours stop; can fail on purpose.";
    public override string Category => "diagnostic";
    public override string RequiredScope => Scopes.JobsWrite;
    public override bool ProducesArtifact => false;

    protected override ToolEstimate Estimate(SleepParams parameters, IReadOnlyList<InputFile> inputs) => new(0, parameters.Seconds);

    protected override void AddCrossFieldViolations(SleepParams parameters, List<ViolationDto> violations)
    {
        if (parameters.Fail && parameters.Fatal)
        {
            violations.Add(new ViolationDto("$.params.fatal", "cannot be combined with fail: choose a retryable or a fatal failure"));
        }
    }
}
