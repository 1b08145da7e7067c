using EdgeJobs.Protocol.Jobs;

namespace EdgeJobs.Coordinator.Ledger;

/// <summary>A row of <c>recipes</c>: a stored recipe version.</summary>
public sealed class RecipeRow
{
    public long Id { get; set; }
    public string Org { get; set; } = "";
    public string Name { get; set; } = "";
    public string Version { get; set; } = "";
    /// <summary>Canonical JSON <c>{name, version, steps}</c>.</summary>
    public string Definition { get; set; } = "";
    public string Owner { get; set; } = "";
    public long CreatedAt { get; set; }
}

/// <summary>A row of <c>job_recipes</c>: what a recipe job was asked to do, and how far its steps are.</summary>
public sealed class JobRecipeRow
{
    public long JobId { get; set; }
    public long? RecipeId { get; set; }
    public string Name { get; set; } = "";
    public string Inputs { get; set; } = "{}";
    public string Outputs { get; set; } = "{}";
    public string? OnExitUrl { get; set; }
    public int TotalSteps { get; set; }
    public int EndedSteps { get; set; }
    public int CompletedSteps { get; set; }
    public int FailFast { get; set; }
    /// <summary>The webhook's delivery: null none, 1 due, 2 delivered, 3 given up.</summary>
    public int? OnExitStatus { get; set; }
    public int OnExitAttempts { get; set; }
    public long? OnExitDueAt { get; set; }
    public string? OnExitError { get; set; }
}

/// <summary>A row of <c>job_steps</c>: one step of a recipe job.</summary>
public sealed class StepRow
{
    public long JobId { get; set; }
    public string StepId { get; set; } = "";
    public int Position { get; set; }
    public string Tool { get; set; } = "";
    public string ToolVersion { get; set; } = "";
    public string Params { get; set; } = "{}";
    /// <summary>JSON array of step ids.</summary>
    public string DependsOn { get; set; } = "[]";
    /// <summary>JSON array of step ids.</summary>
    public string Dependents { get; set; } = "[]";
    public int WaitingOn { get; set; }
    public int MaxAttempts { get; set; }
    public long? TimeoutMs { get; set; }
    public int ContinueOnFailure { get; set; }
    public int State { get; set; }
    public long? StepJobId { get; set; }
    public long? StartedAt { get; set; }
    public long? FinishedAt { get; set; }
    public string? ErrorCode { get; set; }
    public string? ErrorMessage { get; set; }
    /// <summary>The step's own first retry wait (ms); null: the coordinator's.</summary>
    public long? BackoffMs { get; set; }
    public long? MaxBackoffMs { get; set; }

    public StepState StepState => (StepState)State;
}

/// <summary>A step's own retry backoff, read when its step job's attempt fails.</summary>
public sealed class StepBackoffRow
{
    public long? BackoffMs { get; set; }
    public long? MaxBackoffMs { get; set; }
}

/// <summary>A step job just made, and its step.</summary>
public sealed class MadeStepJob
{
    public long Id { get; set; }
    public string StepId { get; set; } = "";
}

/// <summary>What a recipe job is made of, checked: the row of <c>job_recipes</c> and the steps, in order.</summary>
public sealed record NewRecipeJob(NewJob Job, long? RecipeId, string Name, string InputsJson, string OutputsJson, string? OnExitUrl,
    IReadOnlyList<Recipes.PlannedStep> Steps);
