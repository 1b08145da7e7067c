namespace EdgeJobs.Agent.Tools;

/// <summary>What every dataset tool checks first: it runs on a dataset, on the agent that has the datasets.</summary>
internal static class DatasetTool
{
    public static IDatasetAccess AccessOf(ToolContext context) =>
        context.Dataset is null
            ? throw new ToolFailure("bad_input", "this tool works on a dataset: submit it with \"dataset\": \"org/name\"", retryable: false)
            : context.DatasetAccess ?? throw new ToolFailure("no_dataset_access",
                "this agent cannot change datasets (only the agent in the coordinator's process can); another agent may", retryable: true);
}
