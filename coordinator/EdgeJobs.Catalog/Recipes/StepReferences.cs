using System.Diagnostics.CodeAnalysis;

namespace EdgeJobs.Catalog.Recipes;

/// <summary>
/// The three kinds of value a step's params may hold besides literals, each a whole JSON string:
/// <c>"{param:NAME}"</c> (the job's <c>params[STEP][NAME]</c>), <c>"input:NAME"</c> (the job's <c>inputs[NAME]</c>) and
/// <c>"step:ID.output"</c> (step ID's artifact, which stays a reference until an agent runs the step).
/// </summary>
public static class StepReferences
{
    public const string StepPrefix = "step:";
    public const string InputPrefix = "input:";
    public const string OutputSuffix = ".output";

    /// <summary>Step ids, recipe names and input names: letters, digits, '_' and '-', starting with a letter or digit.</summary>
    public const string NameRule = "must be 1 to 64 letters, digits, '_' or '-', starting with a letter or digit";

    public static bool IsValidName(string? name) =>
        name is { Length: > 0 and <= 64 } && char.IsAsciiLetterOrDigit(name[0])
        && name.AsSpan().IndexOfAnyExcept("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") < 0;

    /// <summary>The step id of a <c>"step:ID.output"</c> reference.</summary>
    public static bool TryStep(string value, [NotNullWhen(true)] out string? stepId)
    {
        stepId = value.StartsWith(StepPrefix, StringComparison.Ordinal) && value.EndsWith(OutputSuffix, StringComparison.Ordinal)
            ? value[StepPrefix.Length..^OutputSuffix.Length]
            : null;
        return stepId is not null && IsValidName(stepId);
    }

    /// <summary>The name of an <c>"input:NAME"</c> reference.</summary>
    public static bool TryInput(string value, [NotNullWhen(true)] out string? name)
    {
        name = value.StartsWith(InputPrefix, StringComparison.Ordinal) ? value[InputPrefix.Length..] : null;
        return name is not null && IsValidName(name);
    }

    /// <summary>The name of a <c>"{param:NAME}"</c> reference.</summary>
    public static bool TryParam(string value, [NotNullWhen(true)] out string? name)
    {
        name = value.StartsWith("{param:", StringComparison.Ordinal) && value.EndsWith('}') ? value[7..^1] : null;
        return name is not null && name.Length > 0;
    }

    /// <summary>Looks like a reference (a prefix is there) but is not a well-formed one.</summary>
    public static bool LooksLikeReference(string value) =>
        value.StartsWith(StepPrefix, StringComparison.Ordinal) || value.StartsWith(InputPrefix, StringComparison.Ordinal)
        || value.StartsWith("{param:", StringComparison.Ordinal);

    /// <summary>The reference an artifact of <paramref name="stepId"/> goes by.</summary>
    public static string Of(string stepId) => StepPrefix + stepId + OutputSuffix;
}
