using System.ComponentModel;
using EdgeJobs.Catalog.Params;
using EdgeJobs.Protocol.Jobs;
using EdgeJobs.Protocol.Rest;

namespace EdgeJobs.Catalog.Tools;

/// <summary>Params of the diagnostic <c>echo</c> tool.</summary>
public sealed record EchoParams
{
    /// <summary>Longer strings are refused: the answer is read back whole into a results document.</summary>
    public const int MaxLength = 65_536;

    [Description("The string to return, unchanged (at most 65536 characters).")]
    public required string StringInput { get; init; }

    [Description("Seconds to wait before answering; fractions allowed. A stop ends the wait at once.")]
    [ParamRange(0, 3600)]
    public double Pause { get; set; }
}

/// <summary>
/// <c>echo</c>: returns its string as the job's artifact (<c>echo.txt</c>), after an optional pause. It is the process
/// OGC API – Processes clients and test suites expect (a string in, the same string out, sync or async), and like
/// <c>sleep</c> it runs through the whole job machinery: ledger, lease, agent, artifact.
/// </summary>
public sealed class EchoTool : TypedToolDescriptor<EchoParams>
{
    public static readonly EchoTool Instance = new();

    private EchoTool()
        : base(ToolParamsJsonContext.Default.EchoParams)
    {
    }

    public override string Id => "echo";
    public override string Version => "1";
    public override string Title => "Echo";
    public override string Description => "Diagnostic: returns its string input unchanged, after pause seconds; honours stop.";
    public override string Category => "diagnostic";
    public override string RequiredScope => Scopes.JobsWrite;
    public override bool ProducesArtifact => true;

    protected override ToolEstimate Estimate(EchoParams parameters, IReadOnlyList<InputFile> inputs) =>
        new(System.Text.Encoding.UTF8.GetByteCount(parameters.StringInput), parameters.Pause);

    protected override void AddCrossFieldViolations(EchoParams parameters, List<ViolationDto> violations)
    {
        if (parameters.StringInput.Length > EchoParams.MaxLength)
        {
            violations.Add(new ViolationDto("$.params.string_input", $"must be at most {EchoParams.MaxLength} characters"));
        }
    }
}
