using EdgeJobs.Protocol.Link;

namespace EdgeJobs.Agent.Tools;

/// <summary>The outputs one attempt has declared (<see cref="ToolContext.TrackOutput"/>), read by the heartbeat thread while the tool adds to them.</summary>
internal sealed class ToolOutputs
{
    private readonly Lock _gate = new();
    private readonly List<ToolOutput> _outputs = [];

    public ToolOutput Add(string name, string path)
    {
        lock (_gate)
        {
            if (_outputs.Exists(o => o.Name == name))
            {
                throw new InvalidOperationException($"output '{name}' is tracked already");
            }

            var output = new ToolOutput(name, path);
            _outputs.Add(output);
            return output;
        }
    }

    /// <summary>Null when the tool declared none (the message then reads as an older agent's: nothing stored changes).</summary>
    public OutputReport[]? Reports()
    {
        lock (_gate)
        {
            return _outputs.Count == 0 ? null : [.. _outputs.Select(o => o.Report())];
        }
    }

    /// <summary>Freezes every output at its final size (the tool has ended).</summary>
    public void Seal()
    {
        lock (_gate)
        {
            foreach (var output in _outputs)
            {
                output.Seal();
            }
        }
    }
}
