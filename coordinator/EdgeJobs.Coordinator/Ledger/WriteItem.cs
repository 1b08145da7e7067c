using Microsoft.Data.Sqlite;

namespace EdgeJobs.Coordinator.Ledger;

/// <summary>
/// One queued ledger operation: run on the writer's connection inside a batch, then published (its
/// caller's task completed) once the batch is durable.
/// </summary>
internal abstract class WriteItem
{
    public bool Failed { get; protected set; }

    /// <summary>True when losing this write to a power failure (not a crash) is harmless.</summary>
    public bool Relaxed { get; init; }

    public abstract void Run(SqliteConnection connection);

    public abstract void Fail(Exception error);

    /// <summary>Forgets the outcome of a run that was rolled back, before the operation runs again.</summary>
    public abstract void Reset();

    public abstract void Publish();
}

internal sealed class WriteItem<T>(Func<SqliteConnection, T> operation) : WriteItem
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T? _result;
    private Exception? _error;

    public Task<T> Task => _completion.Task;

    public override void Run(SqliteConnection connection)
    {
        try
        {
            _result = operation(connection);
        }
        catch (Exception e)
        {
            Fail(e);
        }
    }

    public override void Fail(Exception error)
    {
        _error ??= error;
        Failed = true;
    }

    public override void Reset()
    {
        _result = default;
        _error = null;
        Failed = false;
    }

    public override void Publish()
    {
        if (_error is not null)
        {
            _completion.TrySetException(_error);
        }
        else
        {
            _completion.TrySetResult(_result!);
        }
    }
}
